import Foundation

/// Finds a key given twice in one JSON object: `JSONDecoder` keeps one of them silently, so an
/// instance with `"y"` twice would be solved with whichever it kept.
enum DuplicateKeys {
    /// The first repeated key and its 1-based line, or nil. Expects valid JSON (run after decoding).
    static func first(in data: Data) -> (key: String, line: Int)? {
        var objects: [(isObject: Bool, keys: Set<String>, expectKey: Bool)] = []
        var line = 1
        var index = data.startIndex
        while index < data.endIndex {
            let byte = data[index]
            switch byte {
            case UInt8(ascii: "\n"): line += 1
            case UInt8(ascii: "{"): objects.append((true, [], true))
            case UInt8(ascii: "["): objects.append((false, [], false))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = objects.popLast()
            case UInt8(ascii: ","):
                if let last = objects.indices.last, objects[last].isObject { objects[last].expectKey = true }
            case UInt8(ascii: "\""):
                var end = data.index(after: index)
                var escaped = false
                while end < data.endIndex {
                    if escaped { escaped = false } else if data[end] == UInt8(ascii: "\\") { escaped = true }
                    else if data[end] == UInt8(ascii: "\"") { break }
                    end = data.index(after: end)
                }
                if let last = objects.indices.last, objects[last].isObject, objects[last].expectKey {
                    let key = String(decoding: data[data.index(after: index)..<min(end, data.endIndex)], as: UTF8.self)
                    if !objects[last].keys.insert(key).inserted { return (key, line) }
                    objects[last].expectKey = false
                }
                index = end
            default: break
            }
            if index < data.endIndex { index = data.index(after: index) }
        }
        return nil
    }
}
