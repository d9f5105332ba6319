import CLapack

/// Householder QR factorisation `A = Q R` of an m×n matrix with m ≥ n (LAPACK `dgeqrf`), kept in
/// LAPACK's compact form; `Q` is applied with `dormqr` without being formed.
public struct HouseholderQR: Sendable {
    /// The compact factors: R in the upper triangle, the Householder vectors below it.
    public let factors: Matrix
    /// The Householder scalars τ (n of them).
    public let tau: [Double]

    public init(_ a: Matrix) throws {
        precondition(a.rows >= a.cols, "HouseholderQR: needs rows ≥ cols, got \(a.rows)×\(a.cols)")
        var work = a
        var tau = [Double](repeating: 0, count: a.cols)
        if a.cols > 0 {
            let info = work.storage.withUnsafeMutableBufferPointer { ap in
                tau.withUnsafeMutableBufferPointer { tp in
                    LAPACKE_dgeqrf(LAPACK_COL_MAJOR, Int32(a.rows), Int32(a.cols), ap.baseAddress,
                                   Int32(max(1, a.rows)), tp.baseAddress)
                }
            }
            if info != 0 { throw LinearAlgebraError.lapack(routine: "dgeqrf", info: Int(info)) }
        }
        factors = work
        self.tau = tau
    }

    /// The n×n upper-triangular factor R.
    public var r: Matrix {
        let n = factors.cols
        var out = Matrix(rows: n, cols: n)
        for j in 0..<n { for i in 0...j where i < n { out[i, j] = factors[i, j] } }
        return out
    }

    /// `Qᵀ B` for an m×k matrix B (the full m×m orthogonal Q; the first n rows of the result are
    /// the coordinates of B in the orthonormal basis of range(A) when A has full column rank).
    public func applyTranspose(to b: Matrix) throws -> Matrix {
        precondition(b.rows == factors.rows, "HouseholderQR: B has \(b.rows) rows, expected \(factors.rows)")
        var out = b
        if factors.cols == 0 || b.cols == 0 { return out }
        let info = factors.storage.withUnsafeBufferPointer { ap in
            tau.withUnsafeBufferPointer { tp in
                out.storage.withUnsafeMutableBufferPointer { cp in
                    LAPACKE_dormqr(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int8(UInt8(ascii: "T")),
                                   Int32(b.rows), Int32(b.cols), Int32(factors.cols), ap.baseAddress,
                                   Int32(max(1, factors.rows)), tp.baseAddress, cp.baseAddress, Int32(max(1, b.rows)))
                }
            }
        }
        if info != 0 { throw LinearAlgebraError.lapack(routine: "dormqr", info: Int(info)) }
        return out
    }

    /// A lower bound on the smallest singular value of A (= that of R): 1/‖R⁻¹‖_F, from the
    /// triangular inverse (LAPACK `dtrtri`); 0 when R is exactly singular or the inverse overflows.
    public func smallestSingularValueLowerBound() -> Double {
        var inverse = r
        let n = inverse.rows
        if n == 0 { return .infinity }
        let info = inverse.storage.withUnsafeMutableBufferPointer { ap in
            LAPACKE_dtrtri(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int8(UInt8(ascii: "N")), Int32(n),
                           ap.baseAddress, Int32(n))
        }
        if info != 0 { return 0 }
        let norm = inverse.frobeniusNorm
        return norm.isFinite && norm > 0 ? 1 / norm : 0
    }
}
