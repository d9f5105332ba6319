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
        // Yams composes recursively: a bound taken before it runs keeps deep nesting from
        // overflowing the stack.
        let nestingBound = InputLimits.nestingUpperBound(yaml)
        if nestingBound > 4 * InputLimits.nesting {
            throw ManifestError(file: file, line: lineOffset == nil ? nil : 1, column: lineOffset == nil ? nil : 1,
                                message: "nesting too deep: lists and mappings may nest at most \(InputLimits.nesting) levels")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw syntaxError(error, yaml: yaml, file: file, tracksLines: lineOffset != nil)
        } catch {
            throw ManifestError(file: file, line: lineOffset == nil ? nil : 1, column: lineOffset == nil ? nil : 1,
                                message: "invalid YAML: \(error)")
        }
        guard let node else { return nil }
        return try TreeNode(node: node, file: file, tracksLines: lineOffset != nil, depth: 1, budget: NodeBudget())
    }

    init(kind: Kind, location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// Copies Yams' node, rejecting explicit tags, nesting deeper than `InputLimits.nesting` and
    /// more than `InputLimits.nodes` nodes in all (aliases counted each time they are used).
    private init(node: Node, file: String, tracksLines: Bool, depth: Int, budget: NodeBudget) throws {
        let mark = node.mark
        location = SourceLocation(file: file, line: tracksLines ? mark?.line : nil, column: tracksLines ? mark?.column : nil)
        try budget.take(location)
        let tag: String
        switch node {
        case .scalar(let scalar):
            // Yams tags every quoted (or block) scalar `!!str` itself: only a plain one shows a written tag.
            let quoted = scalar.style != .plain && scalar.style != .any
            tag = quoted && scalar.tag.description == "tag:yaml.org,2002:str" ? "" : scalar.tag.description
        case .sequence(let sequence): tag = sequence.tag.description
        case .mapping(let mapping): tag = mapping.tag.description
        }
        if !tag.isEmpty {
            let short = tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag
            throw ManifestError(at: location, "YAML tags are not supported (found '\(short)'): write the plain value")
        }
        if depth > InputLimits.nesting, node.scalar == nil {
            throw ManifestError(at: location, "nesting too deep: lists and mappings may nest at most \(InputLimits.nesting) levels")
        }
        switch node {
        case .scalar(let scalar):
            kind = .scalar(scalar.string, plain: scalar.style == .plain || scalar.style == .any)
        case .sequence(let sequence):
            kind = .sequence(try sequence.map {
                try TreeNode(node: $0, file: file, tracksLines: tracksLines, depth: depth + 1, budget: budget)
            })
        case .mapping(let mapping):
            kind = .mapping(try mapping.map {
                (key: try TreeNode(node: $0.key, file: file, tracksLines: tracksLines, depth: depth + 1, budget: budget),
                 value: try TreeNode(node: $0.value, file: file, tracksLines: tracksLines, depth: depth + 1, budget: budget))
            })
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
