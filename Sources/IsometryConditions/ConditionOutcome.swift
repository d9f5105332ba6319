/// Whether a neural isometry condition holds for one sample, and by how much (docs/science.md §5).
public struct ConditionOutcome: Sendable, Equatable {
    /// The verdict.
    public let holds: Bool
    /// The largest left-hand side over the patterns the condition ranges over (0 when it ranges
    /// over none; NaN if any left-hand side was NaN, which never holds).
    public let largestLeftHandSide: Double
    /// Index (into the pattern list) of a pattern attaining `largestLeftHandSide`; nil when none.
    public let worstPattern: Int?

    /// An outcome from its parts.
    public init(holds: Bool, largestLeftHandSide: Double, worstPattern: Int?) {
        self.holds = holds
        self.largestLeftHandSide = largestLeftHandSide
        self.worstPattern = worstPattern
    }
}

/// Numerical thresholds of the conditions, explicit and in one place.
public struct ConditionTolerances: Sendable, Equatable {
    /// Singular values ≤ this (absolute) count as zero in every pseudo-inverse and in the thin SVDs
    /// DᵢX = UᵢΣᵢVᵢᵀ (docs/science.md §2's 1e−12 cut for Uᵢ).
    public var rank: Double
    /// The strict inequalities `‖·‖ < 1` of nic-linear, nnic-1, nnic-k and nnic-norm are decided as
    /// `‖·‖ < 1 − strictMargin`: a left-hand side within round-off of 1 is a tie, and a tie does not
    /// satisfy a strict inequality. Ties are structural, not rare: e.g. nic-linear at the all-ones
    /// pattern equals ‖w*‖ = 1 exactly when X has full column rank (the ReLU neuron on the all-ones
    /// pattern is a linear neuron, as costly as the skip path, so recovery is not unique).
    public var strictMargin: Double
    /// irrepresentable-norm holds when every ‖Uᵢᵀλ‖ < 1 + irrepresentableSlack (docs/science.md §5: 1e−10).
    public var irrepresentableSlack: Double

    /// The defaults: rank cut 1e−12, strict margin 1e−10, irrepresentable slack 1e−10.
    public init(rank: Double = 1e-12, strictMargin: Double = 1e-10, irrepresentableSlack: Double = 1e-10) {
        self.rank = rank
        self.strictMargin = strictMargin
        self.irrepresentableSlack = irrepresentableSlack
    }
}

/// Why a condition could not be evaluated.
public enum ConditionError: Error, Equatable, CustomStringConvertible {
    /// Inputs of inconsistent sizes, or an index out of range.
    case invalidInput(String)

    /// A readable message.
    public var description: String {
        switch self {
        case .invalidInput(let s): return "invalid isometry-condition input: \(s)"
        }
    }
}

/// Tracks the largest left-hand side and its pattern.
struct LargestValue {
    private(set) var value: Double = 0
    private(set) var pattern: Int? = nil
    private var sawNaN = false

    mutating func offer(_ v: Double, pattern i: Int) {
        if sawNaN { return }
        if v.isNaN { sawNaN = true; value = .nan; pattern = i; return }
        if pattern == nil || v > value { value = v; pattern = i }
    }

    /// The outcome for "every left-hand side < threshold".
    func outcome(below threshold: Double) -> ConditionOutcome {
        ConditionOutcome(holds: !sawNaN && (pattern == nil || value < threshold),
                         largestLeftHandSide: value, worstPattern: pattern)
    }
}
