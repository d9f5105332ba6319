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

    /// (k, p) of the fit, or nil with fewer than `minimumCount` tasks. Costs within a factor `minimumSpread` of
    /// each other (a run starts with its costliest tasks) cannot tell one shape from another: p = 1, as the cost
    /// model says, until they can.
    public var coefficients: (scale: Double, exponent: Double)? {
        guard costs.count >= Self.minimumCount else { return nil }
        var p = 1.0
        if largest >= Self.minimumSpread * smallest {
            let n = Double(costs.count)
            var sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
            for (c, t) in zip(costs, seconds) {
                let x = log(c), y = log(t)
                sx += x; sy += y; sxx += x * x; sxy += x * y
            }
            let variance = sxx - sx * sx / n
            if variance > 0 {
                p = min(max((sxy - sx * sy / n) / variance, Self.exponentRange.lowerBound), Self.exponentRange.upperBound)
            }
        }
        let shaped = costs.reduce(0) { $0 + pow($1, p) }
        return (seconds.reduce(0, +) / shaped, p)
    }

    /// Predicted seconds (one after another) of the tasks left, given their costs.
    public func predictedSeconds<C: Sequence>(costs remaining: C) -> Double? where C.Element == Double {
        guard let (k, p) = coefficients else { return nil }
        return k * remaining.reduce(0) { $0 + pow(max($1, 0), p) }
    }
}
