import Foundation
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// A file operation that failed, in one line: `cannot write PATH: Permission denied`.
public struct AtomicFileError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let operation: String
    public let reason: String

    public init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.reason = String(cString: strerror(code))
    }

    public var description: String { "cannot \(operation) \(path): \(reason)" }
}

/// Writes files so that a reader sees either the old content or the whole new content, never a part:
/// write to a uniquely named temporary file in the same folder, fsync it, rename it over the
/// destination, fsync the folder. Temporary names start with `.` and end in `.tmp`.
public enum AtomicFile {
    /// `durable: false` skips both fsyncs (still all-or-nothing for readers, but a power loss may
    /// lose the file): for bulk writers that sync the whole folder once at the end.
    /// - Throws: `AtomicFileError` (one line, with the system's reason).
    public static func write(_ data: Data, to url: URL, durable: Bool = true) throws {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder)
            throw AtomicFileError(path: folder.path, operation: "create the folder",
                                  code: exists && !isFolder.boolValue ? ENOTDIR : (errno == 0 ? EACCES : errno))
        }
        let temp = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp")
        let descriptor = open(temp.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else { throw AtomicFileError(path: temp.path, operation: "create", code: errno) }
        var failure: AtomicFileError?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = AtomicFileError(path: temp.path, operation: "write", code: errno)
                    return
                }
                offset += written
            }
        }
        if failure == nil, durable, fsync(descriptor) != 0 { failure = AtomicFileError(path: temp.path, operation: "sync", code: errno) }
        if close(descriptor) != 0, failure == nil { failure = AtomicFileError(path: temp.path, operation: "close", code: errno) }
        if failure == nil, rename(temp.path, url.path) != 0 {
            failure = AtomicFileError(path: url.path, operation: "write", code: errno)
        }
        if let failure {
            unlink(temp.path)
            throw failure
        }
        // Make the rename itself durable.
        let dir = durable ? open(folder.path, O_RDONLY) : -1
        if dir >= 0 {
            fsync(dir)
            close(dir)
        }
    }
}
