import LinearAlgebra

/// Whether the all-ones arrangement pattern is reachable: does some u ≠ 0 have X u ≥ 0? (docs/science.md §1)
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
        let svd = try SingularValueDecomposition(x, kind: .thin)
        let tol = SingularValueDecomposition.defaultTolerance(singularValues: svd.singularValues, rows: n, cols: d)
        let rank = svd.rank(tolerance: tol)
        if rank < d { return .rankDeficient(rank: rank) }
        // 1 ∈ range X: X u = 1 > 0.
        let ones = [Double](repeating: 1, count: n)
        let fit = try LeastSquares(x, ones).solution.storage
        if let u = certifiedDirection(x, fit) { return .direction(u: u) }
        let solution = try HalfSpaceProgram().solve(x)
        if solution.s <= 0, let u = certifiedDirection(x, solution.u) { return .direction(u: u) }
        if solution.t > 0, let lambda = try certifiedPositiveNullVector(x, solution.lambda) {
            return .positiveLeftNullVector(lambda: lambda)
        }
        // Near the boundary, believe whichever certificate checks.
        if let u = certifiedDirection(x, solution.u) { return .direction(u: u) }
        if let lambda = try certifiedPositiveNullVector(x, solution.lambda) { return .positiveLeftNullVector(lambda: lambda) }
        throw Undecided(detail: "s* = \(solution.s), t* = \(solution.t) after \(solution.iterations) iterations; neither certificate checks")
    }

    /// `u` when it is a non-zero direction with X u ≥ 0 (to round-off relative to ‖X u‖∞).
    static func certifiedDirection(_ x: Matrix, _ u: [Double]) -> [Double]? {
        let xu = x.times(u)
        let size = Vector.maxAbs(xu)
        guard size > 0, xu.allSatisfy({ $0 >= -1e-12 * size }) else { return nil }
        return u
    }

    /// `λ` projected onto the left null space of X, when the projection is entrywise positive.
    static func certifiedPositiveNullVector(_ x: Matrix, _ lambda: [Double]) throws -> [Double]? {
        let correction = x.times(try LeastSquares(x, lambda).solution.storage)
        let projected = Vector.subtract(lambda, correction)
        let size = Vector.maxAbs(projected)
        guard size > 0, projected.allSatisfy({ $0 > 1e-9 * size }) else { return nil }
        return projected
    }

    /// Whether some u ≠ 0 has X u ≥ 0.
    public static func isReachable(_ x: Matrix) throws -> Bool {
        if case .positiveLeftNullVector = try decide(x) { return false }
        return true
    }
}
