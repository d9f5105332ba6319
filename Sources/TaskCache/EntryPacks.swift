import Foundation

/// Packed entries. `gc` moves the entries it keeps from one file each (`entries/`) into one pack
/// (`packs/<name>.pack`: the entry files' bytes back to back) with a sorted index
/// (`packs/<name>.index`: per entry its 32-byte key, offset and length), so a full cache takes about
/// its content's size on disk instead of a file-system block (4 KB) per entry. An entry read from a
/// pack is verified exactly as one read from its own file. Packs are written like every other
/// file (temporary file, fsync, rename; the index last), so a reader sees a whole pack or none.
final class EntryPacks: @unchecked Sendable {
    static let indexMagic = Data("NRPACK/1".utf8)
    static let recordSize = 48

    struct Pack {
        let url: URL
        let index: Data

        var count: Int { (index.count - EntryPacks.indexMagic.count) / EntryPacks.recordSize }

        func record(_ i: Int) -> (digest: TaskDigest, offset: UInt64, length: UInt64) {
            index.withUnsafeBytes { raw in
                let base = EntryPacks.indexMagic.count + i * EntryPacks.recordSize
                let digest = TaskDigest(bytes: UnsafeRawBufferPointer(rebasing: raw[base..<base + 32]))
                let offset = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: base + 32, as: UInt64.self))
                let length = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: base + 40, as: UInt64.self))
                return (digest, offset, length)
            }
        }

        /// Binary search of the sorted index.
        func locate(_ digest: TaskDigest) -> (offset: UInt64, length: UInt64)? {
            var low = 0, high = count
            while low < high {
                let mid = (low + high) / 2
                let r = record(mid)
                if r.digest == digest { return (r.offset, r.length) }
                if r.digest < digest { low = mid + 1 } else { high = mid }
            }
            return nil
        }
    }

    let folder: URL
    private let lock = NSLock()
    private var loaded: [Pack]?

    init(folder: URL) { self.folder = folder }

    /// The packs with a complete index (read once, on first use).
    var packs: [Pack] {
        lock.lock()
        defer { lock.unlock() }
        if let loaded { return loaded }
        var packs: [Pack] = []
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names.sorted() where name.hasSuffix(".index") && !name.hasPrefix(".") {
            let indexURL = folder.appendingPathComponent(name)
            guard let index = FileManager.default.contents(atPath: indexURL.path), index.starts(with: Self.indexMagic),
                  (index.count - Self.indexMagic.count) % Self.recordSize == 0 else { continue }
            packs.append(Pack(url: indexURL.deletingPathExtension().appendingPathExtension("pack"), index: index))
        }
        loaded = packs
        return packs
    }

    /// Forgets the loaded indexes (after packing).
    func reload() {
        lock.lock()
        loaded = nil
        lock.unlock()
    }

    /// The bytes of `digest`'s entry from the first pack that has it.
    func entryData(_ digest: TaskDigest) -> Data? {
        for pack in packs {
            guard let (offset, length) = pack.locate(digest) else { continue }
            guard let handle = try? FileHandle(forReadingFrom: pack.url) else { continue }
            defer { try? handle.close() }
            guard (try? handle.seek(toOffset: offset)) != nil,
                  let data = try? handle.read(upToCount: Int(length)), data.count == Int(length) else { continue }
            return data
        }
        return nil
    }

    func contains(_ digest: TaskDigest) -> Bool { packs.contains { $0.locate(digest) != nil } }

    /// Every packed key.
    var digests: [TaskDigest] { packs.flatMap { pack in (0..<pack.count).map { pack.record($0).digest } } }

    /// Writes one pack holding `entries` (key → the entry's verified bytes, supplied one at a time
    /// by `bytes`; a key without bytes is left out) and returns its URL, or nil when no entry had bytes.
    /// The pack is `name` (default: a fresh unique name); its index is written last.
    func write(_ digests: [TaskDigest], name: String? = nil, bytes: (TaskDigest) -> Data?) throws -> URL? {
        let sorted = Array(Set(digests)).sorted()
        let name = name ?? "pack-\(Int(Date().timeIntervalSince1970))-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let packURL = folder.appendingPathComponent("\(name).pack")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temp = folder.appendingPathComponent(".\(name).pack.tmp")
        guard FileManager.default.createFile(atPath: temp.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temp.path])
        }
        var index = Self.indexMagic
        do {
            let handle = try FileHandle(forWritingTo: temp)
            var offset: UInt64 = 0
            var buffer = Data()
            for digest in sorted {
                guard let data = bytes(digest) else { continue }
                digest.withUnsafeBytes { index.append(contentsOf: $0) }
                withUnsafeBytes(of: offset.littleEndian) { index.append(contentsOf: $0) }
                withUnsafeBytes(of: UInt64(data.count).littleEndian) { index.append(contentsOf: $0) }
                offset += UInt64(data.count)
                buffer.append(data)
                if buffer.count > 4 << 20 {
                    try handle.write(contentsOf: buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try handle.write(contentsOf: buffer)
            try handle.synchronize()
            try handle.close()
            guard index.count > Self.indexMagic.count else {
                try? FileManager.default.removeItem(at: temp)
                return nil
            }
            if rename(temp.path, packURL.path) != 0 { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: packURL.path]) }
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw error
        }
        try AtomicFile.write(index, to: folder.appendingPathComponent("\(name).index"))
        return packURL
    }

    /// Removes a pack (its index first, so no reader picks it up half-removed).
    func remove(_ pack: Pack) {
        try? FileManager.default.removeItem(at: pack.url.deletingPathExtension().appendingPathExtension("index"))
        try? FileManager.default.removeItem(at: pack.url)
    }
}
