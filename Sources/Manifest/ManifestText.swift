import Foundation

/// Reads a manifest file's text, turning every way a path can fail to be a small UTF-8 text file
/// into one line `FILE: message` (or `FILE:LINE:COL: message` for the first invalid UTF-8 byte).
enum ManifestText {
    static func read(path: String) throws -> String {
        func fail(_ message: String, line: Int? = nil, column: Int? = nil) -> ManifestError {
            ManifestError(file: path, line: line, column: column, message: message)
        }
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw fail("cannot read the manifest: \(String(cString: strerror(errno)))")
        }
        switch status.st_mode & S_IFMT {
        case S_IFDIR: throw fail("is a directory, not a manifest file")
        case S_IFREG: break
        default: throw fail("not a regular file (a manifest is a YAML text file)")
        }
        guard status.st_size <= off_t(InputLimits.manifestBytes) else {
            throw fail("the file has \(status.st_size) bytes; manifests may have at most \(InputLimits.manifestBytes)")
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw fail("cannot read the manifest: \(String(cString: strerror(errno)))") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        let data: Data
        do {
            data = try handle.read(upToCount: InputLimits.manifestBytes + 1) ?? Data()
        } catch {
            throw fail("cannot read the manifest: \(String(cString: strerror(errno)))")
        }
        guard data.count <= InputLimits.manifestBytes else {
            throw fail("the file has more than \(InputLimits.manifestBytes) bytes; manifests are small YAML files")
        }
        if let text = String(validating: data, as: UTF8.self) { return text }
        // Name the first invalid byte.
        var iterator = data.makeIterator()
        var decoder = UTF8()
        var line = 1, column = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
            case .emptyInput, .error:
                throw fail("not UTF-8 text (invalid byte; is this a binary file?)", line: line, column: column)
            }
        }
    }
}
