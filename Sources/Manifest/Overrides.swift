import Foundation

/// A `--set KEY=VALUE` override: a dotted key path into the manifest and a YAML value.
struct Override {
    let text: String
    let path: [String]
    let value: TreeNode

    private var label: String { "--set \(text)" }

    /// Parses `KEY=VALUE` and checks the key against the manifest schema.
    init(_ text: String) throws {
        self.text = text
        let label = "--set \(text)"
        guard let equals = text.firstIndex(of: "=") else {
            throw ManifestError(file: label, line: nil, column: nil, message: "malformed override: expected KEY=VALUE")
        }
        let key = text[..<equals].trimmingCharacters(in: .whitespaces)
        let valueText = String(text[text.index(after: equals)...])
        if key.isEmpty {
            throw ManifestError(file: label, line: nil, column: nil, message: "malformed override: empty key before '='")
        }
        path = try Override.checkedPath(key, label: label)
        let location = SourceLocation(file: label, line: nil, column: nil)
        value = try TreeNode.compose(yaml: valueText, file: label, lineOffset: nil)
            ?? TreeNode(kind: .scalar("", plain: true), location: location)
    }

    /// Splits `key` into schema path segments; `sweep.axes.training.epochs` keeps its last key whole.
    private static func checkedPath(_ key: String, label: String) throws -> [String] {
        let segments = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var shape = Schema.manifest
        var path: [String] = []
        for (index, segment) in segments.enumerated() {
            switch shape {
            case .leaf:
                throw ManifestError(file: label, line: nil, column: nil,
                                    message: "unknown key '\(key)': '\(path.joined(separator: "."))' has no keys")
            case .sweepAxes:
                let rest = segments[index...].joined(separator: ".")
                let sweepable = SweepKey.allCases.map(\.rawValue)
                guard sweepable.contains(rest) else {
                    let prefix = path.joined(separator: ".") + "."
                    let suggestion = Suggestions.closest(to: rest, in: sweepable).map { " (did you mean '\(prefix)\($0)'?)" } ?? ""
                    throw ManifestError(file: label, line: nil, column: nil, message: "unknown key '\(key)'\(suggestion)")
                }
                return path + [rest]
            case .mapping:
                guard let child = shape.child(segment) else {
                    let prefix = path.isEmpty ? "" : path.joined(separator: ".") + "."
                    let suggestion = Suggestions.closest(to: segment, in: shape.keys).map { " (did you mean '\(prefix)\($0)'?)" } ?? ""
                    throw ManifestError(file: label, line: nil, column: nil, message: "unknown key '\(key)'\(suggestion)")
                }
                path.append(segment)
                shape = child
            }
        }
        if case .leaf = shape { return path }
        if case .sweepAxes = shape { return path }
        if case .mapping = shape, !path.isEmpty { return path }  // a whole section, e.g. render={levels: 5}
        throw ManifestError(file: label, line: nil, column: nil, message: "unknown key '\(key)': not a settable key")
    }

    /// The tree with this override's value at its path (missing mappings on the way are created).
    func applied(to root: TreeNode?) throws -> TreeNode {
        let location = SourceLocation(file: label, line: nil, column: nil)
        return try set(path[...], in: root ?? TreeNode(kind: .mapping([]), location: location), location: location)
    }

    private func set(_ remaining: ArraySlice<String>, in node: TreeNode, location: SourceLocation) throws -> TreeNode {
        guard let key = remaining.first else { return value }
        guard case .mapping(var pairs) = node.kind else {
            let done = path[..<(path.count - remaining.count)].joined(separator: ".")
            throw ManifestError(file: label, line: nil, column: nil,
                                message: "cannot set '\(path.joined(separator: "."))': '\(done)' in the manifest is \(node.shortDescription), not a mapping")
        }
        if let index = pairs.firstIndex(where: { if case .scalar(key, _) = $0.key.kind { return true } else { return false } }) {
            pairs[index].value = try set(remaining.dropFirst(), in: pairs[index].value, location: location)
        } else {
            let empty = TreeNode(kind: .mapping([]), location: location)
            pairs.append((key: TreeNode(kind: .scalar(key, plain: true), location: location),
                          value: try set(remaining.dropFirst(), in: empty, location: location)))
        }
        var result = node
        result.kind = .mapping(pairs)
        return result
    }
}
