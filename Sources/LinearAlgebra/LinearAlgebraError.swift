/// A failure reported by a linear-algebra routine. LAPACK's `info ≠ 0` always becomes one of these.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
    /// Operand shapes do not fit the operation.
    case shapeMismatch(String)
    /// The matrix handed to a Cholesky factorization is not (numerically) positive definite;
    /// `minor` is the order of the leading minor that failed (LAPACK `info > 0`).
    case notPositiveDefinite(minor: Int)
    /// An iterative LAPACK routine (eigen/SVD) did not converge (`info > 0`).
    case noConvergence(routine: String, info: Int)
    /// LAPACK rejected an argument (`info < 0`) or returned another error.
    case lapack(routine: String, info: Int)

    public var description: String {
        switch self {
        case .shapeMismatch(let s): return "shape mismatch: \(s)"
        case .notPositiveDefinite(let m): return "matrix is not positive definite (leading minor \(m) failed)"
        case .noConvergence(let r, let info): return "\(r) did not converge (info = \(info))"
        case .lapack(let r, let info): return "\(r) failed (info = \(info))"
        }
    }
}
