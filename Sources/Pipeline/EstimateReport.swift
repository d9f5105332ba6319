import Execution
import Foundation
import Planning

/// The text of a time estimate: per timing kind, per manifest, and the whole, in CPU time and
/// wall time for a job count.
public enum EstimateReport {
    /// Table lines for the missing `tasks` of `plan` under `model`, with wall time for `jobs`.
    public static func lines(plan: Plan, tasks: [PlannedTask], model: DurationModel, jobs: Int) -> [String] {
        let whole = model.estimate(tasks)
        guard whole.tasks > 0 else { return ["nothing to compute"] }
        var lines: [String] = []
        let observed = model.kinds.values.reduce(0) { $0 + $1.count }
        let busy = model.busyCount ?? 0
        lines.append("model: \(observed) measured task\(observed == 1 ? "" : "s") over \(model.kinds.count) kind\(model.kinds.count == 1 ? "" : "s")"
                     + (busy > 0 ? " (\(busy) measured on a busy machine, used only for kinds without three quiet ones)" : "")
                     + "; ranges are ± 2 standard errors")
        let byKind = Dictionary(grouping: tasks, by: { $0.spec.timingKind })
        let kindRows = byKind.map { (kind, group) in (kind, model.estimate(group)) }
            .sorted { ($1.1.cpuSeconds, $0.0) < ($0.1.cpuSeconds, $1.0) }
        lines.append(row("kind", "tasks", "CPU", "range", "share"))
        for (kind, e) in kindRows { lines.append(row(kind, e, total: whole.cpuSeconds)) }
        let missing = Set(tasks.map(\.key))
        let byKey = Dictionary(tasks.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        lines.append(row("manifest", "tasks", "CPU", "range", "share"))
        for figure in plan.figures {
            let own = figure.keys.filter { missing.contains($0) }.compactMap { byKey[$0] }
            if own.isEmpty { continue }
            lines.append(row(figure.manifest.name, model.estimate(own), total: whole.cpuSeconds))
        }
        let cpu = whole.cpuRange
        let wall = whole.wallSeconds(jobs: jobs)
        var summary = "estimate: \(ProgressLine.duration(cpu.expected)) of CPU (\(range(cpu.low, cpu.high)))"
            + ", \(ProgressLine.duration(wall.expected)) wall with --jobs \(jobs) (\(range(wall.low, wall.high)))"
        if !whole.complete {
            summary += "; plus \(whole.unknownTasks) task\(whole.unknownTasks == 1 ? "" : "s") of unmeasured kinds ("
                + whole.unknownKinds.joined(separator: ", ") + ")"
        }
        lines.append(summary)
        if whole.offCPUSeconds > 0 {
            lines.append(String(format: "  (wall includes %.0f ms a task off the CPU — storing the cache entry, waiting — as measured: %@ in all)",
                                1000 * model.offCPUPerTask, ProgressLine.duration(whole.offCPUSeconds)))
        }
        return lines
    }

    /// One line: "expected: 2h10m wall with --jobs 2 (1h50m–2h30m), 4h20m of CPU".
    public static func summary(_ estimate: TimeEstimate, jobs: Int) -> String {
        let cpu = estimate.cpuRange
        let wall = estimate.wallSeconds(jobs: jobs)
        var text = "\(ProgressLine.duration(wall.expected)) wall with --jobs \(jobs) (\(range(wall.low, wall.high)))"
            + ", \(ProgressLine.duration(cpu.expected)) of CPU"
        if !estimate.complete { text += " plus \(estimate.unknownTasks) tasks of unmeasured kinds" }
        return text
    }

    static func range(_ low: Double, _ high: Double) -> String {
        "\(ProgressLine.duration(low))–\(ProgressLine.duration(high))"
    }

    static func row(_ name: String, _ e: TimeEstimate, total: Double) -> String {
        let r = e.cpuRange
        let known = e.complete ? ProgressLine.duration(r.expected) : (e.cpuSeconds > 0 ? "≥ " + ProgressLine.duration(r.expected) : "unmeasured")
        let share = total > 0 ? String(format: "%.1f%%", 100 * e.cpuSeconds / total) : "-"
        return row(name, "\(e.tasks)", known, e.cpuSeconds > 0 ? range(r.low, r.high) : "-", share)
    }

    static func row(_ a: String, _ b: String, _ c: String, _ d: String, _ e: String) -> String {
        func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return left ? fill + s : s + fill
        }
        return "  " + pad(a, 30) + pad(b, 8, left: true) + pad(c, 10, left: true) + "  " + pad(d, 16) + pad(e, 7, left: true)
    }
}
