import Foundation

/// The seconds of a run's finished tasks against their costs, fitted as t ≈ k·c^p, to predict the tasks
/// left: the ETA.
///
/// The cost model behind the costs has the right order of magnitude but not always the right shape: a solve
/// that finishes on a small working set costs far less than n²d² says, and storing an entry costs the same
/// for every task, so time grows more slowly than cost (p < 1). A run starts with its costliest tasks, so
/// the tasks left are cheaper than every one measured: the shape decides the ETA. The exponent p is the
/// least-squares slope of log t on log c (kept within [0, 2]); k is Σt / Σc^p over the finished tasks (the
/// ratio estimator in that shape, so the seconds already measured are matched exactly in total).
///
/// Replayed on the tasks in the cache, ordered costliest first (the recorded seconds as the truth): with 30,
/// 50, 70 and 90 % of a kind's tasks done, this predicted the rest at 0.99, 1.15, 1.49 and 1.38 × the truth
/// for noisy ReLU-norm relaxed cells, 0.95–1.05 × for trained networks until the last tenth; the straight
/// line a + b·c it replaces said 2.5–14 × and 1.3–4.8 ×. (Neither follows skip/exact, whose slow cells are
/// cheap ones.)
public struct TaskDurationFit: Sendable {
    private var costs: [Double] = []
    private var seconds: [Double] = []
    private var smallest = Double.infinity, largest = 0.0

    /// At least this many finished tasks before predicting.
    static let minimumCount = 5
    /// The finished tasks' costs must span this factor before an exponent is fitted.
    static let minimumSpread = 4.0
    /// The fitted exponent is kept within this range.
    static let exponentRange = 0.0...2.0

    public init() {}

    /// Adds one finished task (a cost or time that is not positive and finite is ignored).
    public mutating func add(cost c: Double, seconds t: Double) {
        guard c.isFinite, t.isFinite, c > 0, t > 0 else { return }
        costs.append(c)
        seconds.append(t)
        smallest = min(smallest, c); largest = max(largest, c)
    }

    /// The number of finished tasks added.
    public var count: Int { costs.count }

    /// Whether the costs tell one shape from another: at least `minimumCount` tasks whose costs span a factor
    /// `minimumSpread` (a run starts with its costliest tasks, all of about one cost).
    var showsShape: Bool { costs.count >= Self.minimumCount && largest >= Self.minimumSpread * smallest }

    /// Centred sums of x = log cost and y = log seconds: (Σ(x − x̄)², Σ(x − x̄)(y − ȳ)), for the least-squares slope.
    var centredLogSums: (xx: Double, xy: Double) {
        guard !costs.isEmpty else { return (0, 0) }
        let n = Double(costs.count)
        var sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
        for (c, t) in zip(costs, seconds) {
            let x = log(c), y = log(t)
            sx += x; sy += y; sxx += x * x; sxy += x * y
        }
        return (sxx - sx * sx / n, sxy - sx * sy / n)
    }

    /// A least-squares slope kept within `exponentRange`, or nil when x does not vary.
    static func exponent(_ sums: (xx: Double, xy: Double)) -> Double? {
        guard sums.xx > 0 else { return nil }
        return min(max(sums.xy / sums.xx, exponentRange.lowerBound), exponentRange.upperBound)
    }

    /// The fitted exponent p, or nil unless the costs show the shape (`showsShape`).
    public var fittedExponent: Double? { showsShape ? Self.exponent(centredLogSums) : nil }

    /// Σ seconds / Σ cost^p: the scale that matches the measured seconds in total.
    func scale(exponent p: Double) -> Double {
        seconds.reduce(0, +) / costs.reduce(0) { $0 + pow($1, p) }
    }

    /// (k, p) of the fit, or nil with fewer than `minimumCount` tasks. Without a fitted exponent, p is
    /// `fallbackExponent` (by default 1, as the cost model says) until the costs can tell.
    public func coefficients(fallbackExponent: Double = 1) -> (scale: Double, exponent: Double)? {
        guard costs.count >= Self.minimumCount else { return nil }
        let p = fittedExponent ?? fallbackExponent
        return (scale(exponent: p), p)
    }

    /// (k, p) of the fit with the default fallback exponent 1, or nil with fewer than `minimumCount` tasks.
    public var coefficients: (scale: Double, exponent: Double)? { coefficients() }

    /// Predicted seconds (one after another) of the tasks left, given their costs.
    public func predictedSeconds<C: Sequence>(costs remaining: C) -> Double? where C.Element == Double {
        guard let (k, p) = coefficients else { return nil }
        return Self.predicted(remaining, scale: k, exponent: p)
    }

    /// k·Σ cᵖ over `costs` (a negative cost counts as 0).
    static func predicted<C: Sequence>(_ costs: C, scale k: Double, exponent p: Double) -> Double where C.Element == Double {
        k * costs.reduce(0) { $0 + pow(max($1, 0), p) }
    }
}
