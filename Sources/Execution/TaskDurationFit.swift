/// The seconds of a run's finished tasks against their costs, fitted as t ≈ a + b·c (a fixed part per task,
/// a part proportional to the estimated cost; least squares, both ≥ 0), to predict the tasks left: the ETA.
///
/// The cost model behind the costs has the right order of magnitude but not always the right shape (a solve
/// that finishes on a small working set costs far less than n²d² says, a store costs the same for every
/// task), so the fit over what this run has measured corrects both the scale and the per-task part.
public struct TaskDurationFit: Sendable {
    private var count = 0.0
    private var sumC = 0.0, sumT = 0.0, sumCC = 0.0, sumCT = 0.0, sumTT = 0.0
    private var smallest = Double.infinity, largest = 0.0

    /// At least this many finished tasks before predicting.
    static let minimumCount = 5
    /// The finished tasks' costs must span this factor before a per-task part is fitted.
    static let minimumSpread = 4.0

    public init() {}

    /// Adds one finished task.
    public mutating func add(cost c: Double, seconds t: Double) {
        guard c.isFinite, t.isFinite, t >= 0 else { return }
        count += 1
        sumC += c; sumT += t; sumCC += c * c; sumCT += c * t; sumTT += t * t
        smallest = min(smallest, c); largest = max(largest, c)
    }

    /// (a, b) of the fit, or nil with fewer than `minimumCount` tasks.
    public var coefficients: (perTask: Double, perCost: Double)? {
        guard count >= Double(Self.minimumCount) else { return nil }
        // Costs within a factor `minimumSpread` of each other (a run starts with its longest tasks) cannot tell
        // a per-task part from a proportional one: proportional, as the cost model says, until they can.
        if largest < Self.minimumSpread * smallest { return (0, sumCC > 0 ? max(0, sumCT / sumCC) : 0) }
        let det = count * sumCC - sumC * sumC
        if det > 1e-12 * count * sumCC {
            let b = (count * sumCT - sumC * sumT) / det
            let a = (sumT - b * sumC) / count
            if a >= 0 && b >= 0 { return (a, b) }
        }
        // A constraint is active: the better (smaller sum of squares) of t = b·c and t = a.
        let b = sumCC > 0 ? max(0, sumCT / sumCC) : 0
        let a = sumT / count
        let errorB = sumTT - 2 * b * sumCT + b * b * sumCC
        let errorA = sumTT - sumT * sumT / count
        return errorB < errorA ? (0, b) : (a, 0)
    }

    /// Predicted seconds (one after another) of `count` further tasks of total cost `cost`.
    public func predictedSeconds(count remaining: Int, cost: Double) -> Double? {
        guard let (a, b) = coefficients else { return nil }
        return a * Double(remaining) + b * max(cost, 0)
    }
}
