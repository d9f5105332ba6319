import LinearAlgebra

/// Whether the all-ones arrangement pattern is reachable: does some u ≠ 0 have X u ≥ 0? (SPEC §1)
///
/// Decided exactly, with a certificate either way:
/// - rank X < d (in particular n < d): a null vector u gives X u = 0 ≥ 0 — reachable.
/// - otherwise X is injective, so u ≠ 0 ⇔ X u ≠ 0, and the question is whether the cone
///   {s = X u ≥ 0} meets {1ᵀs = 1}. With N an orthonormal basis of the left null space of X
///   (range X = {s : Nᵀs = 0}), that is the LP feasibility problem
///   `s ≥ 0, Nᵀ s = 0, 1ᵀ s = 1`, decided by phase-one simplex (`PhaseOneSimplex`).
///   Feasible: u = X⁺ s is checked to satisfy X u ≥ 0. Infeasible: the Farkas certificate gives
///   λ = N z₁ > 0 with Xᵀλ = 0, which (Stiemke's theorem) proves no u ≠ 0 has X u ≥ 0; it is checked.
public enum AllOnesReachability {
    /// The decision and its evidence.
    public enum Evidence: Equatable, Sendable {
        /// rank X < d; `rank` is the numerical rank at the default tolerance.
        case rankDeficient(rank: Int)
        /// A u ≠ 0 with X u ≥ 0 (normalised so that 1ᵀX u = 1).
        case direction(u: [Double])
        /// A λ > 0 (entrywise) with Xᵀλ = 0.
        case positiveLeftNullVector(lambda: [Double])
    }

    /// Raised when neither a direction nor a certificate passes its check (a degenerate X on the
    /// boundary between the two answers, to round-off).
    public struct Undecided: Error, CustomStringConvertible {
        public let detail: String
        public var description: String { "all-ones reachability undecided: \(detail)" }
    }

    /// The evidence for X; reachable unless it is `.positiveLeftNullVector`.
    public static func decide(_ x: Matrix) throws -> Evidence {
        let n = x.rows, d = x.cols
        if n < d { return .rankDeficient(rank: try x.rank()) }
        let svd = try SingularValueDecomposition(x, kind: .full)
        let tol = SingularValueDecomposition.defaultTolerance(singularValues: svd.singularValues, rows: n, cols: d)
        let rank = svd.rank(tolerance: tol)
        if rank < d { return .rankDeficient(rank: rank) }
        // Rows of A: the columns d..<n of U (transposed), then the all-ones row.
        var a: [[Double]] = (d..<n).map { svd.u.column($0) }
        a.append([Double](repeating: 1, count: n))
        var b = [Double](repeating: 0, count: n - d)
        b.append(1)
        switch try PhaseOneSimplex().solve(a: a, b: b) {
        case .feasible(let s):
            let u = try LeastSquares(x, s).solution.storage
            let xu = x.times(u)
            let size = Vector.maxAbs(xu)
            guard size > 0, xu.allSatisfy({ $0 >= -1e-9 * size }) else {
                throw Undecided(detail: "the LP point does not give X u ≥ 0 (min \(xu.min() ?? 0), max \(size))")
            }
            return .direction(u: u)
        case .infeasible(let z):
            let n0 = Matrix(rows: n, cols: n - d, columnMajor: Array(svd.u.storage[(d * n)...]))
            let lambda = n0.times(Array(z[0..<(n - d)]))
            let size = Vector.maxAbs(lambda)
            let xtLambda = Vector.norm(x.times(lambda, .transpose))
            let xNorm = svd.singularValues.first ?? 0
            guard size > 0, lambda.allSatisfy({ $0 > 1e-12 * size }),
                  xtLambda <= 1e-9 * xNorm * Vector.norm(lambda) else {
                throw Undecided(detail: "the Farkas certificate does not check (min λ \(lambda.min() ?? 0), ‖Xᵀλ‖ \(xtLambda))")
            }
            return .positiveLeftNullVector(lambda: lambda)
        }
    }

    /// Whether some u ≠ 0 has X u ≥ 0.
    public static func isReachable(_ x: Matrix) throws -> Bool {
        if case .positiveLeftNullVector = try decide(x) { return false }
        return true
    }
}
