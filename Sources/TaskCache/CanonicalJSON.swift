import Crypto
import Foundation

/// Deterministic JSON: sorted keys, no extra white space, doubles in Swift's shortest
/// round-trip form. The same value always gives the same bytes, so its hash identifies it.
public enum CanonicalJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(value)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(type, from: data)
    }

    /// Hex SHA-256 of `data`.
    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// The cache key of a task: SHA-256 over the canonical JSON of what it computes, then the
/// fingerprints of the code it runs. Nothing else (no figure, no order, no machine) goes in.
public enum TaskKey {
    public static func make<Spec: Encodable>(spec: Spec, fingerprints: [String: String]) throws -> String {
        var bytes = try CanonicalJSON.encode(spec)
        bytes.append(0x0A)
        bytes.append(try CanonicalJSON.encode(fingerprints))
        return CanonicalJSON.sha256(bytes)
    }

    /// SHA-256 of the spec alone (the same for every code version): indexes the latest entry of a spec.
    public static func specHash<Spec: Encodable>(_ spec: Spec) throws -> String {
        CanonicalJSON.sha256(try CanonicalJSON.encode(spec))
    }
}
