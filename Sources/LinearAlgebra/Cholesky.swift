import CLapack

/// Cholesky factorization `A = L Lᵀ` of a symmetric positive-definite matrix (LAPACK `dpotrf`),
/// with solves by `dpotrs`.
public struct Cholesky: Sendable {
    /// The factor: lower triangle holds `L`, the strict upper triangle is zero.
    public let lower: Matrix

    /// Factors `a` (only its lower triangle is read).
    /// - Throws: `LinearAlgebraError.notPositiveDefinite` when a leading minor is not positive.
    public init(_ a: Matrix) throws {
        guard a.rows == a.cols else { throw LinearAlgebraError.shapeMismatch("Cholesky of a \(a.rows)×\(a.cols) matrix") }
        var l = a
        let n = a.rows
        if n > 0 {
            let info = l.storage.withUnsafeMutableBufferPointer {
                LAPACKE_dpotrf(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), $0.baseAddress, Int32(n))
            }
            if info > 0 { throw LinearAlgebraError.notPositiveDefinite(minor: Int(info)) }
            if info < 0 { throw LinearAlgebraError.lapack(routine: "dpotrf", info: Int(info)) }
        }
        for j in 0..<n { for i in 0..<j { l.storage[i + j * n] = 0 } }
        lower = l
    }

    /// Solves `A X = B` for `X`.
    public func solve(_ b: Matrix) throws -> Matrix {
        let n = lower.rows
        guard b.rows == n else { throw LinearAlgebraError.shapeMismatch("Cholesky solve: A is \(n)×\(n), B has \(b.rows) rows") }
        var x = b
        if n == 0 || b.cols == 0 { return x }
        let info = lower.storage.withUnsafeBufferPointer { lp in
            x.storage.withUnsafeMutableBufferPointer { xp in
                LAPACKE_dpotrs(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), Int32(b.cols),
                               lp.baseAddress, Int32(n), xp.baseAddress, Int32(n))
            }
        }
        if info != 0 { throw LinearAlgebraError.lapack(routine: "dpotrs", info: Int(info)) }
        return x
    }

    /// Solves `A x = b` for a vector.
    public func solve(_ b: [Double]) throws -> [Double] {
        try solve(Matrix(rows: b.count, cols: 1, columnMajor: b)).storage
    }
}
