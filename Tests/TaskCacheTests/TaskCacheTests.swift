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
                .replacingOccurrences(of: TaskCache.format, with: "neural-recovery-cache/1").utf8)),
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

    @Test func garbageCollectionPacksWhatItKeeps() throws {
        let cache = try temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.root) }
        let kept = try (0..<30).map { try entry($0, Double($0)) }
        let dropped = try (30..<40).map { try entry($0, Double($0)) }
        for e in kept + dropped { try cache.store(e) }
        #expect(cache.collectGarbage(keeping: Set(kept.map(\.key))) == dropped.count)
        // The kept entries left their own files for one pack, and read back from it verified.
        let loose = FileManager.default.enumerator(atPath: cache.root.appendingPathComponent("entries").path)?
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".entry") } ?? []
        #expect(loose.isEmpty)
        let packs = try FileManager.default.contentsOfDirectory(atPath: cache.root.appendingPathComponent("packs").path)
        #expect(packs.filter { $0.hasSuffix(".pack") }.count == 1 && packs.filter { $0.hasSuffix(".index") }.count == 1)
        #expect(Set(cache.allKeys()) == Set(kept.map(\.key)))
        for e in kept {
            #expect(cache.contains(e.key))
            guard case .hit(let read) = cache.lookup(e.key, as: ToyEntry.self) else { Issue.record("packed \(e.spec.n) not found"); continue }
            #expect(read.result == e.result)
        }
        for e in dropped {
            #expect(!cache.contains(e.key))
            guard case .missing = cache.lookup(e.key, as: ToyEntry.self) else { Issue.record("dropped \(e.spec.n) still there"); continue }
        }
        // A newer entry of its own file and a second gc: still one pack, nothing lost.
        let late = try entry(99, 9)
        try cache.store(late)
        #expect(cache.collectGarbage(keeping: Set((kept + [late]).map(\.key))) == 0)
        #expect(Set(cache.allKeys()) == Set((kept + [late]).map(\.key)))
        let after = try FileManager.default.contentsOfDirectory(atPath: cache.root.appendingPathComponent("packs").path)
        #expect(after.filter { $0.hasSuffix(".pack") }.count == 1)
        guard case .hit = cache.lookup(late.key, as: ToyEntry.self) else { Issue.record("late entry lost"); return }
    }

    @Test func damagedPackedEntriesAreDetected() throws {
        let cache = try temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.root) }
        let entries = try (0..<5).map { try entry($0, Double($0)) }
        for e in entries { try cache.store(e) }
        cache.collectGarbage(keeping: Set(entries.map(\.key)))
        let folder = cache.root.appendingPathComponent("packs")
        let pack = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasSuffix(".pack") })
        var bytes = try Data(contentsOf: folder.appendingPathComponent(pack))
        bytes[bytes.count - 3] ^= 0x01  // inside the last entry's body
        try bytes.write(to: folder.appendingPathComponent(pack))
        let outcomes = entries.map { e -> Bool in
            if case .damaged = TaskCache(root: cache.root).lookup(e.key, as: ToyEntry.self) { return true }
            return false
        }
        #expect(outcomes.filter { $0 }.count == 1)
    }

    @Test func digestsRoundTripThroughHex() throws {
        let key = try TaskKey.make(spec: ToySpec(n: 7, sigma: 0.5), fingerprints: ["A": "1"])
        let digest = try #require(TaskDigest(hex: key))
        #expect(digest.hex == key)
        #expect(TaskDigest(hex: String(key.dropLast())) == nil)
        #expect(TaskDigest(hex: key.uppercased()) == nil)
        let family = try TaskKeyFamily(template: ToySpec(n: 0, sigma: 0.5), fingerprints: ["A": "1"])
        #expect(family.key(1, 2, 3) != family.key(1, 2, 4))
        #expect(family.key(1, 2, 3) == (try TaskKeyFamily(template: ToySpec(n: 0, sigma: 0.5), fingerprints: ["A": "1"])).key(1, 2, 3))
        #expect(family.key(1, 2, 3) != (try TaskKeyFamily(template: ToySpec(n: 0, sigma: 0.5), fingerprints: ["A": "2"])).key(1, 2, 3))
        let a = family.key(1, 2, 3), b = family.key(4, 5, 6)
        #expect((a < b) == (a.hex < b.hex))
    }
}
