import Planning

/// Expected compute of planned tasks, for splitting work into shards and sizing cluster jobs.
///
/// The one place the cluster code asks how long tasks take: today it scales each task's cost units
/// by its kind's recorded seconds per unit (`DurationModel`); a better estimator plugs in here.
public enum WorkEstimate {
    /// Expected single-core seconds of each task (in the order given), and whether every kind had
    /// recorded durations. A kind without any gets the mean rate of the recorded kinds (1 s per cost
    /// unit when nothing is recorded), so costs stay comparable for balancing but are not an estimate.
    public static func expectedSeconds(_ tasks: [PlannedTask], context: PipelineContext) -> (seconds: [Double], complete: Bool) {
        let totals = DurationModel.load(context).totals
        var rates: [String: Double] = [:]
        for (kind, t) in totals where t.count == 2 && t[1] > 0 && t[0] >= 0 { rates[kind] = t[0] / t[1] }
        let fallback = rates.isEmpty ? 1 : rates.values.reduce(0, +) / Double(rates.count)
        var complete = true
        let seconds = tasks.map { task -> Double in
            guard let rate = rates[task.spec.kind.rawValue] else {
                if task.spec.costUnits > 0 { complete = false }
                return task.spec.costUnits * fallback
            }
            return task.spec.costUnits * rate
        }
        return (seconds, complete)
    }
}
