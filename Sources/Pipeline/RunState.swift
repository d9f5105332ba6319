import Foundation
import Planning
import TaskCache

/// What a run has to do, decided without opening a cache entry: figures whose render stamp still
/// matches (same task keys, same renderer, every output file in place with its digest) are skipped
/// whole; only the tasks of the other figures are looked at.
public struct RunState: Sendable {
    public let plan: Plan
    public let context: PipelineContext
    /// Per figure of the plan, in order: whether its outputs are up to date.
    public let upToDate: [Bool]

    public init(plan: Plan, context: PipelineContext) {
        self.plan = plan
        self.context = context
        upToDate = plan.figures.map { FigureWriter.isUpToDate($0, context: context) }
    }

    /// The figures to render.
    public var staleFigures: [PlannedFigure] { zip(plan.figures, upToDate).filter { !$0.1 }.map(\.0) }

    /// The unique tasks of the figures to render, in key order (the tasks a run verifies or computes).
    public var pendingTasks: [PlannedTask] {
        let stale = staleFigures
        var seen = Set<TaskDigest>(minimumCapacity: min(plan.tasks.count, stale.count * 20_000))
        var tasks: [PlannedTask] = []
        for figure in stale {
            for panel in figure.panels {
                for cell in panel.cells {
                    for digest in cell.samples where seen.insert(digest).inserted {
                        if let task = plan.tasks[digest] { tasks.append(task) }
                    }
                }
            }
        }
        return tasks.sorted { $0.digest < $1.digest }
    }

    /// Pending tasks without an entry file (not verified: a run verifies the others when it reads them).
    public var missingTasks: [PlannedTask] { pendingTasks.filter { !context.cache.contains($0.digest) } }

    /// What writing the figures did.
    public struct RenderSummary: Sendable {
        public var rendered = 0
        public var unchanged = 0
        /// "name (N samples missing)" of figures written with blank cells.
        public var incomplete: [String] = []
    }

    /// Writes every figure that is not up to date from `results` (what the run verified or computed).
    public func renderStaleFigures(results: ResultTable) throws -> RenderSummary {
        var summary = RenderSummary(unchanged: upToDate.filter { $0 }.count)
        for figure in staleFigures {
            switch try FigureWriter.write(figure, context: context, results: results) {
            case .unchanged: summary.unchanged += 1
            case .written(let missing):
                summary.rendered += 1
                if missing > 0 { summary.incomplete.append("\(figure.manifest.name) (\(missing) samples missing)") }
            }
        }
        return summary
    }
}
