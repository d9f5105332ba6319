import Foundation

/// One cached result with everything needed to trust it: the spec it answers, the code
/// fingerprints it was computed with, and the key both hash to.
public struct CacheEntry<Spec: Codable & Sendable, Result: Codable & Sendable>: Codable, Sendable {
    public var key: String
    public var spec: Spec
    public var fingerprints: [String: String]
    public var result: Result
    /// When the entry was written (seconds since 1970), for `status` and `gc`.
    public var written: Double

    public init(key: String, spec: Spec, fingerprints: [String: String], result: Result, written: Double) {
        self.key = key
        self.spec = spec
        self.fingerprints = fingerprints
        self.result = result
        self.written = written
    }
}

/// A decodable entry body that names its key.
protocol KeyedEntry: Decodable { var key: String { get } }

extension CacheEntry: KeyedEntry {}

/// The key and result of an entry body, without its spec and fingerprints.
struct EntryResult<Result: Decodable>: KeyedEntry {
    var key: String
    var result: Result
}

/// The key of an entry body alone.
struct EntryKey: KeyedEntry { var key: String }

/// What a lookup of a result alone found.
public enum ResultLookup<Result> {
    case hit(Result)
    case missing
    /// A file exists but is not a whole, verified entry (reason given).
    case damaged(String)
}

/// What a cache lookup found.
public enum CacheLookup<Spec: Codable & Sendable, Result: Codable & Sendable>: Sendable {
    case hit(CacheEntry<Spec, Result>)
    case missing
    /// A file exists but is not a whole, verified entry (reason given); it will be recomputed.
    case damaged(String)
}

/// The latest entry written for a spec, whatever the code version: lets `explain` say which
/// fingerprint changed.
public struct LatestEntry: Codable, Sendable, Equatable {
    public var key: String
    public var fingerprints: [String: String]
}

/// A content-addressed store of task results under one folder.
///
/// Layout: `entries/<2 hex>/<key>.entry` holds a header line
/// `neural-recovery-cache/2 <sha256 of the body>` and the canonical JSON body; `latest/<name>.json`
/// records the key and fingerprints of the newest entry of a spec or a family of specs (the
/// planner names one pointer per panel family, so there is no pointer file per entry). `gc` moves
/// the entries it keeps into a pack (`packs/`, see `EntryPacks`); lookups read either. Every file is written by `AtomicFile` (temporary file,
/// fsync, rename), so a reader never sees a partial entry, and processes or shards sharing the
/// folder need no lock: two writers of one key write the same content.
public struct TaskCache: Sendable {
    /// The header tag; a change of entry format changes it, so old entries read as damaged, never as hits.
    public static let format = "neural-recovery-cache/2"

    public let root: URL
    let packs: EntryPacks
    /// `root`'s entries folder as a path (building paths from URLs costs more than the stat).
    let entriesPath: String

    public init(root: URL) {
        self.root = root
        packs = EntryPacks(folder: root.appendingPathComponent("packs"))
        entriesPath = root.appendingPathComponent("entries").path
    }

    func entryURL(_ key: String) -> URL { URL(fileURLWithPath: entryPath(key)) }

    /// The entry file of `key` as a path (building it through `URL` costs more than reading the file).
    func entryPath(_ key: String) -> String { "\(entriesPath)/\(key.prefix(2))/\(key).entry" }

    func latestURL(_ specHash: String) -> URL {
        root.appendingPathComponent("latest").appendingPathComponent("\(specHash).json")
    }

    /// Whether an entry exists for `key`, in its own file or a pack (not verified).
    public func contains(_ key: String) -> Bool {
        if FileManager.default.fileExists(atPath: entryURL(key).path) { return true }
        return TaskDigest(hex: key).map(packs.contains) ?? false
    }

    /// Whether an entry exists for `digest`, in its own file or a pack (not verified).
    public func contains(_ digest: TaskDigest) -> Bool {
        var info = stat()
        let key = digest.hex
        if stat(entryPath(key), &info) == 0 { return true }
        return packs.contains(digest)
    }

