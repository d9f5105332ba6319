/// A problem with a manifest or an override, pointing at where it was written.
///
/// `description` is one line, `FILE:LINE:COL: message`; for a problem in a `--set` override, which has
/// no line, it is `--set KEY=VALUE: message`.
public struct ManifestError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The manifest's path as given to the loader, or `--set KEY=VALUE` for an override.
    public var file: String
    /// 1-based line, nil for overrides.
    public var line: Int?
    /// 1-based column (counted in Unicode scalars), nil for overrides.
    public var column: Int?
    /// What is wrong, in one line.
    public var message: String

    /// An error at `file:line:column` (line and column nil for an override).
    public init(file: String, line: Int?, column: Int?, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    init(at location: SourceLocation, _ message: String) {
        self.init(file: location.file, line: location.line, column: location.column, message: message)
    }

    /// `FILE:LINE:COL: message`, or `FILE: message` without a position.
    public var description: String {
        if let line, let column { return "\(file):\(line):\(column): \(message)" }
        return "\(file): \(message)"
    }
}

/// Where a node of the manifest tree came from.
struct SourceLocation: Equatable, Sendable {
    var file: String
    var line: Int?
    var column: Int?
}
