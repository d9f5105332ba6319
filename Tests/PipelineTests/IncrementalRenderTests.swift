import CellEvaluation
import Execution
import Foundation
import Manifest
import Pipeline
import Planning
import TaskCache
import Testing

/// A figure is skipped only when its inputs are unchanged *and* its output files are the ones the
/// last render wrote; skipping opens no cache entry, rendering verifies every entry it uses.
@Suite(.serialized) struct IncrementalRenderTests {
    let condition = try! manifest("condition", cell: conditionCell, metric: "holds",
                                  sweep: "sweep:\n  axes:\n    k: [1, 2]")

    func rendered() throws -> (Plan, PipelineContext) {
        let context = temporaryContext()
        let plan = try Plan(manifests: [condition])
        #expect(runAll(plan, context) == plan.tasks.count)
        #expect(try FigureWriter.write(plan.figures[0], context: context) == .written(missingSamples: 0))
        #expect(try FigureWriter.write(plan.figures[0], context: context) == .unchanged)
        return (plan, context)
    }

    @Test func aDeletedOrAlteredOutputFileIsRewritten() throws {
        let (plan, context) = try rendered()
        defer { try? FileManager.default.removeItem(at: context.outputs) }
        let folder = context.figureFolder("condition")
        for name in ["panel-1.csv", "figure.svg", "samples-2.csv", "panel-2.svg", "manifest.resolved.yaml"] {
            let url = folder.appendingPathComponent(name)
            let original = try Data(contentsOf: url)
            try FileManager.default.removeItem(at: url)
            #expect(!RunState(plan: plan, context: context).upToDate[0], "\(name) deleted")
            #expect(try FigureWriter.write(plan.figures[0], context: context) == .written(missingSamples: 0), "\(name) deleted")
            #expect(try Data(contentsOf: url) == original, "\(name) restored")
            try Data("garbage".utf8).write(to: url)
            #expect(try FigureWriter.write(plan.figures[0], context: context) == .written(missingSamples: 0), "\(name) altered")
            #expect(try Data(contentsOf: url) == original, "\(name) restored")
            #expect(try FigureWriter.write(plan.figures[0], context: context) == .unchanged)
        }
    }

    @Test func anUpToDateFigureOpensNoEntryAndAStaleOneVerifiesThem() throws {
        let (plan, context) = try rendered()
        defer { try? FileManager.default.removeItem(at: context.outputs) }
        // Damage every entry: an up-to-date figure does not read them, so nothing notices.
        let entries = context.cache.root.appendingPathComponent("entries")
        let files = FileManager.default.enumerator(atPath: entries.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".entry") }
        #expect(files.count == plan.tasks.count)
        for file in files { try Data("damaged".utf8).write(to: entries.appendingPathComponent(file)) }
        let state = RunState(plan: plan, context: context)
        #expect(state.upToDate == [true])
        #expect(state.pendingTasks.isEmpty)
        #expect(try state.renderStaleFigures(results: ResultTable()).unchanged == 1)
        // Once the figure must be rewritten, its entries are read and the damage is found.
        try FileManager.default.removeItem(at: context.figureFolder("condition").appendingPathComponent("panel-1.csv"))
        let stale = RunState(plan: plan, context: context)
        #expect(stale.pendingTasks.count == plan.tasks.count)
        var reports: [String] = []
        let results = ResultTable()
        let toRun = TaskRunner.tasksToRun(stale.pendingTasks, context: context, results: results) { reports.append($0) }
        #expect(toRun.count == plan.tasks.count)
        #expect(reports.count == plan.tasks.count && reports.allSatisfy { $0.contains("damaged") })
        let report = Executor(jobs: 2, progress: ProgressLine(quiet: true))
            .run(TaskRunner.workItems(toRun, context: context, results: results))
        #expect(report.completed == plan.tasks.count)
        #expect(results.count == plan.tasks.count)
        #expect(try stale.renderStaleFigures(results: results).rendered == 1)
        #expect(RunState(plan: plan, context: context).upToDate == [true])
    }

    @Test func resultsKeptByARunDrawTheSameFigureAsTheCache() throws {
        let (plan, context) = try rendered()
        defer { try? FileManager.default.removeItem(at: context.outputs) }
        let folder = context.figureFolder("condition")
        let fromCache = try ["samples-1.csv", "panel-2.csv", "figure.svg"].map { try Data(contentsOf: folder.appendingPathComponent($0)) }
        let results = ResultTable()
        #expect(TaskRunner.tasksToRun(plan.tasks.values, context: context, results: results).isEmpty)
        #expect(try FigureWriter.write(plan.figures[0], context: context, results: results, force: true) == .written(missingSamples: 0))
        let fromTable = try ["samples-1.csv", "panel-2.csv", "figure.svg"].map { try Data(contentsOf: folder.appendingPathComponent($0)) }
        #expect(fromTable == fromCache)
    }

    @Test func aTasksSpecIsItsPanelsCellSpecAndItsKeyFollowsIt() throws {
        let training = try manifest("training", cell: trainingCell, metric: "test_error",
                                    sweep: "sweep:\n  axes:\n    sigma: [0, 0.1]")
        let plan = try Plan(manifests: [training, condition])
        var seen = Set<String>()
        for (figure, source) in zip(plan.figures, [training, condition]) {
            for (panel, cellParameters) in zip(figure.panels, source.panels()) {
                for cell in panel.cells {
                    for (sample, digest) in cell.samples.enumerated() {
                        let task = try #require(plan.tasks[digest])
                        let spec = cellParameters.cell.cellSpec(n: cell.n, d: cell.d, sample: sample)
                        #expect(task.spec == spec)
                        #expect(plan.tasks[digest.hex]?.digest == digest)
                        seen.insert(digest.hex)
                    }
                }
            }
        }
        #expect(seen.count == plan.tasks.count)
        // Another plan of the same manifests, in another order, gives the same keys.
        let again = try Plan(manifests: [condition, training])
        #expect(Set(again.tasks.keys) == seen)
    }

    @Test func lossCurvesAreStoredOnlyWhenAsked() throws {
        let context = temporaryContext()
        defer { try? FileManager.default.removeItem(at: context.outputs) }
        let training = try manifest("training", cell: trainingCell, metric: "test_error", n: "[10]", samples: 1)
        let plan = try Plan(manifests: [training])
        let task = try #require(plan.tasks.values.first)
        for keep in [false, true] {
            _ = Executor(jobs: 1, progress: ProgressLine(quiet: true))
                .run(TaskRunner.workItems([task], context: context, keepLossCurves: keep))
            guard case .hit(let entry) = context.cache.lookup(task.key, as: CellCacheEntry.self) else {
                Issue.record("no entry")
                return
            }
            #expect((entry.result.lossCurve?.count ?? 0) == (keep ? 5 : 0))
            #expect((entry.result.testLossCurve?.count ?? 0) == (keep ? 5 : 0))
            #expect(entry.result.metrics["test_error"] != nil)
        }
    }
}
