import Crypto
import Foundation

/// A task key: the 32 bytes of a SHA-256 digest, held as four words so that storing, hashing and
/// comparing keys costs no allocation. `hex` (64 lowercase digits) names the cache entry file;
/// the order of digests is the order of their hex strings.
public struct TaskDigest: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Big-endian words of the digest, most significant first.
    public let w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    /// The digest `bytes` (exactly 32 of them).
    public init(bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count == 32, "a task digest has 32 bytes")
        w0 = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        w1 = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        w2 = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        w3 = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
    }

    /// The SHA-256 of `bytes`.
    public static func sha256(_ bytes: UnsafeRawBufferPointer) -> TaskDigest {
        SHA256.hash(data: bytes).withUnsafeBytes { TaskDigest(bytes: $0) }
    }

    /// The digest written as 64 hex digits, or nil when `hex` is not that.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        func word(_ i: Int) -> UInt64? { UInt64(String(decoding: utf8[16 * i..<16 * i + 16], as: UTF8.self), radix: 16) }
        guard let a = word(0), let b = word(1), let c = word(2), let d = word(3) else { return nil }
        (w0, w1, w2, w3) = (a, b, c, d)
        guard self.hex == hex else { return nil }
    }

    /// 64 lowercase hex digits.
    public var hex: String {
        String(unsafeUninitializedCapacity: 64) { buffer in
            func put(_ word: UInt64, at offset: Int) {
                for nibble in 0..<16 {
                    let value = UInt8((word >> UInt64(60 - 4 * nibble)) & 0xF)
                    buffer[offset + nibble] = value < 10 ? 0x30 + value : 0x57 + value
                }
            }
            put(w0, at: 0)
            put(w1, at: 16)
            put(w2, at: 32)
            put(w3, at: 48)
            return 64
        }
    }

    public var description: String { hex }

    /// The raw 32 bytes, most significant first.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var words = (w0.bigEndian, w1.bigEndian, w2.bigEndian, w3.bigEndian)
        return try Swift.withUnsafeBytes(of: &words, body)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(w0) }

    public static func < (a: TaskDigest, b: TaskDigest) -> Bool {
        (a.w0, a.w1, a.w2, a.w3) < (b.w0, b.w1, b.w2, b.w3)
    }
}

/// The keys of tasks that compute the same thing up to a few integers (the cells of one panel:
/// n, d and the sample index). The family's canonical spec and code fingerprints are encoded and
/// hashed once; a member's key is SHA-256 of the family digest and its integers, so a key costs
/// one short hash instead of a JSON encoding. The key is still a function of exactly what the task
/// computes (the template, the integers that complete it) and of the code it runs.
public struct TaskKeyFamily: Sendable, Hashable {
    /// Part of every key: a change of key scheme changes it, so old entries are never mistaken for
    /// new ones (they stay unreferenced until `gc`).
    public static let scheme = "neural-recovery-task/2"

    /// SHA-256 of the scheme, the template's canonical JSON and the fingerprints' canonical JSON.
    public let digest: TaskDigest

    /// The family of `template` (a spec with the member integers left at a fixed placeholder) run
    /// by code with `fingerprints`.
    public init<Spec: Encodable>(template: Spec, fingerprints: [String: String]) throws {
        var bytes = Data("\(Self.scheme)\n".utf8)
        bytes.append(try CanonicalJSON.encode(template))
        bytes.append(0x0A)
        bytes.append(try CanonicalJSON.encode(fingerprints))
        digest = bytes.withUnsafeBytes { TaskDigest.sha256($0) }
    }

    /// The key of the member with integers `a`, `b`, `c` (e.g. n, d, sample).
    public func key(_ a: Int, _ b: Int, _ c: Int) -> TaskDigest {
        var block = (digest.w0.bigEndian, digest.w1.bigEndian, digest.w2.bigEndian, digest.w3.bigEndian,
                     UInt64(bitPattern: Int64(a)).littleEndian, UInt64(bitPattern: Int64(b)).littleEndian,
                     UInt64(bitPattern: Int64(c)).littleEndian)
        return withUnsafeBytes(of: &block) { TaskDigest.sha256($0) }
    }
}
