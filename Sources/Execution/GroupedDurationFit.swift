import Foundation

/// The run's ETA when its tasks are of several kinds (groups), fitted as tᵍ ≈ k_g·c^p: each group its own
/// scale, the exponent shared, so that one kind's seconds per cost unit are not applied to another's.
///
/// The costs a run orders its tasks by come from the duration model, which may be wrong for a kind by a large
/// factor (never measured, or measured with other code: Figure 24's noisy approx cells were costed at the mean
/// rate of all kinds). One fit over all finished tasks then carries the first kind's ratio over to the next:
/// Figure 24's run said "ETA 12m" for hours of work while only its noiseless cells had finished. So:
/// - the exponent p is the least-squares slope of log t on log c within the groups (each group's logs centred
///   on its own means, the sums pooled), once some group's costs spread enough (`TaskDurationFit.showsShape`),
///   else 1. A slope across groups would mistake a dear kind among the costly tasks for a steep shape;
/// - a group with `TaskDurationFit.minimumCount` finished tasks predicts its own tasks left with its own scale,
///   and its own exponent once its costs show the shape;
/// - a group with fewer finished tasks is predicted with the scale of all finished tasks together;
/// - `Executor.order` starts the costliest `minimumCount` tasks of every group first, so that every group has
///   its own fit after the first few minutes.
/// With a single group this is exactly `TaskDurationFit`.
public struct GroupedDurationFit: Sendable {
    private var overall = TaskDurationFit()
    private var groups: [String: TaskDurationFit] = [:]

    public init() {}

    /// Adds one finished task of `group` (a cost or time that is not positive and finite is ignored).
    public mutating func add(group: String, cost: Double, seconds: Double) {
        guard cost.isFinite, seconds.isFinite, cost > 0, seconds > 0 else { return }
        overall.add(cost: cost, seconds: seconds)
        groups[group, default: TaskDurationFit()].add(cost: cost, seconds: seconds)
    }

    /// Predicted seconds (one after another) of the tasks left, each given by its group and cost; nil before
    /// `TaskDurationFit.minimumCount` tasks have finished.
    public func predictedSeconds<S: Sequence>(left: S) -> Double? where S.Element == (group: String, cost: Double) {
        guard overall.count >= TaskDurationFit.minimumCount else { return nil }
        var p = 1.0
        if groups.values.contains(where: \.showsShape) {
            let pooled = groups.values.reduce((xx: 0.0, xy: 0.0)) {
                let sums = $1.centredLogSums
                return ($0.xx + sums.xx, $0.xy + sums.xy)
            }
            p = TaskDurationFit.exponent(pooled) ?? 1
        }
        let k = overall.scale(exponent: p)
        var ownFits: [String: (scale: Double, exponent: Double)] = [:]
        for (name, fit) in groups {
            if let own = fit.coefficients(fallbackExponent: p) { ownFits[name] = own }
        }
        var total = 0.0
        for task in left {
            let (scale, exponent) = ownFits[task.group] ?? (k, p)
            total += scale * pow(max(task.cost, 0), exponent)
        }
        return total
    }
}
