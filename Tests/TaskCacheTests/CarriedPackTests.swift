import Foundation
import TaskCache
import Testing

/// `tools/carry-packs.sh`: the packs of a figure computed across sittings (committed under
/// outputs/in-progress/) join another cache, whose lookups then hit them, verified.
@Suite struct CarriedPackTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools/carry-packs.sh")

    /// Runs the script; its exit code and standard output and error.
    func carry(outputs: URL, inProgress: URL) throws -> (code: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.script.path, outputs.path, inProgress.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func carriedPacksAreHitsInAnotherCache() throws {
        let source = try temporaryCache()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("nr-carry-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: source.root)
            try? FileManager.default.removeItem(at: work)
        }
        let entries = try (0..<7).map { try entry($0, Double($0) / 3) }
        for e in entries { try source.store(e) }
        source.collectGarbage(keeping: Set(entries.map(\.key)))
        // The pack, committed under a name of its own in a figure's folder.
        let figure = work.appendingPathComponent("in-progress/figX")
        try FileManager.default.createDirectory(at: figure, withIntermediateDirectories: true)
        let packs = source.root.appendingPathComponent("packs")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: packs.path).first { $0.hasSuffix(".pack") })
        for ext in ["pack", "index"] {
            try FileManager.default.copyItem(at: packs.appendingPathComponent(name).deletingPathExtension().appendingPathExtension(ext),
                                             to: figure.appendingPathComponent("figX-part-1.\(ext)"))
        }
        let outputs = work.appendingPathComponent("outputs")
        let first = try carry(outputs: outputs, inProgress: work.appendingPathComponent("in-progress"))
        #expect(first.code == 0)
        #expect(first.output.contains("carried 7 cache entries"), "\(first.output)")
        let cache = TaskCache(root: outputs.appendingPathComponent("cache"))
        for e in entries {
            guard case .hit(let read) = cache.lookup(e.key, as: ToyEntry.self) else { Issue.record("entry \(e.spec.n) not carried"); continue }
            #expect(read.result == e.result)
        }
        #expect(!cache.contains(try entry(8, 0).key))
        // Again: the pack is there already, nothing is copied, no temporary file is left.
        let second = try carry(outputs: outputs, inProgress: work.appendingPathComponent("in-progress"))
        #expect(second.code == 0 && second.output.isEmpty, "\(second.output)")
        let files = try FileManager.default.contentsOfDirectory(atPath: outputs.appendingPathComponent("cache/packs").path)
        #expect(files.sorted() == ["figX-part-1.index", "figX-part-1.pack"])
        // gc merges the copy into the cache's own pack; carrying again copies nothing either (the cache's
        // packs hold every entry), and the entries are still hits.
        cache.collectGarbage(keeping: Set(entries.map(\.key)))
        let third = try carry(outputs: outputs, inProgress: work.appendingPathComponent("in-progress"))
        #expect(third.code == 0 && third.output.isEmpty, "\(third.output)")
        let merged = try FileManager.default.contentsOfDirectory(atPath: outputs.appendingPathComponent("cache/packs").path)
        #expect(merged.count == 2 && !merged.contains { $0.hasPrefix("figX-part-1") }, "\(merged)")
        let reopened = TaskCache(root: outputs.appendingPathComponent("cache"))
        for e in entries { #expect(reopened.contains(e.key)) }
        // A pack with one entry the cache lacks is copied again.
        let extra = try entry(9, 4)
        try source.store(extra)
        source.collectGarbage(keeping: Set((entries + [extra]).map(\.key)))
        let larger = try #require(try FileManager.default.contentsOfDirectory(atPath: packs.path).first { $0.hasSuffix(".pack") })
        for ext in ["pack", "index"] {
            try FileManager.default.copyItem(at: packs.appendingPathComponent(larger).deletingPathExtension().appendingPathExtension(ext),
                                             to: figure.appendingPathComponent("figX-part-2.\(ext)"))
        }
        let fourth = try carry(outputs: outputs, inProgress: work.appendingPathComponent("in-progress"))
        #expect(fourth.code == 0 && fourth.output.contains("carried 8 cache entries"), "\(fourth.output)")
        #expect(TaskCache(root: outputs.appendingPathComponent("cache")).contains(extra.key))
        try FileManager.default.removeItem(at: figure.appendingPathComponent("figX-part-2.pack"))
        try FileManager.default.removeItem(at: figure.appendingPathComponent("figX-part-2.index"))
        // An index without its pack is an error that names it.
        try FileManager.default.removeItem(at: figure.appendingPathComponent("figX-part-1.pack"))
        let broken = try carry(outputs: work.appendingPathComponent("other"), inProgress: work.appendingPathComponent("in-progress"))
        #expect(broken.code == 1)
        #expect(broken.output.contains("figX-part-1.index has no figX-part-1.pack"), "\(broken.output)")
    }

    /// `exportPack` (behind `neural-recovery carry`): whole entries only, packed under the name given,
    /// readable by another cache; a name already taken is refused.
    @Test func exportedPackHoldsTheWholeEntriesAsked() throws {
        let cache = try temporaryCache()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nr-export-\(UUID().uuidString)/figY")
        defer {
            try? FileManager.default.removeItem(at: cache.root)
            try? FileManager.default.removeItem(at: folder.deletingLastPathComponent())
        }
        let entries = try (0..<5).map { try entry($0, Double($0) + 0.5) }
        for e in entries { try cache.store(e) }
        // One of them damaged on disk, one not asked for, one asked for but never computed.
        let damaged = cache.root.appendingPathComponent("entries/\(entries[1].key.prefix(2))/\(entries[1].key).entry")
        try Data("garbage".utf8).write(to: damaged)
        let asked = entries.prefix(4).map(\.key) + [try entry(9, 0).key]
        #expect(try cache.exportPack(asked, to: folder, name: "figY-part-1") == 3)
        #expect(TaskCache.packedKeys(in: folder) == Set([entries[0], entries[2], entries[3]].map(\.key)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["figY-part-1.index", "figY-part-1.pack"])
        // Another cache given the pack reads the entries, verified.
        let other = try temporaryCache()
        defer { try? FileManager.default.removeItem(at: other.root) }
        let packs = other.root.appendingPathComponent("packs")
        try FileManager.default.createDirectory(at: packs, withIntermediateDirectories: true)
        for ext in ["pack", "index"] {
            try FileManager.default.copyItem(at: folder.appendingPathComponent("figY-part-1.\(ext)"), to: packs.appendingPathComponent("figY-part-1.\(ext)"))
        }
        let reader = TaskCache(root: other.root)
        for e in [entries[0], entries[2], entries[3]] {
            guard case .hit(let read) = reader.lookup(e.key, as: ToyEntry.self) else { Issue.record("entry \(e.spec.n) not exported"); continue }
            #expect(read.result == e.result)
        }
        #expect(!reader.contains(entries[1].key) && !reader.contains(entries[4].key))
        // The same name again is refused and leaves the pack as it was; nothing held whole writes nothing.
        #expect(throws: (any Error).self) { try cache.exportPack([entries[4].key], to: folder, name: "figY-part-1") }
        #expect(TaskCache.packedKeys(in: folder).count == 3)
        #expect(try cache.exportPack([entries[1].key], to: folder, name: "figY-part-2") == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 2)
    }
}
