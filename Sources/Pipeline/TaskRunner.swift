import CellEvaluation
import Execution
import Foundation
import Planning
import TaskCache

/// Turns planned tasks into executor work: verify the cache (a damaged entry is reported and
/// recomputed), evaluate the cell, store the entry atomically.
public enum TaskRunner {
    /// Tasks whose verified entry is missing; damaged entries are reported through `report`.
    public static func tasksToRun(_ tasks: [PlannedTask], context: PipelineContext,
                                  report: (String) -> Void = { _ in }) -> [PlannedTask] {
        tasks.filter { task in
            switch context.cache.lookup(task.key, as: CellCacheEntry.self) {
            case .hit: return false
            case .missing: return true
            case .damaged(let reason):
                report("cache entry \(task.key.prefix(12)) is damaged (\(reason)); recomputing")
                return true
            }
        }
    }

    /// Executor work items for `tasks`.
    /// With `shared`, each task is re-checked and claimed first (runs sharing the cache split the work).
    public static func workItems(_ tasks: [PlannedTask], context: PipelineContext, shared: SharedRun? = nil) -> [WorkItem] {
        tasks.map { task in
            let spec = task.spec
            let label = "\(spec.kind.rawValue) n=\(spec.data.n) d=\(spec.data.d) sample=\(spec.data.sample) [\(task.key.prefix(12))]"
            let compute: @Sendable () throws -> Void = {
                // A task too large for this machine fails alone, before it allocates.
                if let problem = spec.memoryProblem() { throw TaskRefusal(description: problem) }
                let result = try CellEvaluator.evaluate(spec)
                try context.cache.store(CellCacheEntry(key: task.key, spec: spec, fingerprints: task.fingerprints,
                                                       result: result, written: Date().timeIntervalSince1970))
            }
            return WorkItem(key: task.key, label: label, cost: spec.costUnits) {
                if let shared { try shared.perform(task, context: context, compute: compute) } else { try compute() }
            }
        }
    }
}
