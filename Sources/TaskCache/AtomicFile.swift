import Foundation

/// Writes files so that a reader sees either the old content or the whole new content, never a part:
/// write to a uniquely named temporary file in the same folder, fsync it, rename it over the
/// destination, fsync the folder. Temporary names start with `.` and end in `.tmp`.
public enum AtomicFile {
    /// `durable: false` skips both fsyncs (still all-or-nothing for readers, but a power loss may
    /// lose the file): for bulk writers that sync the whole folder once at the end.
    public static func write(_ data: Data, to url: URL, durable: Bool = true) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temp = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp")
        guard FileManager.default.createFile(atPath: temp.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temp.path])
        }
        do {
            let handle = try FileHandle(forWritingTo: temp)
            try handle.write(contentsOf: data)
            if durable { try handle.synchronize() }
            try handle.close()
            if rename(temp.path, url.path) != 0 {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
            // Make the rename itself durable.
            let dir = durable ? open(folder.path, O_RDONLY) : -1
            if dir >= 0 {
                fsync(dir)
                close(dir)
            }
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw error
        }
    }
}
