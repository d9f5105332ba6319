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
/// `neural-recovery-cache/1 <sha256 of the body>` and the canonical JSON body; `latest/<spec hash>.json`
/// points at the newest key of a spec. Every file is written by `AtomicFile` (temporary file,
/// fsync, rename), so a reader never sees a partial entry, and processes or shards sharing the
/// folder need no lock: two writers of one key write the same content.
public struct TaskCache: Sendable {
    /// The header tag; a change of entry format changes it, so old entries read as damaged, never as hits.
    public static let format = "neural-recovery-cache/1"

    public let root: URL

    public init(root: URL) { self.root = root }

    func entryURL(_ key: String) -> URL {
        root.appendingPathComponent("entries").appendingPathComponent(String(key.prefix(2)))
            .appendingPathComponent("\(key).entry")
    }

    func latestURL(_ specHash: String) -> URL {
        root.appendingPathComponent("latest").appendingPathComponent("\(specHash).json")
    }

    /// Whether an entry file exists for `key` (not verified).
    public func contains(_ key: String) -> Bool {
        FileManager.default.fileExists(atPath: entryURL(key).path)
    }

    /// Reads and verifies the entry of `key`.
    public func lookup<Spec, Result>(_ key: String, as: CacheEntry<Spec, Result>.Type) -> CacheLookup<Spec, Result> {
        guard let data = FileManager.default.contents(atPath: entryURL(key).path) else {
            return blockedEntryPath(key).map { .damaged($0) } ?? .missing
        }
        guard let newline = data.firstIndex(of: 0x0A) else { return .damaged("no header line") }
        let header = String(decoding: data[data.startIndex..<newline], as: UTF8.self).split(separator: " ")
        guard header.count == 2, header[0] == Self.format else {
            return .damaged("header is not \(Self.format) (entry of another format version)")
        }
        let body = data[(newline + 1)...]
        guard CanonicalJSON.sha256(Data(body)) == header[1] else { return .damaged("checksum mismatch") }
        guard let entry = try? CanonicalJSON.decode(CacheEntry<Spec, Result>.self, from: Data(body)) else {
            return .damaged("body does not decode")
        }
        guard entry.key == key else { return .damaged("entry holds key \(entry.key)") }
        return .hit(entry)
    }

    /// Writes an entry (atomically) and updates the spec's latest pointer (best-effort).
    public func store<Spec, Result>(_ entry: CacheEntry<Spec, Result>) throws {
        let body = try CanonicalJSON.encode(entry)
        var data = Data("\(Self.format) \(CanonicalJSON.sha256(body))\n".utf8)
        data.append(body)
        try clearBlockedEntryPath(entry.key)
        try AtomicFile.write(data, to: entryURL(entry.key))
        // The pointer only serves `explain`: the entry is stored even when it cannot be written.
        let latest = LatestEntry(key: entry.key, fingerprints: entry.fingerprints)
        try? AtomicFile.write(try CanonicalJSON.encode(latest), to: latestURL(try TaskKey.specHash(entry.spec)))
    }

    /// The newest entry pointer written for a spec hash, if any.
    public func latest(specHash: String) -> LatestEntry? {
        guard let data = FileManager.default.contents(atPath: latestURL(specHash).path) else { return nil }
        return try? CanonicalJSON.decode(LatestEntry.self, from: data)
    }

    /// Every entry key present (by file name).
    public func allKeys() -> [String] {
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

    /// Removes every entry whose key is not in `keep`, stale latest pointers and temporary files
    /// older than an hour (left by a killed writer). Returns the number of entries removed.
    @discardableResult
    public func collectGarbage(keeping keep: Set<String>) -> Int {
        var removed = 0
        for key in allKeys() where !keep.contains(key) {
            if (try? FileManager.default.removeItem(at: entryURL(key))) != nil { removed += 1 }
        }
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
