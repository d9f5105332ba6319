import CLapack

/// Level-1 operations on vectors stored as `[Double]`.
public enum Vector {
    /// Euclidean norm (BLAS `dnrm2`, safe against overflow).
    public static func norm(_ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { cblas_dnrm2(Int32(x.count), $0.baseAddress, 1) }
    }

    /// Inner product.
    public static func dot(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "dot: length mismatch")
        return x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in cblas_ddot(Int32(x.count), xp.baseAddress, 1, yp.baseAddress, 1) }
        }
    }

    /// `x - y`.
    public static func subtract(_ x: [Double], _ y: [Double]) -> [Double] {
        precondition(x.count == y.count, "subtract: length mismatch")
        return zip(x, y).map { $0 - $1 }
    }

    /// `x + y`.
    public static func add(_ x: [Double], _ y: [Double]) -> [Double] {
        precondition(x.count == y.count, "add: length mismatch")
        return zip(x, y).map { $0 + $1 }
    }

    /// `s * x`.
    public static func scale(_ x: [Double], by s: Double) -> [Double] { x.map { s * $0 } }

    /// Largest absolute entry (0 for an empty vector).
    public static func maxAbs(_ x: [Double]) -> Double { x.reduce(0) { max($0, abs($1)) } }
}