    /// Reads and verifies the entry of `key` (its own file first, then the packs).
    public func lookup<Spec, Result>(_ key: String, as: CacheEntry<Spec, Result>.Type) -> CacheLookup<Spec, Result> {
        guard let data = entryData(key) else { return blockedEntryPath(key).map { .damaged($0) } ?? .missing }
        switch Self.verify(data, key: key, as: CacheEntry<Spec, Result>.self) {
        case .success(let entry): return .hit(entry)
        case .failure(let damage): return .damaged(damage.reason)
        }
    }

    /// Reads and verifies the entry of `key` like `lookup`, decoding only its result (not the spec
    /// and fingerprints it also holds): what a renderer needs, at about half the cost.
    public func lookupResult<Result: Decodable>(_ key: String, as: Result.Type) -> ResultLookup<Result> {
        guard let data = entryData(key) else { return blockedEntryPath(key).map { .damaged($0) } ?? .missing }
        switch Self.verify(data, key: key, as: EntryResult<Result>.self) {
        case .success(let entry): return .hit(entry.result)
        case .failure(let damage): return .damaged(damage.reason)
        }
    }

    func entryData(_ key: String) -> Data? {
        FileManager.default.contents(atPath: entryPath(key)) ?? TaskDigest(hex: key).flatMap(packs.entryData)
    }

    struct Damage: Error { let reason: String }

    /// Checks an entry's bytes: header tag, checksum of the body, body decodes, key matches.
    static func verify<Body: KeyedEntry>(_ data: Data, key: String, as: Body.Type) -> Swift.Result<Body, Damage> {
        guard let newline = data.firstIndex(of: 0x0A) else { return .failure(Damage(reason: "no header line")) }
        let header = String(decoding: data[data.startIndex..<newline], as: UTF8.self).split(separator: " ")
        guard header.count == 2, header[0] == Self.format else {
            return .failure(Damage(reason: "header is not \(Self.format) (entry of another format version)"))
        }
        let body = Data(data[(newline + 1)...])
        guard CanonicalJSON.sha256(body) == header[1] else { return .failure(Damage(reason: "checksum mismatch")) }
        guard let entry = try? CanonicalJSON.decode(Body.self, from: body) else {
            return .failure(Damage(reason: "body does not decode"))
        }
        guard entry.key == key else { return .failure(Damage(reason: "entry holds key \(entry.key)")) }
        return .success(entry)
    }

    /// Whether `data` is a whole entry of the current format for `key` (its result not decoded).
    static func isWholeEntry(_ data: Data, key: String) -> Bool {
        if case .success = verify(data, key: key, as: EntryKey.self) { return true }
        return false
    }

    /// Writes an entry (atomically) and the latest-entry pointer `latestName` (default: the spec's
    /// own hash); the pointer is left alone when it already records the same fingerprints, and is
    /// best-effort (it only serves `explain`: the entry is stored even when it cannot be written).
    /// `durable: false` is for bulk writers that sync once at the end (see `AtomicFile`).
    public func store<Spec, Result>(_ entry: CacheEntry<Spec, Result>, latestName: String? = nil,
                                    durable: Bool = true) throws {
        let body = try CanonicalJSON.encode(entry)
        var data = Data("\(Self.format) \(CanonicalJSON.sha256(body))\n".utf8)
        data.append(body)
        try clearBlockedEntryPath(entry.key)
        try AtomicFile.write(data, to: entryURL(entry.key), durable: durable)
        guard let name = try? latestName ?? TaskKey.specHash(entry.spec) else { return }
        if latest(specHash: name)?.fingerprints == entry.fingerprints { return }
        let latest = LatestEntry(key: entry.key, fingerprints: entry.fingerprints)
        try? AtomicFile.write(try CanonicalJSON.encode(latest), to: latestURL(name), durable: durable)
    }

    /// The newest entry pointer written under `specHash` (a spec hash or a family name), if any.
    public func latest(specHash: String) -> LatestEntry? {
        guard let data = FileManager.default.contents(atPath: latestURL(specHash).path) else { return nil }
        return try? CanonicalJSON.decode(LatestEntry.self, from: data)
    }

    /// Every entry key present (entry files by name, then packed keys), without repeats.
    public func allKeys() -> [String] {
        var seen = Set<String>()
        return (looseKeys() + packs.digests.map(\.hex)).filter { seen.insert($0).inserted }
    }

