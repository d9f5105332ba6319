import Foundation
import Planning

/// Which tasks one shard of a job array computes.
public enum ShardSelection {
    /// The tasks to run among `candidates` (the tasks of the figures to render): all missing ones
    /// without `shard`; with `shard` (i, N) the share i of the missing ones (`Plan.shard`), or, with a
    /// task list file, share i of that list, less what is cached by now. Damaged entries count as
    /// missing and are reported (for this shard's tasks only). Verified results go to `results`.
    public static func tasksToRun(_ candidates: [PlannedTask], plan: Plan, context: PipelineContext,
                                  shard: (index: Int, count: Int)?, listPath: String?, results: ResultTable? = nil,
                                  report: (String) -> Void = { _ in }) throws -> [PlannedTask] {
        guard let shard else { return TaskRunner.tasksToRun(candidates, context: context, results: results, report: report) }
        guard let listPath else {
            let missing = TaskRunner.tasksToRun(candidates, context: context)
            // Verified again for this shard alone, so only its own damaged entries are reported.
            return TaskRunner.tasksToRun(Plan.shard(missing, index: shard.index, count: shard.count), context: context, report: report)
        }
        let list = try loadList(listPath)
        guard list.shards == shard.count else {
            throw ShardTaskListError(message: "\(listPath): written for \(list.shards) shards, not \(shard.count) (--shard \(shard.index)/\(shard.count))")
        }
        return TaskRunner.tasksToRun(try tasks(of: list, shard: shard.index, plan: plan, path: listPath),
                                     context: context, report: report)
    }

    /// `tasksToRun` over every task of `plan`.
    public static func tasksToRun(_ plan: Plan, context: PipelineContext, shard: (index: Int, count: Int)?,
                                  listPath: String?, report: (String) -> Void = { _ in }) throws -> [PlannedTask] {
        try tasksToRun(plan.tasks.values.sorted { $0.digest < $1.digest }, plan: plan, context: context, shard: shard,
                       listPath: listPath, report: report)
    }

    /// Reads a task list file.
    public static func loadList(_ path: String) throws -> ShardTaskList {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ShardTaskListError(message: "\(path): cannot read the shard task list")
        }
        return try ShardTaskList.parse(String(decoding: data, as: UTF8.self), path: path)
    }

    /// The planned tasks of shard `index` of `list`; every listed key must be in the plan.
    public static func tasks(of list: ShardTaskList, shard index: Int, plan: Plan, path: String) throws -> [PlannedTask] {
        try tasksByShard(of: list, plan: plan, path: path)[index - 1]
    }

    /// The planned tasks of every shard of `list` (index 0 is shard 1).
    public static func tasksByShard(of list: ShardTaskList, plan: Plan, path: String) throws -> [[PlannedTask]] {
        let unknown = list.tasks.filter { plan.tasks[$0.key] == nil }.count
        guard unknown == 0 else {
            throw ShardTaskListError(message: "\(path): \(unknown) of its \(list.tasks.count) tasks are not in this plan "
                                     + "(the manifests, overrides, scale or code changed since it was written); write a new one with `neural-recovery slurm`")
        }
        return list.keysByShard().map { $0.map { plan.tasks[$0]! } }
    }
}
