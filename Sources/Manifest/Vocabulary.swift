import ModelKinds

/// What a heatmap shows: the per-cell mean over samples of one metric (docs/science.md §4, §5).
public enum Metric: String, Codable, CaseIterable, Sendable {
    /// 1 when the planted model is recovered (convex formulations).
    case recovery
    /// Distance of the learned weights to the planted ones (skip or normalized learner; gd: skip only).
    case weightDistance = "weight_distance"
    /// ‖ŷ(X_test) − y_test‖ of a convex solution.
    case testDistance = "test_distance"
    /// ‖f(X_test) − y_test‖ after training (formulation gd).
    case testError = "test_error"
    /// Frobenius norm of all non-skip weights.
    case otherNorm = "other_norm"
    /// cos(w₀, w*) (skip learner).
    case cosine
    /// Fraction of samples for which the isometry condition holds (conditions only).
    case holds
    /// Final objective of the solver or trainer.
    case objective
    /// Iterations of the solver or epochs of the trainer.
    case iterations
    /// Wall-clock seconds per sample.
    case seconds
}

/// How sweep axes combine into panels.
public enum SweepMode: String, Codable, CaseIterable, Sendable {
    /// Every combination of the axes' values (first axis slowest), less the excluded ones.
    case product
    /// The i-th values of all axes together; every axis has the same number of values.
    case zip
}

/// How much of a manifest's grid to compute.
public enum ScaleProfile: String, Codable, CaseIterable, Sendable {
    /// The grid as written.
    case full
    /// A quick look: n ≤ 60, d ≤ 30, at most 2 samples (an axis that would be emptied keeps its smallest value).
    case smoke
}
