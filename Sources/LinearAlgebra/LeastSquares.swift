import CLapack

/// Minimum-norm least-squares solution of `A X ≈ B` (LAPACK `dgelsd`, SVD based).
public struct LeastSquares: Sendable {
    /// The solution, `cols(A) × cols(B)`.
    public let solution: Matrix
    /// The effective rank of `A` at the tolerance used.
    public let rank: Int
    /// Singular values of `A`, descending.
    public let singularValues: [Double]

    /// Solves `min ‖A X − B‖_F` with the smallest-norm `X`. Singular values ≤ `rcond · σ_max`
    /// count as zero; when `rcond` is nil it is `max(m, n) · ε` (NumPy's `lstsq` default).
    public init(_ a: Matrix, _ b: Matrix, rcond: Double? = nil) throws {
        let m = a.rows, n = a.cols
        guard b.rows == m else { throw LinearAlgebraError.shapeMismatch("least squares: A has \(m) rows, B has \(b.rows)") }
        let nrhs = b.cols
        let ldb = max(1, max(m, n))
        var bb = [Double](repeating: 0, count: ldb * nrhs)
        for j in 0..<nrhs { for i in 0..<m { bb[i + j * ldb] = b[i, j] } }
        var work = a
        var s = [Double](repeating: 0, count: min(m, n))
        var rank: Int32 = 0
        let rc = rcond ?? Double(max(m, n)) * Double.ulpOfOne
        if min(m, n) > 0 && nrhs > 0 {
            let info = work.storage.withUnsafeMutableBufferPointer { ap in
                bb.withUnsafeMutableBufferPointer { bp in
                    s.withUnsafeMutableBufferPointer { sp in
                        LAPACKE_dgelsd(LAPACK_COL_MAJOR, Int32(m), Int32(n), Int32(nrhs), ap.baseAddress, Int32(m),
                                       bp.baseAddress, Int32(ldb), sp.baseAddress, rc, &rank)
                    }
                }
            }
            if info > 0 { throw LinearAlgebraError.noConvergence(routine: "dgelsd", info: Int(info)) }
            if info < 0 { throw LinearAlgebraError.lapack(routine: "dgelsd", info: Int(info)) }
        }
        var x = Matrix(rows: n, cols: nrhs)
        for j in 0..<nrhs { for i in 0..<n { x[i, j] = bb[i + j * ldb] } }
        solution = x
        self.rank = Int(rank)
        singularValues = s
    }

    /// Vector right-hand side.
    public init(_ a: Matrix, _ b: [Double], rcond: Double? = nil) throws {
        try self.init(a, Matrix(rows: b.count, cols: 1, columnMajor: b), rcond: rcond)
    }
}
