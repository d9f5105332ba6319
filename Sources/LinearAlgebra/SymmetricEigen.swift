import CLapack

/// Eigendecomposition `A = V diag(λ) Vᵀ` of a symmetric matrix (LAPACK `dsyevd`, lower triangle read).
public struct SymmetricEigen: Sendable {
    /// Eigenvalues in ascending order.
    public let values: [Double]
    /// Orthonormal eigenvectors, column `j` for `values[j]`.
    public let vectors: Matrix

    public init(_ a: Matrix) throws {
        guard a.rows == a.cols else { throw LinearAlgebraError.shapeMismatch("eigendecomposition of a \(a.rows)×\(a.cols) matrix") }
        let n = a.rows
        var v = a
        var w = [Double](repeating: 0, count: n)
        if n > 0 {
            let info = v.storage.withUnsafeMutableBufferPointer { vp in
                w.withUnsafeMutableBufferPointer { wp in
                    LAPACKE_dsyevd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "L")), Int32(n),
                                   vp.baseAddress, Int32(n), wp.baseAddress)
                }
            }
            if info > 0 { throw LinearAlgebraError.noConvergence(routine: "dsyevd", info: Int(info)) }
            if info < 0 { throw LinearAlgebraError.lapack(routine: "dsyevd", info: Int(info)) }
        }
        values = w
        vectors = v
    }
}
