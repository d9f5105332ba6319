import CellEvaluation
import Foundation
import Planning
import TaskCache

/// Seconds per cost unit of each computation kind, learned from recorded task durations
/// (`outputs/cache/durations.json`), for the plan's time estimate.
public struct DurationModel: Codable, Sendable {
    /// kind → (total seconds, total cost units) of recorded tasks.
    public var totals: [String: [Double]] = [:]

    public init() {}

    static func url(_ context: PipelineContext) -> URL { context.cache.root.appendingPathComponent("durations.json") }

    public static func load(_ context: PipelineContext) -> DurationModel {
        guard let data = FileManager.default.contents(atPath: url(context).path),
              let model = try? CanonicalJSON.decode(DurationModel.self, from: data) else { return DurationModel() }
        return model
    }

    /// Adds the recorded durations of `tasks` (their cache entries) and saves.
    public static func record(_ tasks: [PlannedTask], context: PipelineContext) {
        var model = load(context)
        for task in tasks {
            guard let result = context.result(task.key), let seconds = result.seconds, task.spec.costUnits > 0 else { continue }
            var t = model.totals[task.spec.kind.rawValue] ?? [0, 0]
            t[0] += seconds
            t[1] += task.spec.costUnits
            model.totals[task.spec.kind.rawValue] = t
        }
        if let data = try? CanonicalJSON.encode(model) { try? AtomicFile.write(data, to: url(context)) }
    }

    /// Estimated seconds for `tasks`, and whether every kind had recorded durations.
    public func estimate(_ tasks: [PlannedTask]) -> (seconds: Double, complete: Bool) {
        var seconds = 0.0
        var complete = true
        for task in tasks {
            guard let t = totals[task.spec.kind.rawValue], t[1] > 0 else {
                complete = false
                continue
            }
            seconds += task.spec.costUnits * t[0] / t[1]
        }
        return (seconds, complete)
    }
}
