/// How the design matrix X is drawn (docs/science.md §1, manifest key `data:`).
public enum DesignMatrixKind: String, Codable, CaseIterable, Sendable {
    /// X = G/√n, G with i.i.d. N(0, 1) entries.
    case gaussian
    /// X = (G/√n)³ elementwise.
    case cubic
    /// `gaussian`, then replaced by its orthonormal factor (U if n ≥ d, else Vᵀ) from the thin SVD.
    case whitened
    /// `cubic`, then whitened as above.
    case whitenedCubic = "whitened-cubic"
}

/// How the planted weights W* (d×k, unit-norm columns) are drawn (docs/science.md §1, `planted_weights:`).
public enum PlantedWeightsKind: String, Codable, CaseIterable, Sendable {
    /// i.i.d. N(0, 1), columns normalised.
    case gaussian
    /// The k right singular vectors of X with the smallest singular values (smallest first).
    case smallestPC = "smallest-pc"
    /// The first k columns of the d×d identity.
    case firstFeatures = "first-features"
    /// k = 2 only: w₁ Gaussian (normalised), w₂ = −w₁.
    case oppositePair = "opposite-pair"
}

/// Which arrangement-pattern budget to draw (docs/science.md §1): p̂ = max(n, 50) directions for the
/// learners, p̂ = max(2n, 50) for the isometry conditions.
public enum PatternBudget: String, Codable, Sendable {
    case learner
    case condition

    /// The number of random directions p̂ for `n` samples.
    public func directionCount(n: Int) -> Int {
        switch self {
        case .learner: return max(n, 50)
        case .condition: return max(2 * n, 50)
        }
    }
}
