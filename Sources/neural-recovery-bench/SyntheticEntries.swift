import CellEvaluation
import Foundation
import Pipeline
import Planning

/// Cache entries with made-up numbers for the pipeline benchmark: the real entry format, keys and
/// sizes (the metrics a task of that kind records; loss curves of the right length when asked),
/// status `synthetic` and a note saying so. They are only ever written to a temporary folder.
enum SyntheticEntries {
    static let status = "synthetic"

    /// A made-up result for `task`, deterministic in its key.
    static func result(for task: PlannedTask, lossCurves: Bool) -> CellResult {
        let spec = task.spec
        if spec.isBlankByDefinition {
            return CellResult(status: CellResult.notComputedStatus, note: "normalized cells with n < d are not computed (docs/science.md §2)")
        }
        var state = task.digest.w1 | 1
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var metrics: [String: Double] = ["seconds": 0.01 + next()]
        var curves: ([Double], [Double])?
        switch spec.kind {
        case .convex:
            metrics["recovery"] = next() < 0.5 ? 1 : 0
            metrics["weight_distance"] = next()
            metrics["test_distance"] = next()
            metrics["other_norm"] = next()
            metrics["objective"] = 1 + next()
            metrics["iterations"] = Double(8 + Int(next() * 20))
        case .training:
            metrics["test_error"] = next()
            metrics["weight_distance"] = next()
            metrics["cosine"] = next()
            metrics["other_norm"] = next()
            metrics["objective"] = next()
            metrics["iterations"] = Double(spec.training?.epochs ?? 400)
            if lossCurves {
                let epochs = spec.training?.epochs ?? 400
                curves = ((0..<epochs).map { _ in next() }, (0..<epochs).map { _ in next() })
            }
        case .condition:
            metrics["holds"] = next() < 0.5 ? 1 : 0
            metrics["largest_lhs"] = 2 * next()
        }
        return CellResult(status: status, metrics: metrics, lossCurve: curves?.0, testLossCurve: curves?.1,
                          note: "synthetic entry written by neural-recovery-bench pipeline: not a result")
    }

    /// Writes a synthetic entry for each of `tasks` (without fsync; the caller syncs once).
    static func write(_ tasks: [PlannedTask], context: PipelineContext, lossCurves: Bool) throws {
        for task in tasks {
            try TaskRunner.store(result(for: task, lossCurves: lossCurves), of: task, context: context,
                                 keepLossCurves: lossCurves, durable: false)
        }
        sync()
    }
}
