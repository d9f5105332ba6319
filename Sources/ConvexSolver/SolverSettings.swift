/// Tolerances and limits of the interior-point solver. The defaults (1e−9 relative feasibility and gap,
/// ten times tighter than Clarabel's 1e−8) leave the weights far more accurate than the 1e−4 max-abs at
/// which recovery is judged; on the shared instances the objectives agree with CVXPY + Clarabel to ≤ 3e−7.
public struct SolverSettings: Sendable, Equatable {
    /// Stop when primal and dual residuals, relative to `1 + ‖b‖` and `1 + ‖c‖`, are below this. Default 1e−9.
    public var feasibilityTolerance: Double = 1e-9
    /// Absolute duality-gap tolerance. Default 1e−9.
    public var gapToleranceAbsolute: Double = 1e-9
    /// Duality gap relative to `max(1, min(|primal|, |dual|))`. Default 1e−9.
    public var gapToleranceRelative: Double = 1e-9
    /// Tolerance of the infeasibility certificates (normalised Farkas residual). Default 1e−9.
    public var infeasibilityTolerance: Double = 1e-9
    /// When the final interior-point solve stops short of the tolerances above — at its iteration limit, or
    /// because the iterations stalled (a step collapsed, or the Newton system or the scaling could not be
    /// computed) — its last point still counts as `.solved` if it meets this looser tolerance in the same
    /// three tests (feasibility relative to `1 + ‖b‖` and `1 + ‖c‖`; gap absolute or relative). Default 1e−8,
    /// Clarabel's own tolerances for "solved". Near the optimum of dense noisy approx programs (normalized,
    /// n ≥ 2d) round-off in the Newton system stalls the gap at 2–8e−9 relative, short of 1e−9. The result
    /// says when this happened (`SolverResult.acceptedAfter`). Subproblems of a working set never use it: they
    /// fall back to the direct solve. Set it to 0 to require the tolerances above.
    public var acceptableTolerance: Double = 1e-8
    /// Iteration limit of each interior-point solve: of the direct solve, and of each round on a working set
    /// (there at most `WorkingSetSolve.roundIterationLimit`, after which the direct solve follows). Default 200,
    /// Clarabel's: dense noisy approx programs (normalized, n ≥ 2d) converge slowly, some taking 100–130.
    public var maxIterations: Int = 200
    /// Fraction of the distance to the cone boundary a step may travel. Default 0.99.
    public var stepFraction: Double = 0.99
    /// Iterative-refinement steps allowed per Newton solve. Default 6.
    public var refinementSteps: Int = 6
    /// Static regularisation added, relative to the largest diagonal entry, to the n×n Schur
    /// complement before its Cholesky factorization (undone by iterative refinement). Default 0:
    /// a shift (from 1e−14 up to 1e−4 relative) is added only when the Cholesky factorization fails.
    public var schurRegularization: Double = 0

    /// Programs (all nine) with at least `WorkingSetSolve.minimumPatterns` patterns: solve on a working set of
    /// patterns first, grown until the whole program's stopping tests pass (see `WorkingSetSolve`; the answer
    /// is checked on the whole program either way). Default true.
    public var workingSet: Bool = true

    /// Print one line per iteration to standard error. Default false.
    public var verbose: Bool = false

    /// The defaults listed above.
    public init() {}
}
