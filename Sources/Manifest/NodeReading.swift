/// Typed reads of tree nodes, each failing with a one-line error at the node.
/// `path` is the dotted key path used in messages, e.g. `grid.samples`.
extension TreeNode {
    func error(_ message: String) -> ManifestError { ManifestError(at: location, message) }

    /// The mapping's pairs keyed by their (string) keys, after rejecting non-mappings, duplicate keys and
    /// keys not in `allowed` (with a suggestion).
    func mappingEntries(_ path: String, allowed: [String]) throws -> [String: (key: TreeNode, value: TreeNode)] {
        guard case .mapping(let pairs) = kind else {
            throw error("\(path): expected a mapping of keys, got \(shortDescription)")
        }
        var entries: [String: (key: TreeNode, value: TreeNode)] = [:]
        for pair in pairs {
            guard case .scalar(let name, _) = pair.key.kind else {
                throw pair.key.error("\(path): keys must be plain names, got \(pair.key.shortDescription)")
            }
            let full = path.isEmpty ? name : "\(path).\(name)"
            if let first = entries[name] {
                throw pair.key.error("duplicate key '\(full)' (first given at line \(first.key.location.line ?? 0))")
            }
            guard allowed.contains(name) else {
                let prefix = path.isEmpty ? "" : "\(path)."
                let suggestion = Suggestions.closest(to: name, in: allowed).map { " (did you mean '\(prefix)\($0)'?)" } ?? ""
                throw pair.key.error("unknown key '\(full)'\(suggestion)")
            }
            entries[name] = pair
        }
        return entries
    }

    func elements(_ path: String) throws -> [TreeNode] {
        guard case .sequence(let items) = kind else { throw error("\(path): expected a list, got \(shortDescription)") }
        return items
    }

    func string(_ path: String) throws -> String {
        guard case .scalar(let text, _) = kind, !isNull else {
            throw error("\(path): expected a string, got \(shortDescription)")
        }
        return text
    }

    private var plainText: String? {
        if case .scalar(let text, plain: true) = kind { return text }
        return nil
    }

    func integer(_ path: String, atLeast minimum: Int? = nil, atMost maximum: Int? = nil) throws -> Int {
        guard let text = plainText, let value = Int(text) else {
            if let text = plainText, text.allSatisfy({ $0.isNumber || $0 == "-" || $0 == "+" }), text.contains(where: \.isNumber) {
                throw error("\(path): \(text) is out of range" + (maximum.map { " (at most \($0))" } ?? ""))
            }
            throw error("\(path): expected an integer, got \(shortDescription)")
        }
        if let minimum, value < minimum { throw error("\(path): must be at least \(minimum) (got \(value))") }
        if let maximum, value > maximum { throw error("\(path): must be at most \(maximum) (got \(value))") }
        return value
    }

    func number(_ path: String) throws -> Double {
        guard let text = plainText, let value = Double(text), value.isFinite,
              text.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true else {
            throw error("\(path): expected a number, got \(shortDescription)")
        }
        return value
    }

    func bool(_ path: String) throws -> Bool {
        switch plainText {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw error("\(path): expected true or false, got \(shortDescription)")
        }
    }

    /// A name from a closed set: an unknown one is an error listing the allowed names.
    func name<Value: RawRepresentable & CaseIterable>(_ path: String, as type: Value.Type) throws -> Value
    where Value.RawValue == String {
        let allowed = Value.allCases.map(\.rawValue)
        guard case .scalar(let text, _) = kind, !isNull else {
            throw error("\(path): expected one of \(allowed.joined(separator: ", ")), got \(shortDescription)")
        }
        guard let value = Value(rawValue: text) else {
            throw error("\(path): unknown value '\(text)'\(Suggestions.didYouMean(text, in: allowed)); "
                        + "allowed: \(allowed.joined(separator: ", "))")
        }
        return value
    }
}