    /// How many entries are in their own files (not yet packed).
    public func looseEntryCount() -> Int { looseKeys().count }

    /// Keys of the entries in their own files.
    func looseKeys() -> [String] {
        let entries = root.appendingPathComponent("entries")
        guard let shards = try? FileManager.default.contentsOfDirectory(atPath: entries.path) else { return [] }
        var keys: [String] = []
        for shard in shards.sorted() {
            let folder = entries.appendingPathComponent(shard)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasSuffix(".entry") {
                keys.append(String(name.dropLast(".entry".count)))
            }
        }
        return keys
    }

    /// Copies the entries of `keys` that this cache holds whole (each verified, as on reading) into a
    /// new pack `name` under `folder`, outside the cache (e.g. a figure's folder under
    /// `outputs/in-progress/`, from where `tools/carry-packs.sh` brings it into another cache).
    /// Written like the cache's own packs (temporary file, fsync, rename; the index last); an
    /// existing pack of that name is refused. Returns how many entries the pack holds (0: none was
    /// held whole, and nothing is written).
    public func exportPack(_ keys: [String], to folder: URL, name: String) throws -> Int {
        let target = EntryPacks(folder: folder)
        guard !FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(name).pack").path),
              !FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(name).index").path) else {
            throw CocoaError(.fileWriteFileExists, userInfo: [NSFilePathErrorKey: folder.appendingPathComponent("\(name).pack").path])
        }
        var count = 0
        _ = try target.write(keys.compactMap(TaskDigest.init(hex:)), name: name) { digest in
            let key = digest.hex
            guard let data = entryData(key), Self.isWholeEntry(data, key: key) else { return nil }
            count += 1
            return data
        }
        return count
    }

    /// The keys held by the packs (with a complete index) directly under `folder`.
    public static func packedKeys(in folder: URL) -> Set<String> {
        Set(EntryPacks(folder: folder).digests.map(\.hex))
    }

    /// Removes every entry whose key is not in `keep`, stale latest pointers and temporary files
    /// older than an hour (left by a killed writer), and packs the entries it keeps: they move from
    /// their own files and older packs into one new pack (each checked whole first; a damaged one is
    /// dropped and will be recomputed). Returns the number of entries removed.
    @discardableResult
    public func collectGarbage(keeping keep: Set<String>) -> Int {
        let loose = looseKeys()
        let oldPacks = packs.packs
        let present = Set(loose).union(packs.digests.map(\.hex))
        let removed = present.subtracting(keep).count
        let kept = present.intersection(keep).compactMap(TaskDigest.init(hex:))
        let packed = (try? packs.write(kept) { digest in
            let key = digest.hex
            let data = FileManager.default.contents(atPath: entryURL(key).path) ?? packs.entryData(digest)
            return data.flatMap { Self.isWholeEntry($0, key: key) ? $0 : nil }
        }) ?? nil
        // Only once the new pack (with its index) is in place do the old copies go.
        if packed != nil || kept.isEmpty {
            for key in loose { try? FileManager.default.removeItem(at: entryURL(key)) }
            for pack in oldPacks { packs.remove(pack) }
        } else {
            for key in loose where !keep.contains(key) { try? FileManager.default.removeItem(at: entryURL(key)) }
        }
        packs.reload()
        let latestFolder = root.appendingPathComponent("latest")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: latestFolder.path)) ?? [] {
            let url = latestFolder.appendingPathComponent(name)
            if let data = FileManager.default.contents(atPath: url.path),
               let pointer = try? CanonicalJSON.decode(LatestEntry.self, from: data), keep.contains(pointer.key) { continue }
            try? FileManager.default.removeItem(at: url)
        }
        let hourAgo = Date().addingTimeInterval(-3600)
        if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.contentModificationDateKey]) {
            for case let url as URL in walker where url.lastPathComponent.hasPrefix(".") && url.pathExtension == "tmp" {
                let modified = (try? url.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate
                if let modified, modified < hourAgo { try? FileManager.default.removeItem(at: url) }
            }
        }
        return removed
    }
}
