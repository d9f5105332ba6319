import CLapack

/// Singular value decomposition `A = U Σ Vᵀ` (LAPACK `dgesdd`, divide and conquer).
public struct SingularValueDecomposition: Sendable {
    /// Which factors to compute.
    public enum Kind: Sendable {
        /// Thin: `U` is m×r, `Vᵀ` is r×n with r = min(m, n).
        case thin
        /// Full: `U` is m×m, `Vᵀ` is n×n.
        case full
    }

    /// Left singular vectors (columns).
    public let u: Matrix
    /// Singular values in descending order (min(m, n) of them).
    public let singularValues: [Double]
    /// Right singular vectors as rows of `vt`.
    public let vt: Matrix

    public init(_ a: Matrix, kind: Kind = .thin) throws {
        let m = a.rows, n = a.cols, r = min(m, n)
        let uCols = kind == .thin ? r : m
        let vtRows = kind == .thin ? r : n
        var work = a
        var s = [Double](repeating: 0, count: r)
        var u = Matrix(rows: m, cols: uCols)
        var vt = Matrix(rows: vtRows, cols: n)
        if r > 0 {
            let job = Int8(UInt8(ascii: kind == .thin ? "S" : "A"))
            let info = work.storage.withUnsafeMutableBufferPointer { ap in
                s.withUnsafeMutableBufferPointer { sp in
                    u.storage.withUnsafeMutableBufferPointer { up in
                        vt.storage.withUnsafeMutableBufferPointer { vp in
                            LAPACKE_dgesdd(LAPACK_COL_MAJOR, job, Int32(m), Int32(n), ap.baseAddress, Int32(m),
                                           sp.baseAddress, up.baseAddress, Int32(m), vp.baseAddress, Int32(max(1, vtRows)))
                        }
                    }
                }
            }
            if info > 0 { throw LinearAlgebraError.noConvergence(routine: "dgesdd", info: Int(info)) }
            if info < 0 { throw LinearAlgebraError.lapack(routine: "dgesdd", info: Int(info)) }
        } else {
            // Degenerate shapes: orthonormal bases of the (possibly empty) spaces.
            if kind == .full { u = .identity(m); vt = .identity(n) }
        }
        self.u = u
        self.singularValues = s
        self.vt = vt
    }

    /// The default rank tolerance for `A` with these singular values: `σ_max · max(m, n) · ε`
    /// (the convention of NumPy's `matrix_rank` and MATLAB's `rank`).
    public static func defaultTolerance(singularValues: [Double], rows: Int, cols: Int) -> Double {
        (singularValues.first ?? 0) * Double(max(rows, cols)) * Double.ulpOfOne
    }

    /// Number of singular values strictly greater than `tolerance`.
    public func rank(tolerance: Double) -> Int { singularValues.filter { $0 > tolerance }.count }
}

extension Matrix {
    /// Numerical rank: the number of singular values above `tolerance`
    /// (when nil, `σ_max · max(m, n) · ε`, see `SingularValueDecomposition.defaultTolerance`).
    public func rank(tolerance: Double? = nil) throws -> Int {
        let svd = try SingularValueDecomposition(self, kind: .thin)
        let tol = tolerance ?? SingularValueDecomposition.defaultTolerance(singularValues: svd.singularValues, rows: rows, cols: cols)
        return svd.rank(tolerance: tol)
    }

    /// Moore–Penrose pseudo-inverse from the thin SVD; singular values ≤ `tolerance` are treated as zero
    /// (when nil, `σ_max · max(m, n) · ε`).
    public func pseudoInverse(tolerance: Double? = nil) throws -> Matrix {
        let svd = try SingularValueDecomposition(self, kind: .thin)
        let tol = tolerance ?? SingularValueDecomposition.defaultTolerance(singularValues: svd.singularValues, rows: rows, cols: cols)
        // A⁺ = V Σ⁺ Uᵀ: scale the rows of Vᵀ by 1/σ, then (Σ⁺Vᵀ)ᵀ Uᵀ.
        let r = svd.singularValues.count
        var scaledVt = svd.vt
        for i in 0..<r {
            let s = svd.singularValues[i]
            let f = s > tol ? 1 / s : 0
            for j in 0..<cols { scaledVt[i, j] *= f }
        }
        return Matrix.product(scaledVt, .transpose, svd.u, .transpose)
    }
}
