import Foundation

/// Claims on tasks, so that several runs sharing one cache (terminals, Slurm jobs without `--shard`)
/// split the work instead of each computing everything.
///
/// A claim is a file `leases/<key>.lease` created with `O_CREAT | O_EXCL` (atomic on local and
/// network filesystems alike; no `flock`), holding the claimer's token, PID, host and start time.
/// While a task runs its holder touches the file every `heartbeat` seconds. A lease is stale — and
/// is taken over — when its file was not touched for `staleAfter` seconds (the holder hung, was
/// killed or lost its machine), or at once when its holder ran on this host and no longer exists.
/// A taker removes a stale lease only while holding `<key>.lease.takeover` (created with O_EXCL)
/// and after checking it is still the lease it judged stale; it then claims with O_EXCL like anyone,
/// so one claimer wins.
public final class TaskLeases: @unchecked Sendable {
    /// What a claim found.
    public enum Claim: Sendable {
        /// The task is ours until `release`.
        case claimed
        /// Another live run holds it (who, for messages).
        case heldElsewhere(String)
    }

    public let folder: URL
    public let staleAfter: TimeInterval
    /// Unique to this process: `host:pid:start:random`.
    public let token: String
    private let host: String
    private let lock = NSLock()
    private var held: Set<String> = []
    private var heartbeatThread: Thread?

    /// Leases under `cache.root/leases`, touched every `heartbeat` seconds, stale after `staleAfter`.
    public init(cache: TaskCache, heartbeat: TimeInterval = 10, staleAfter: TimeInterval = 120) {
        folder = cache.root.appendingPathComponent("leases")
        self.staleAfter = staleAfter
        host = ProcessInfo.processInfo.hostName
        token = "\(host):\(getpid()):\(Int(Date().timeIntervalSince1970)):\(UInt64.random(in: 0...UInt64.max))"
        // Holds no strong reference while it sleeps, so the thread ends once the leases are released.
        let thread = Thread { [weak self] in
            while self.map({ $0.touchHeld(); return true }) ?? false {
                Thread.sleep(forTimeInterval: heartbeat)
            }
        }
        thread.name = "lease heartbeat"
        thread.start()
        heartbeatThread = thread
    }

    func url(_ key: String) -> URL { folder.appendingPathComponent("\(key).lease") }

    /// Claims `key`: creates its lease, or takes over a stale one.
    ///
    /// - Throws: `AtomicFileError` when the lease folder cannot be written.
    public func claim(_ key: String) throws -> Claim {
        let path = url(key).path
        for _ in 0..<4 {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if descriptor >= 0 {
                let text = "\(token)\npid \(getpid())\nhost \(host)\nstarted \(Date().timeIntervalSince1970)\n"
                _ = text.withCString { write(descriptor, $0, strlen($0)) }
                fsync(descriptor)
                close(descriptor)
                lock.lock(); held.insert(key); lock.unlock()
                return .claimed
            }
            if errno == ENOENT {
                try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                if FileManager.default.fileExists(atPath: folder.path) { continue }
            }
            guard errno == EEXIST else { throw AtomicFileError(path: path, operation: "create the lease", code: errno) }
            guard let holder = LeaseHolder(path: path) else { continue }   // vanished meanwhile: try again
            guard holder.isStale(staleAfter: staleAfter, localHost: host) else { return .heldElsewhere(holder.summary) }
            // Take over under a takeover lock (also O_EXCL), so that of several takers only one
            // removes the stale lease, and only after checking it is still the one judged stale.
            let lockPath = path + ".takeover"
            let lockDescriptor = open(lockPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            guard lockDescriptor >= 0 else {
                // A takeover lock left by a taker that was killed expires.
                if let modified = (try? FileManager.default.attributesOfItem(atPath: lockPath))?[.modificationDate] as? Date,
                   Date().timeIntervalSince(modified) > 30 {
                    unlink(lockPath)
                }
                return .heldElsewhere("a run taking over the stale lease of \(holder.summary)")
            }
            close(lockDescriptor)
            if let again = LeaseHolder(path: path), again.token == holder.token,
               again.isStale(staleAfter: staleAfter, localHost: host) {
                unlink(path)
            }
            unlink(lockPath)
        }
        return .heldElsewhere("a run that keeps renewing its lease")
    }

    /// Gives up the claim on `key` (its lease file is removed if it is still ours).
    public func release(_ key: String) {
        lock.lock(); held.remove(key); lock.unlock()
        let path = url(key).path
        if let holder = LeaseHolder(path: path), holder.token == token { unlink(path) }
    }

    private func touchHeld() {
        lock.lock()
        let keys = held
        lock.unlock()
        for key in keys { utimes(url(key).path, nil) }
    }
}

/// The content and age of a lease file.
struct LeaseHolder {
    let token: String
    let pid: Int32
    let host: String
    let modified: Date

    init?(path: String) {
        guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
              let data = FileManager.default.contents(atPath: path) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        token = lines.first ?? ""
        pid = fields["pid"].flatMap { Int32($0) } ?? 0
        host = fields["host"] ?? ""
        self.modified = modified
    }

    /// Not touched for `staleAfter` seconds, or its holder was on this host and is gone. A lease
    /// being written (no content yet) is not stale until it ages.
    func isStale(staleAfter: TimeInterval, localHost: String) -> Bool {
        if Date().timeIntervalSince(modified) > staleAfter { return true }
        if host == localHost, pid > 0, kill(pid, 0) != 0, errno == ESRCH { return true }
        return false
    }

    var summary: String { "process \(pid) on \(host.isEmpty ? "?" : host)" }
}
