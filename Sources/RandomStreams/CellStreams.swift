import Crypto

/// The random streams of one cell sample (docs/science.md §7).
///
/// The Philox key is the first 128 bits of SHA-256 over a canonical text of
/// (experiment seed, the data parameters that define the cell, n, d, sample index) — see
/// `CellStreamKey`. Each `StreamPurpose` is a separate substream of that key.
public struct CellStreams: StreamFactory, Sendable {
    /// The 128-bit Philox key.
    public let key: (UInt64, UInt64)

    /// Streams keyed by the canonical text `identity` (build it with `CellStreamKey`).
    public init(identity: String) {
        let digest = Array(SHA256.hash(data: Array(identity.utf8)))
        var k0: UInt64 = 0, k1: UInt64 = 0
        for i in 0..<8 {
            k0 |= UInt64(digest[i]) << (8 * UInt64(i))
            k1 |= UInt64(digest[8 + i]) << (8 * UInt64(i))
        }
        key = (k0, k1)
    }

    public func stream(for purpose: StreamPurpose) -> VariateSource {
        PhiloxStream(key: key, substream: purpose.rawValue)
    }
}

/// Builds the canonical identity text of a cell sample's stream: `name=value` fields joined by `;`,
/// sorted by name, after a format tag. Only what defines the data may go in: never a figure,
/// a worker, a shard or the run order.
public struct CellStreamKey: Sendable {
    private var fields: [String: String] = [:]
    /// The format tag; changing it changes every stream.
    public static let format = "neural-recovery/cell-stream/1"

    public init() {}

    /// Adds a field (the value's `description`).
    public func with(_ name: String, _ value: CustomStringConvertible) -> CellStreamKey {
        var copy = self
        copy.fields[name] = value.description
        return copy
    }

    /// The canonical text.
    public var text: String {
        ([Self.format] + fields.keys.sorted().map { "\($0)=\(fields[$0]!)" }).joined(separator: ";")
    }
}
