import CellEvaluation
import Foundation
import Planning
import TaskCache

/// Peak memory per running task of each computation kind, measured by runs
/// (`outputs/cache/memory.json`), for a cluster job's memory request.
///
/// A run records its process's peak resident size divided by the tasks it ran at once, for every
/// kind among its tasks (so a mixed run charges its peak to each kind: an overestimate, never an
/// underestimate), with the largest cost units of that kind it ran. A measurement only speaks for
/// tasks no larger than the ones measured; beyond that the documented default of the kind is used.
public struct MemoryModel: Codable, Sendable {
    /// One kind's measurement: the largest peak bytes per running task, and the largest task (cost units) measured.
    public struct Peak: Codable, Sendable, Equatable {
        public var bytesPerTask: Double
        public var largestCostUnits: Double
    }

    /// kind → measured peak.
    public var peaks: [String: Peak] = [:]

    public init() {}

    /// Conservative bytes per running task when nothing measured covers the tasks: 2 GiB for a convex
    /// program, 1 GiB for training or a condition check (the largest paper cells, n = 400, d = 100,
    /// stay well below; see README "On a cluster").
    public static func defaultBytesPerTask(_ kind: CellSpec.Kind) -> Double {
        switch kind {
        case .convex: return 2 * 1_073_741_824
        case .training, .condition: return 1_073_741_824
        }
    }

    static func url(_ context: PipelineContext) -> URL { context.cache.root.appendingPathComponent("memory.json") }

    public static func load(_ context: PipelineContext) -> MemoryModel {
        guard let data = FileManager.default.contents(atPath: url(context).path),
              let model = try? CanonicalJSON.decode(MemoryModel.self, from: data) else { return MemoryModel() }
        return model
    }

    /// This process's peak resident size in bytes so far.
    public static func processPeakBytes() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) * 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Double(usage.ru_maxrss)
        #endif
    }

    /// Records the peak of a run that executed `tasks` on `jobs` threads, and saves.
    public static func record(_ tasks: [PlannedTask], jobs: Int, context: PipelineContext) {
        guard !tasks.isEmpty else { return }
        let perTask = processPeakBytes() / Double(max(1, min(jobs, tasks.count)))
        var model = load(context)
        for task in tasks {
            let kind = task.spec.kind.rawValue
            var peak = model.peaks[kind] ?? Peak(bytesPerTask: 0, largestCostUnits: 0)
            peak.bytesPerTask = max(peak.bytesPerTask, perTask)
            peak.largestCostUnits = max(peak.largestCostUnits, task.spec.costUnits)
            model.peaks[kind] = peak
        }
        if let data = try? CanonicalJSON.encode(model) { try? AtomicFile.write(data, to: url(context)) }
    }

    /// Bytes one running task of `tasks` may need (the largest over their kinds), and whether it
    /// comes from measurements covering tasks as large as these (else a kind's default, or its
    /// measurement when larger).
    public func bytesPerTask(_ tasks: [PlannedTask]) -> (bytes: Double, measured: Bool) {
        var largest: [CellSpec.Kind: Double] = [:]
        for task in tasks { largest[task.spec.kind] = max(largest[task.spec.kind] ?? 0, task.spec.costUnits) }
        var bytes = 0.0
        var measured = true
        for (kind, cost) in largest {
            if let peak = peaks[kind.rawValue], peak.largestCostUnits >= cost {
                bytes = max(bytes, peak.bytesPerTask)
            } else {
                measured = false
                bytes = max(bytes, Self.defaultBytesPerTask(kind), peaks[kind.rawValue]?.bytesPerTask ?? 0)
            }
        }
        return (bytes, measured)
    }
}
