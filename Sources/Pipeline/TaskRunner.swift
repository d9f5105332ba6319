import CellEvaluation
import Execution
import Foundation
import Planning
import TaskCache

/// Turns planned tasks into executor work: verify the cache (a damaged entry is reported and
/// recomputed), evaluate the cell, store the entry atomically.
public enum TaskRunner {
    /// Tasks whose verified entry is missing; damaged entries are reported through `report`. Each
    /// entry is read once: the results of verified entries go to `results` when given.
    public static func tasksToRun(_ tasks: [PlannedTask], context: PipelineContext, results: ResultTable? = nil,
                                  report: (String) -> Void = { _ in }) -> [PlannedTask] {
        tasks.filter { task in
            switch context.cache.lookupResult(task.key, as: CellResult.self) {
            case .hit(let result):
                results?.insert(result, for: task.digest)
                return false
            case .missing: return true
            case .damaged(let reason):
                report("cache entry \(task.key.prefix(12)) is damaged (\(reason)); recomputing")
                return true
            }
        }
    }

    /// Executor work items for `tasks`; each result also goes to `results` when given. Loss curves
    /// are stored only with `keepLossCurves` (no figure uses them; `neural-recovery cell` prints them).
    /// With `shared`, each task is re-checked and claimed first (runs sharing the cache split the work).
    public static func workItems(_ tasks: [PlannedTask], context: PipelineContext, keepLossCurves: Bool = false,
                                 results: ResultTable? = nil, shared: SharedRun? = nil) -> [WorkItem] {
        tasks.map { task in
            let spec = task.spec
            let label = "\(spec.kind.rawValue) n=\(spec.data.n) d=\(spec.data.d) sample=\(spec.data.sample) [\(task.key.prefix(12))]"
            let compute: @Sendable () throws -> Void = {
                // A task too large for this machine fails alone, before it allocates.
                if let problem = spec.memoryProblem() { throw TaskRefusal(description: problem) }
                let result = try CellEvaluator.evaluate(spec)
                try store(result, of: task, context: context, keepLossCurves: keepLossCurves)
                results?.insert(result, for: task.digest)
            }
            return WorkItem(key: task.key, label: label, cost: spec.costUnits) {
                if let shared { try shared.perform(task, context: context, compute: compute) } else { try compute() }
            }
        }
    }

    /// Stores `result` as the entry of `task` (and points the task family's latest pointer at it).
    /// `durable: false` is for bulk writers that sync once at the end.
    public static func store(_ result: CellResult, of task: PlannedTask, context: PipelineContext,
                             keepLossCurves: Bool = false, durable: Bool = true) throws {
        var result = result
        if !keepLossCurves {
            result.lossCurve = nil
            result.testLossCurve = nil
        }
        try context.cache.store(CellCacheEntry(key: task.key, spec: task.spec, fingerprints: task.fingerprints,
                                               result: result, written: Date().timeIntervalSince1970),
                                latestName: task.family.latestName, durable: durable)
    }
}
