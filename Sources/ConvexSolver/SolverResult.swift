/// The weights of a solution, in the program's own coordinates (docs/science.md §2).
public struct SolutionBlocks: Sendable, Equatable {
    /// The skip weight w₀ (d entries); nil unless the model is `skip`.
    public var w0: [Double]?
    /// exact/approx: uᵢ for each pattern i; relaxed: nil.
    public var u: [[Double]]?
    /// exact/approx: vᵢ for each pattern i; relaxed: nil.
    public var v: [[Double]]?
    /// relaxed: wᵢ for each pattern i; exact/approx: nil.
    public var w: [[Double]]?
    /// normalized only: the maps Tᵢ = VᵢΣᵢ⁻¹ (d×rᵢ, column-major) that turn a block into the
    /// first-layer weight ūᵢ = Tᵢuᵢ of docs/science.md §2's read-out; empty for plain/skip.
    public var firstLayerMaps: [[Double]]
}

/// How well the returned point satisfies the program (all absolute, in the program's own scale).
public struct SolverResiduals: Sendable, Equatable, Codable {
    /// ‖Σᵢ (…) − y‖₂ for exact/relaxed; for approx the same with the residual variable included
    /// (the residual is a variable there, so this measures the internal consistency).
    public var primalEquality: Double
    /// ‖Aᵀλ + Gᵀz + c‖₂ of the dual certificate (internal scaling: approx is divided by β).
    public var dual: Double
    /// |primal objective − dual objective| (internal scaling: approx is divided by β).
    public var gap: Double
    /// Largest violation of a cone constraint by the returned weights: max(0, −(SᵢX ūᵢ)ⱼ) over the
    /// ReLU cones (exact/approx) and max(0, ‖w‖ − t) over the norm epigraphs; 0 when all hold.
    public var coneViolation: Double
}

/// What the solver returns. Only `status == .solved` makes `solution` an optimal point.
public struct SolverResult: Sendable {
    /// How the solve ended.
    public var status: SolverStatus
    /// The program's objective at the returned weights (docs/science.md §2 form, approx including β).
    public var objective: Double
    /// The dual objective (same scale as `objective`).
    public var dualObjective: Double
    /// The weights (the last iterate when not solved; for a primal-infeasible status they carry no meaning).
    public var solution: SolutionBlocks
    /// Multipliers λ of the n equality rows (approx: of the residual definition), in the program's scale.
    public var equalityDual: [Double]
    /// Residuals of the returned point.
    public var residuals: SolverResiduals
    /// Interior-point iterations taken.
    public var iterations: Int
    /// Wall-clock seconds, set-up included.
    public var seconds: Double
    /// Sizes of the internal conic form: variables, linear cone rows, second-order cones.
    public var size: ProblemSize
    /// nil when the tolerances were met. `.maxIterations` or `.numericalError` when the solve stopped that way
    /// but its last point met `SolverSettings.acceptableTolerance`, so `status` is `.solved` (see `residuals`).
    public var acceptedAfter: SolverStatus? = nil
}

/// Sizes of the conic program actually solved.
public struct ProblemSize: Sendable, Equatable, Codable {
    /// Number of scalar variables.
    public var variables: Int
    /// Number of equality rows.
    public var equalities: Int
    /// Number of nonnegativity (ReLU-cone) rows.
    public var linearConeRows: Int
    /// Number of second-order cones.
    public var secondOrderCones: Int
}
