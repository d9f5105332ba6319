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
        data.withUnsafeBytes { TaskDigest.sha256($0).hex }
    }
}

/// The cache key of a single task: its family (`TaskKeyFamily`: the scheme, the canonical JSON of
/// what it computes, then the fingerprints of the code it runs) with no member integers. Nothing
/// else (no figure, no order, no machine) goes in.
public enum TaskKey {
    public static func make<Spec: Encodable>(spec: Spec, fingerprints: [String: String]) throws -> String {
        try TaskKeyFamily(template: spec, fingerprints: fingerprints).digest.hex
    }

    /// The family digest of a spec alone (the same for every code version): names the pointer to
    /// the latest entry written for it.
    public static func specHash<Spec: Encodable>(_ spec: Spec) throws -> String {
        try TaskKeyFamily(template: spec, fingerprints: [:]).digest.hex
    }
}
