import Foundation
import Planning

/// How the shards of one job array ended: per shard, its tasks still missing from the cache and
/// the exit code it wrote (none when it was cancelled, hit its time limit or lost its node).
public struct ShardStatus: Sendable, Equatable {
    /// 1-based shard index.
    public var index: Int
    /// Tasks the shard was given.
    public var assigned: Int
    /// Of those, tasks without a verified cache entry now.
    public var missing: Int
    /// Of the missing, entries present but damaged.
    public var damaged: Int
    /// The shard's exit code, nil when it wrote none.
    public var exitCode: Int?

    /// Every task is cached.
    public var complete: Bool { missing == 0 }

    /// One line for people, e.g. `shard 3/4: 12 tasks, 5 missing; no exit code (cancelled, time limit or node failure)`.
    public func line(of count: Int) -> String {
        var text = "shard \(index)/\(count): \(assigned) task\(assigned == 1 ? "" : "s"), "
        text += missing == 0 ? "all cached" : "\(missing) missing"
        if damaged > 0 { text += " (\(damaged) damaged)" }
        switch exitCode {
        case .some(0): text += "; exit 0"
        case .some(let code): text += "; exit \(code)" + (code == 1 ? " (some tasks failed: see its log)" : "")
        case .none: text += "; no exit code (cancelled, time limit or node failure)"
        }
        return text
    }

    /// The status of every shard of `list` (tasks of `plan`), with exit codes from `markerFolder`.
    public static func all(list: ShardTaskList, listPath: String, plan: Plan, context: PipelineContext,
                           markerFolder: String) throws -> [ShardStatus] {
        try ShardSelection.tasksByShard(of: list, plan: plan, path: listPath).enumerated().map { offset, tasks in
            let index = offset + 1
            var damaged = 0
            let missing = TaskRunner.tasksToRun(tasks, context: context) { _ in damaged += 1 }
            let marker = FileManager.default.contents(atPath: "\(markerFolder)/\(index).exit")
                .flatMap { Int(String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) }
            return ShardStatus(index: index, assigned: tasks.count, missing: missing.count, damaged: damaged, exitCode: marker)
        }
    }
}
