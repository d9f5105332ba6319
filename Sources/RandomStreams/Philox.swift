/// The Philox4x64-10 counter-based generator of Salmon, Moraes, Dror and Shaw,
/// "Parallel random numbers: as easy as 1, 2, 3" (SC'11, doi:10.1145/2063384.2063405),
/// the same bijection NumPy ships as `numpy.random.Philox`.
///
/// Output block `i` is `philox(counter = (i, c1, c2, c3), key)`: any position of any stream can
/// be computed directly, which is what makes cells independent of run order, worker and shard.
public enum Philox4x64 {
    static let m0: UInt64 = 0xD2E7_470E_E14C_6C93
    static let m1: UInt64 = 0xCA5A_8263_9512_1157
    static let w0: UInt64 = 0x9E37_79B9_7F4A_7C15
    static let w1: UInt64 = 0xBB67_AE85_84CA_A73B

    /// Ten rounds of Philox4x64 on `counter` with `key`.
    public static func block(counter: (UInt64, UInt64, UInt64, UInt64), key: (UInt64, UInt64))
        -> (UInt64, UInt64, UInt64, UInt64)
    {
        var c = counter
        var k = key
        for round in 0..<10 {
            if round > 0 {
                k.0 &+= w0
                k.1 &+= w1
            }
            let p0 = m0.multipliedFullWidth(by: c.0)
            let p1 = m1.multipliedFullWidth(by: c.2)
            c = (p1.high ^ c.1 ^ k.0, p1.low, p0.high ^ c.3 ^ k.1, p0.low)
        }
        return c
    }
}

/// A stream of Philox4x64-10 outputs for a fixed key and substream word.
///
/// Counter layout: `(block index, 0, substream, 0)`; the four 64-bit words of each block are
/// used in order. Normal variates use the Box–Muller transform on two uniforms, both outputs
/// kept (`√(−2 ln u₁) cos 2πu₂`, then `… sin 2πu₂`), with u₁ ∈ (0, 1] so the log is finite.
public final class PhiloxStream: VariateSource {
    public let key: (UInt64, UInt64)
    public let substream: UInt64
    private var blockIndex: UInt64 = 0
    private var buffer: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var position = 4
    private var spareNormal: Double?

    public init(key: (UInt64, UInt64), substream: UInt64 = 0) {
        self.key = key
        self.substream = substream
    }

    public func nextUInt64() -> UInt64 {
        if position == 4 {
            buffer = Philox4x64.block(counter: (blockIndex, 0, substream, 0), key: key)
            blockIndex &+= 1
            position = 0
        }
        defer { position += 1 }
        switch position {
        case 0: return buffer.0
        case 1: return buffer.1
        case 2: return buffer.2
        default: return buffer.3
        }
    }

    public func nextNormal() -> Double {
        if let z = spareNormal {
            spareNormal = nil
            return z
        }
        let u1 = (Double(nextUInt64() >> 11) + 1) * 0x1.0p-53  // (0, 1]
        let u2 = Double(nextUInt64() >> 11) * 0x1.0p-53  // [0, 1)
        let r = (-2 * _log(u1)).squareRoot()
        let theta = 2 * Double.pi * u2
        spareNormal = r * _sin(theta)
        return r * _cos(theta)
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) private func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { Glibc.sin(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#else
import Foundation
@inline(__always) private func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { Foundation.sin(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Foundation.cos(x) }
#endif
