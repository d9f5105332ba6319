import CLapack

extension Matrix {
    /// Solves the square system `A X = B` by LU with partial pivoting (LAPACK `dgesv`).
    /// - Throws: `LinearAlgebraError.lapack` with `info > 0` when `A` is exactly singular.
    public static func solve(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        guard a.rows == a.cols, b.rows == a.rows else {
            throw LinearAlgebraError.shapeMismatch("solve: A is \(a.rows)×\(a.cols), B is \(b.rows)×\(b.cols)")
        }
        let n = a.rows
        var lu = a
        var x = b
        if n == 0 || b.cols == 0 { return x }
        var pivots = [Int32](repeating: 0, count: n)
        let info = lu.storage.withUnsafeMutableBufferPointer { ap in
            x.storage.withUnsafeMutableBufferPointer { xp in
                LAPACKE_dgesv(LAPACK_COL_MAJOR, Int32(n), Int32(b.cols), ap.baseAddress, Int32(n), &pivots,
                              xp.baseAddress, Int32(n))
            }
        }
        if info != 0 { throw LinearAlgebraError.lapack(routine: "dgesv", info: Int(info)) }
        return x
    }
}
