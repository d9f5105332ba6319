import Foundation
import TaskCache

/// A file the user named with `--json`: its folder must already exist (it is never created, so a
/// typo in the path is an error, not a new folder), and it is written atomically.
struct OutputFile {
    let path: String

    /// Checks, before any work, that the folder exists. Exit code 2 with one line otherwise.
    init(_ path: String) throws {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw failWithInputError("\(path): the folder \(folder.path) does not exist")
        }
    }

    func write(_ data: Data) throws {
        do { try AtomicFile.write(data, to: URL(fileURLWithPath: path)) } catch {
            throw failWithInputError("\(path): \(error)")
        }
    }
}

/// JSON in which a non-finite number (NaN, ±∞), which JSON cannot represent, is written as `null`.
enum NullSafeJSON {
    private static let marker = "@@non-finite-number@@"

    /// The encoding and whether any number was non-finite.
    static func encode<T: Encodable>(_ value: T) throws -> (data: Data, hadNonFinite: Bool) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: marker, negativeInfinity: marker, nan: marker)
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        let quoted = "\"\(marker)\""
        guard text.contains(quoted) else { return (Data(text.utf8), false) }
        return (Data(text.replacingOccurrences(of: quoted, with: "null").utf8), true)
    }
}
