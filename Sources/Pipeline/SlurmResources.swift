import Foundation
import Planning

/// The resources a job array needs for the missing tasks: how they split into shards, each
/// shard's expected wall time on its cores, and the time and memory to request.
public struct SlurmResources: Sendable {
    /// The missing tasks with their expected single-core seconds, split into shards.
    public let list: ShardTaskList
    /// Expected single-core seconds of all the missing tasks.
    public let totalSeconds: Double
    /// Whether every kind had recorded durations (else there is no time estimate).
    public let estimated: Bool
    /// Each shard's expected wall seconds on `cpusPerTask` cores (index 0 is shard 1).
    public let shardWallSeconds: [Double]
    /// The time limit to request: the longest shard × the safety factor + `startupSeconds`; nil without an estimate.
    public let timeLimitSeconds: Double?
    /// Bytes to request per shard, and whether measured peaks cover these tasks (else kind defaults).
    public let memoryBytes: Double
    public let memoryMeasured: Bool

    /// Planning the tasks and verifying the cache, before the first task starts.
    public static let startupSeconds = 300.0
    /// Measured peaks are scaled by this before they become a request.
    public static let memoryMargin = 1.5

    /// Splits `missing` into at most `shards` shards (never more than there are tasks).
    public init(missing: [PlannedTask], shards: Int, cpusPerTask: Int, timeFactor: Double, context: PipelineContext) {
        let estimate = WorkEstimate.expectedSeconds(missing, context: context)
        let count = max(1, min(shards, missing.count))
        let items = zip(missing, estimate.seconds).map { (key: $0.key, cost: $1) }
        list = ShardTaskList(shards: count, tasks: items)
        totalSeconds = estimate.seconds.reduce(0, +)
        estimated = estimate.complete
        let shardOf = ShardAssignment.assign(items, count: count)
        var sums = [Double](repeating: 0, count: count), largest = sums
        for item in items {
            let i = shardOf[item.key]! - 1
            sums[i] += item.cost
            largest[i] = max(largest[i], item.cost)
        }
        // List scheduling on c cores ends by sum/c + (1 − 1/c)·largest (Graham's bound).
        let c = Double(max(1, cpusPerTask))
        shardWallSeconds = zip(sums, largest).map { $0 / c + (1 - 1 / c) * $1 }
        timeLimitSeconds = estimated ? (shardWallSeconds.max() ?? 0) * timeFactor + Self.startupSeconds : nil
        let perTask = MemoryModel.load(context).bytesPerTask(missing)
        memoryMeasured = perTask.measured
        memoryBytes = perTask.bytes * (perTask.measured ? Self.memoryMargin : 1) * c
    }

    /// Bytes in Slurm's notation, rounded up to 256 MiB: `1536M`, `4G`.
    public static func memoryText(bytes: Double) -> String {
        let mib = max(256, Int((bytes / 1_048_576 / 256).rounded(.up)) * 256)
        return mib % 1024 == 0 ? "\(mib / 1024)G" : "\(mib)M"
    }
}
