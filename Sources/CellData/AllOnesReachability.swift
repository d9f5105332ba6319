import LinearAlgebra

/// Whether the all-ones arrangement pattern is reachable: does some u ≠ 0 have X u ≥ 0? (docs/science.md §1)
///
/// Decided exactly, with a checked certificate either way:
/// - rank X < d (in particular n < d): a null vector u gives X u = 0 ≥ 0 — reachable.
/// - otherwise X is injective, so u ≠ 0 ⇔ X u ≠ 0, and by Stiemke's theorem exactly one of
///   "some u has X u ≥ 0, X u ≠ 0" and "some λ > 0 (entrywise) has Xᵀλ = 0" holds. The linear
///   program `HalfSpaceProgram` (GLPK's dual simplex on d + 1 rows) returns a candidate for each;
///   the one its optimum points to is checked in floating point with the rounding error of the
///   check itself bounded, and only then believed:
///   - a direction u: every entry of X u is ≥ 0 up to that bound and one is > 0 beyond it;
///   - a λ: min λ > 0 and ‖Xᵀλ‖ < min λ · σ_min(X) (with the rounding of Xᵀλ and of σ_min
///     added). That proves the claim for the exact λ: if X u ≥ 0, then
///     min λ·‖X u‖₂ ≤ λᵀX u = (Xᵀλ)ᵀu ≤ ‖Xᵀλ‖·‖X u‖₂/σ_min, so X u = 0 and u = 0.
/// When neither candidate passes (X at the boundary between the answers to round-off), the
/// program is solved again by `glp_exact` in rational arithmetic and checked again.
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
        guard x.storage.allSatisfy(\.isFinite) else { throw Undecided(detail: "X has a non-finite entry") }
        let svd = try SingularValueDecomposition(x, kind: .thin)
        let singularValues = svd.singularValues
        let tol = SingularValueDecomposition.defaultTolerance(singularValues: singularValues, rows: n, cols: d)
        let rank = svd.rank(tolerance: tol)
        if rank < d { return .rankDeficient(rank: rank) }
        // σ_min less LAPACK's backward error bound (a small multiple of ε·σ_max per dimension).
        let sigmaMin = singularValues[d - 1] - 4 * Double(max(n, d)) * Double.ulpOfOne * singularValues[0]
        var details: [String] = []
        for method in [HalfSpaceProgram.Method.floatingPoint, .exactRational] {
            let solution = HalfSpaceProgram(method: method).solve(x)
            let direction = certifiedDirection(x, solution.u).map { Evidence.direction(u: $0) }
            let lambda = certifiedPositiveNullVector(x, solution.lambda, sigmaMin: sigmaMin)
                .map { Evidence.positiveLeftNullVector(lambda: $0) }
            // Believe the certificate the optimum points to; either, when it is 0 to round-off.
            let (first, second) = solution.s > 0 ? (lambda, direction) : (direction, lambda)
            if let evidence = first ?? second { return evidence }
            details.append("\(method): s* = \(solution.s), t* = \(solution.t), \(solution.iterations) iterations, optimal: \(solution.optimal)")
        }
        throw Undecided(detail: details.joined(separator: "; ") + "; neither certificate checks")
    }

    /// `u` scaled to 1ᵀX u = 1, when X u ≥ 0 and X u ≠ 0 hold for the exact product: every
    /// computed entry of X u is ≥ −γ·(|X||u|)ᵢ and one is > γ·(|X||u|)ᵢ, γ = (d + 2)ε bounding the
    /// rounding error of the computed product.
    static func certifiedDirection(_ x: Matrix, _ u: [Double]) -> [Double]? {
        guard u.allSatisfy(\.isFinite) else { return nil }
        let xu = x.times(u)
        let bound = x.map(abs).times(u.map(abs))
        let gamma = Double(x.cols + 2) * Double.ulpOfOne
        guard zip(xu, bound).allSatisfy({ $0 >= -gamma * $1 }),
              zip(xu, bound).contains(where: { $0 > gamma * $1 }) else { return nil }
        let total = xu.reduce(0, +)
        return u.map { $0 / total }
    }

    /// `λ` when it proves that no u ≠ 0 has X u ≥ 0: min λ > 0 and
    /// ‖Xᵀλ‖ + γ‖|X|ᵀ|λ|‖ < min λ · σ_min (γ = (n + 2)ε bounds the rounding of Xᵀλ; `sigmaMin` is a
    /// lower bound on X's smallest singular value). See the type's documentation for the proof.
    static func certifiedPositiveNullVector(_ x: Matrix, _ lambda: [Double], sigmaMin: Double) -> [Double]? {
        guard lambda.allSatisfy(\.isFinite), let smallest = lambda.min(), smallest > 0, sigmaMin > 0 else { return nil }
        let residual = x.times(lambda, .transpose)
        let rounding = x.map(abs).times(lambda, .transpose)
        let gamma = Double(x.rows + 2) * Double.ulpOfOne
        let residualBound = Vector.norm(residual) + gamma * Vector.norm(rounding)
        guard residualBound < smallest * sigmaMin else { return nil }
        return lambda
    }

    /// Whether some u ≠ 0 has X u ≥ 0.
    public static func isReachable(_ x: Matrix) throws -> Bool {
        if case .positiveLeftNullVector = try decide(x) { return false }
        return true
    }
}
