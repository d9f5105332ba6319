import Foundation
import TaskCache
import Testing

struct ToySpec: Codable, Sendable, Equatable { var n: Int; var sigma: Double }
struct ToyResult: Codable, Sendable, Equatable { var value: Double }
typealias ToyEntry = CacheEntry<ToySpec, ToyResult>

func temporaryCache() throws -> TaskCache {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("nr-cache-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return TaskCache(root: url)
}

func entry(_ n: Int, _ value: Double, fingerprints: [String: String] = ["A": "1"]) throws -> ToyEntry {
    let spec = ToySpec(n: n, sigma: 0.1)
    return ToyEntry(key: try TaskKey.make(spec: spec, fingerprints: fingerprints), spec: spec,
                    fingerprints: fingerprints, result: ToyResult(value: value), written: 0)
}

@Suite struct TaskCacheTests {
    @Test func keysDependOnSpecAndFingerprintsOnly() throws {
        let a = try TaskKey.make(spec: ToySpec(n: 1, sigma: 0.1), fingerprints: ["A": "1", "B": "2"])
        let b = try TaskKey.make(spec: ToySpec(n: 1, sigma: 0.1), fingerprints: ["B": "2", "A": "1"])
        #expect(a == b)
        #expect(a.count == 64)
        #expect(try TaskKey.make(spec: ToySpec(n: 2, sigma: 0.1), fingerprints: ["A": "1", "B": "2"]) != a)
        #expect(try TaskKey.make(spec: ToySpec(n: 1, sigma: 0.1), fingerprints: ["A": "1", "B": "3"]) != a)
    }

    @Test func storesAndReadsBack() throws {
        let cache = try temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.root) }
        let e = try entry(3, 0.25)
        guard case .missing = cache.lookup(e.key, as: ToyEntry.self) else { Issue.record("expected missing"); return }
        try cache.store(e)
        guard case .hit(let read) = cache.lookup(e.key, as: ToyEntry.self) else { Issue.record("expected hit"); return }
        #expect(read.result == e.result && read.spec == e.spec)
        #expect(cache.latest(specHash: try TaskKey.specHash(e.spec))?.key == e.key)
    }

    @Test func damagedEntriesAreDetected() throws {
        let cache = try temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.root) }
        let e = try entry(4, 0.5)
        try cache.store(e)
        let url = cache.root.appendingPathComponent("entries/\(e.key.prefix(2))/\(e.key).entry")
        let original = try Data(contentsOf: url)
        let damages: [(String, Data)] = [
            ("truncated", original.prefix(original.count - 5)),
            ("flipped", { var d = original; d[d.count - 3] ^= 0x01; return d }()),
            ("old format", Data(String(decoding: original, as: UTF8.self)
                .replacingOccurrences(of: "neural-recovery-cache/1", with: "neural-recovery-cache/0").utf8)),
            ("empty", Data()),
        ]
        for (name, bytes) in damages {
            try bytes.write(to: url)
            guard case .damaged = cache.lookup(e.key, as: ToyEntry.self) else {
                Issue.record("\(name) entry was not reported damaged")
                continue
            }
        }
        // Recomputing and storing again repairs it.
        try cache.store(e)
        guard case .hit = cache.lookup(e.key, as: ToyEntry.self) else { Issue.record("not repaired"); return }
    }

    @Test func garbageCollectionKeepsReferencedEntries() throws {
        let cache = try temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.root) }
        let keep = try entry(1, 1), drop = try entry(2, 2)
        try cache.store(keep)
        try cache.store(drop)
        #expect(Set(cache.allKeys()) == [keep.key, drop.key])
        #expect(cache.collectGarbage(keeping: [keep.key]) == 1)
        #expect(cache.allKeys() == [keep.key])
        #expect(cache.latest(specHash: try TaskKey.specHash(drop.spec)) == nil)
    }

    @Test func atomicWritesLeaveNoTemporaryFiles() throws {
        let cache = try temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.root) }
        for i in 0..<20 { try cache.store(try entry(i, Double(i))) }
        let files = FileManager.default.enumerator(atPath: cache.root.path)!.compactMap { $0 as? String }
        #expect(!files.contains { $0.hasSuffix(".tmp") })
        #expect(cache.allKeys().count == 20)
    }
}
