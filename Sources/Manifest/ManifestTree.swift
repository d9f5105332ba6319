import Yams

/// The manifest as a tree of YAML nodes, each knowing where it was written. Yams composes the
/// text; this tree is what validation walks and what overrides edit.
struct TreeNode: Sendable {
    enum Kind: Sendable {
        /// A scalar and whether it was written plain (unquoted): only plain scalars can be numbers,
        /// booleans or null.
        case scalar(String, plain: Bool)
        case sequence([TreeNode])
        /// Key–value pairs in written order (duplicates kept, so they can be reported).
        case mapping([(key: TreeNode, value: TreeNode)])
    }

    var kind: Kind
    var location: SourceLocation

    /// Composes YAML text into a tree, reporting syntax errors at Yams' position.
    /// Returns nil for an empty document.
    static func compose(yaml: String, file: String, lineOffset: Int? = 0) throws -> TreeNode? {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw syntaxError(error, yaml: yaml, file: file, tracksLines: lineOffset != nil)
        } catch {
            throw ManifestError(file: file, line: lineOffset == nil ? nil : 1, column: lineOffset == nil ? nil : 1,
                                message: "invalid YAML: \(error)")
        }
        return node.map { TreeNode(node: $0, file: file, tracksLines: lineOffset != nil) }
    }

    init(kind: Kind, location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    private init(node: Node, file: String, tracksLines: Bool) {
        let mark = node.mark
        location = SourceLocation(file: file, line: tracksLines ? mark?.line : nil, column: tracksLines ? mark?.column : nil)
        switch node {
        case .scalar(let scalar):
            kind = .scalar(scalar.string, plain: scalar.style == .plain || scalar.style == .any)
        case .sequence(let sequence):
            kind = .sequence(sequence.map { TreeNode(node: $0, file: file, tracksLines: tracksLines) })
        case .mapping(let mapping):
            kind = .mapping(mapping.map { (key: TreeNode(node: $0.key, file: file, tracksLines: tracksLines),
                                           value: TreeNode(node: $0.value, file: file, tracksLines: tracksLines)) })
        }
    }

    private static func syntaxError(_ error: YamlError, yaml: String, file: String, tracksLines: Bool) -> ManifestError {
        func make(_ mark: Mark?, _ problem: String, _ context: YamlError.Context?) -> ManifestError {
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))" }
            return ManifestError(file: file, line: tracksLines ? (mark?.line ?? 1) : nil,
                                 column: tracksLines ? (mark?.column ?? 1) : nil, message: message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _): return make(mark, problem, context)
        case .parser(let context, let problem, let mark, _): return make(mark, problem, context)
        case .composer(let context, let problem, let mark, _): return make(mark, problem, context)
        case .reader(let problem, let offset, _, _):
            var line = 1, column = 1
            if let offset {
                for character in yaml.prefix(offset) {
                    if character == "\n" { line += 1; column = 1 } else { column += character.unicodeScalars.count }
                }
            }
            return ManifestError(file: file, line: tracksLines ? line : nil, column: tracksLines ? column : nil,
                                 message: "invalid YAML: \(problem)")
        default:
            return make(nil, "\(error)", nil)
        }
    }

    /// A short rendering of the node for messages: the scalar's text, or "a list" / "a mapping".
    var shortDescription: String {
        switch kind {
        case .scalar(let text, let plain):
            if plain && TreeNode.nullSpellings.contains(text) { return "null" }
            return "'\(text)'"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    static let nullSpellings: Set<String> = ["", "~", "null", "Null", "NULL"]

    /// Whether this is a null scalar (`~`, `null` or nothing).
    var isNull: Bool {
        if case .scalar(let text, plain: true) = kind { return TreeNode.nullSpellings.contains(text) }
        return false
    }
}
