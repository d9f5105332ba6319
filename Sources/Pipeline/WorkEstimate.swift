import Planning

/// Expected compute of planned tasks, for splitting work into shards and sizing cluster jobs.
///
/// The one place the cluster code asks how long tasks take: today it scales each task's cost units
/// by its kind's measured CPU seconds per unit (`DurationModel`, the model of `plan --estimate`).
public enum WorkEstimate {
    /// Expected single-core seconds of each task (in the order given), and whether every kind had
    /// recorded durations. A kind without any gets the mean rate of the recorded kinds (1 s per cost
    /// unit when nothing is recorded), so costs stay comparable for balancing but are not an estimate.
    public static func expectedSeconds(_ tasks: [PlannedTask], context: PipelineContext) -> (seconds: [Double], complete: Bool) {
        let model = DurationModel.load(context)
        let rates = model.kinds.values.map(\.rate).filter { $0 > 0 }
        let fallback = rates.isEmpty ? 1 : rates.reduce(0, +) / Double(rates.count)
        var complete = true
        let seconds = tasks.map { task -> Double in
            let spec = task.spec
            guard let known = model.seconds(for: task) else {
                if spec.costUnits > 0 { complete = false }
                return spec.costUnits * fallback
            }
            return known
        }
        return (seconds, complete)
    }
}
