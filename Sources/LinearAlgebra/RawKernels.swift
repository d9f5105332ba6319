import CLapack

/// Thin pointer-level wrappers over the BLAS/LAPACK kernels that structured solvers call in their
/// inner loops, where allocating a `Matrix` per call would cost more than the arithmetic.
///
/// All matrices are column-major with an explicit leading dimension. Nothing here allocates;
/// a LAPACK `info ≠ 0` always becomes a thrown `LinearAlgebraError`. The LAPACKE `_work` entry points
/// are used: they skip LAPACKE's NaN scan of the inputs, which costs as much as a small solve
/// (callers check their own results for NaN).
public enum RawKernels {
    /// `C ← α op(A) op(B) + β C` (`dgemm`); `C` is m×n, `op(A)` m×k, `op(B)` k×n.
    @inlinable
    public static func gemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                            alpha: Double, a: UnsafePointer<Double>, lda: Int,
                            b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        if m == 0 || n == 0 { return }
        cblas_dgemm(CblasColMajor, transA == .none ? CblasNoTrans : CblasTrans,
                    transB == .none ? CblasNoTrans : CblasTrans, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(max(1, lda)), b, Int32(max(1, ldb)), beta, c, Int32(max(1, ldc)))
    }

    /// Lower triangle of `C ← α op(A) op(A)ᵀ + β C` (`dsyrk`); `C` is n×n, `op(A)` n×k
    /// (`trans == .transpose` means `AᵀA` with `A` stored k×n).
    @inlinable
    public static func syrkLower(_ trans: Transpose, n: Int, k: Int, alpha: Double,
                                 a: UnsafePointer<Double>, lda: Int, beta: Double,
                                 c: UnsafeMutablePointer<Double>, ldc: Int) {
        if n == 0 { return }
        cblas_dsyrk(CblasColMajor, CblasLower, trans == .none ? CblasNoTrans : CblasTrans,
                    Int32(n), Int32(k), alpha, a, Int32(max(1, lda)), beta, c, Int32(max(1, ldc)))
    }

    /// `B ← α B op(L)` with `L` lower triangular, applied from the right (`dtrmm`); `B` is m×n.
    @inlinable
    public static func trmmRightLower(_ trans: Transpose, m: Int, n: Int, alpha: Double,
                                      l: UnsafePointer<Double>, ldl: Int,
                                      b: UnsafeMutablePointer<Double>, ldb: Int) {
        if m == 0 || n == 0 { return }
        cblas_dtrmm(CblasColMajor, CblasRight, CblasLower, trans == .none ? CblasNoTrans : CblasTrans,
                    CblasNonUnit, Int32(m), Int32(n), alpha, l, Int32(max(1, ldl)), b, Int32(max(1, ldb)))
    }

    /// `B ← α B L⁻¹` or `B ← α B L⁻ᵀ` (`dtrsm`, right side, L lower triangular, non-unit); B is m×n.
    public static func trsmRightLower(_ trans: Transpose, m: Int, n: Int, alpha: Double,
                                      l: UnsafePointer<Double>, ldl: Int,
                                      b: UnsafeMutablePointer<Double>, ldb: Int) {
        if m == 0 || n == 0 { return }
        cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, trans == .none ? CblasNoTrans : CblasTrans,
                    CblasNonUnit, Int32(m), Int32(n), alpha, l, Int32(max(1, ldl)), b, Int32(max(1, ldb)))
    }

    /// `y ← α op(A) x + β y` (`dgemv`); `A` is m×n as stored.
    @inlinable
    public static func gemv(_ trans: Transpose, m: Int, n: Int, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int, x: UnsafePointer<Double>,
                            beta: Double, y: UnsafeMutablePointer<Double>) {
        if m == 0 || n == 0 {
            let count = trans == .none ? m : n
            if beta != 1 { for i in 0..<count { y[i] = beta == 0 ? 0 : beta * y[i] } }
            return
        }
        cblas_dgemv(CblasColMajor, trans == .none ? CblasNoTrans : CblasTrans, Int32(m), Int32(n),
                    alpha, a, Int32(max(1, lda)), x, 1, beta, y, 1)
    }

    /// In-place Cholesky `A = L Lᵀ` of the lower triangle (`dpotrf`).
    /// - Throws: `LinearAlgebraError.notPositiveDefinite` when a leading minor is not positive.
    public static func choleskyLower(n: Int, a: UnsafeMutablePointer<Double>, lda: Int) throws {
        if n == 0 { return }
        let info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), a, Int32(max(1, lda)))
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(minor: Int(info)) }
        if info < 0 { throw LinearAlgebraError.lapack(routine: "dpotrf", info: Int(info)) }
    }

    /// Solves `A X = B` in place given the lower Cholesky factor of `A` (`dpotrs`); `B` is n×nrhs.
    public static func choleskySolve(n: Int, nrhs: Int, l: UnsafePointer<Double>, ldl: Int,
                                     b: UnsafeMutablePointer<Double>, ldb: Int) throws {
        if n == 0 || nrhs == 0 { return }
        let info = LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), Int32(nrhs),
                                  l, Int32(max(1, ldl)), b, Int32(max(1, ldb)))
        if info != 0 { throw LinearAlgebraError.lapack(routine: "dpotrs", info: Int(info)) }
    }
}

extension RawKernels {
    /// In-place symmetric-indefinite factorization `A = L D Lᵀ` of the lower triangle with
    /// Bunch–Kaufman pivoting (`dsytrf`); `pivots` receives n entries.
    /// - Throws: `LinearAlgebraError.lapack` when D has an exactly zero block (info > 0) or an argument is bad.
    public static func symmetricIndefiniteFactor(n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                                                 pivots: UnsafeMutablePointer<Int32>) throws {
        if n == 0 { return }
        let info = LAPACKE_dsytrf(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), a, Int32(max(1, lda)), pivots)
        if info != 0 { throw LinearAlgebraError.lapack(routine: "dsytrf", info: Int(info)) }
    }

    /// Solves `A X = B` in place from a `symmetricIndefiniteFactor` factorization (`dsytrs`).
    public static func symmetricIndefiniteSolve(n: Int, nrhs: Int, factor: UnsafePointer<Double>, ldf: Int,
                                                pivots: UnsafePointer<Int32>, b: UnsafeMutablePointer<Double>,
                                                ldb: Int) throws {
        if n == 0 || nrhs == 0 { return }
        let info = LAPACKE_dsytrs_work(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), Int32(nrhs), factor,
                                  Int32(max(1, ldf)), pivots, b, Int32(max(1, ldb)))
        if info != 0 { throw LinearAlgebraError.lapack(routine: "dsytrs", info: Int(info)) }
    }
}

extension RawKernels {
    /// `y ← α A x + β y` for a symmetric A stored as its packed lower triangle, column by column
    /// (`dspmv`; n(n+1)/2 entries).
    @inlinable
    public static func packedSymmetricMultiply(n: Int, alpha: Double, packedLower a: UnsafePointer<Double>,
                                               x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>) {
        if n == 0 { return }
        cblas_dspmv(CblasColMajor, CblasLower, Int32(n), alpha, a, x, 1, beta, y, 1)
    }
}
