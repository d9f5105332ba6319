/// How a solve ended. Raw values are the names written to JSON and printed by the CLI.
///
/// Only `.solved` means the returned blocks are an optimal solution to the requested tolerances;
/// every other status must be reported as such by callers, never as a result.
public enum SolverStatus: String, Codable, Sendable, CaseIterable {
    /// Primal and dual feasibility and the duality gap are within the tolerances (or, when the final solve hit
    /// its iteration limit or stalled, within `SolverSettings.acceptableTolerance`: `SolverResult.acceptedAfter`).
    case solved
    /// A certificate (Farkas ray) proves that no weights reproduce `y` under the constraints.
    case primalInfeasible
    /// A ray proves the objective is unbounded below. The group-norm programs of docs/science.md §2 have an
    /// objective bounded below by 0, so a correct solve never ends here; the status exists because
    /// the homogeneous embedding can detect it in general and would report it rather than hide it.
    case dualInfeasible
    /// The iteration limit was reached before any stopping test held.
    case maxIterations
    /// The iteration could not continue (a factorization failed, a step collapsed, or a value became NaN).
    case numericalError
}
