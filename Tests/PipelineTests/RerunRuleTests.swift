import CellEvaluation
import CodeFingerprint
import Execution
import Foundation
import Manifest
import Pipeline
import Planning
import TaskCache
import Testing

/// A small manifest with convex, training and condition panels would need three manifests; these
/// helpers build each kind at a tiny grid.
func manifest(_ name: String, cell: String, metric: String, n: String = "[10, 20]", d: String = "[5]",
              samples: Int = 2, sweep: String = "") throws -> ExperimentManifest {
    try ExperimentManifest.parse(yaml: """
        title: "\(name)"
        metric: \(metric)
        cell:
        \(cell)
        \(sweep)
        grid:
          n: \(n)
          d: \(d)
          samples: \(samples)
        """, name: name)
}

let convexCell = "  learned: skip\n  formulation: relaxed\n  planted: linear"
let trainingCell = "  learned: skip\n  formulation: gd\n  planted: linear\n  training: {epochs: 5}"
let conditionCell = "  condition: nnic-k\n  planted: plain\n  k: 2"

func changed(_ prints: CodeFingerprints, _ unit: String) -> CodeFingerprints {
    var copy = prints
    copy.units[unit] = String((copy.units[unit] ?? "0").reversed()) + "-changed"
    return copy
}

func temporaryContext(_ prints: CodeFingerprints = .current) -> PipelineContext {
    PipelineContext(outputs: FileManager.default.temporaryDirectory.appendingPathComponent("nr-pipe-\(UUID().uuidString)"),
                    fingerprints: prints)
}

func runAll(_ plan: Plan, _ context: PipelineContext) -> Int {
    let todo = TaskRunner.tasksToRun(Array(plan.tasks.values), context: context)
    let report = Executor(jobs: 2, progress: ProgressLine(quiet: true)).run(TaskRunner.workItems(todo, context: context))
    return report.completed
}

@Suite(.serialized) struct RerunRuleTests {
    let manifests: [ExperimentManifest]
    init() throws {
        manifests = [
            try manifest("convex", cell: convexCell, metric: "recovery"),
            try manifest("training", cell: trainingCell, metric: "test_error"),
            try manifest("condition", cell: conditionCell, metric: "holds"),
        ]
    }

    func keys(_ plan: Plan, kind: CellSpec.Kind) -> Set<String> {
        Set(plan.tasks.values.filter { $0.spec.kind == kind }.map(\.key))
    }

    @Test func theFingerprintsComeFromTheSources() {
        // Built by the plugin: every library module has a unit, and the cell kinds pick distinct sets.
        for unit in ["CellData", "ConvexSolver", "Training", "IsometryConditions", "Render", "LinearAlgebra"] {
            #expect(CodeFingerprints.current.units[unit] != nil, "no fingerprint for \(unit)")
        }
        #expect(CodeFingerprints.current.units["CellEvaluation/Convex"] != nil)
    }

    @Test func solverChangeRerunsOnlyConvexCells() throws {
        let before = try Plan(manifests: manifests)
        let after = try Plan(manifests: manifests, fingerprints: changed(.current, "ConvexSolver"))
        #expect(keys(before, kind: .convex).isDisjoint(with: keys(after, kind: .convex)))
        #expect(keys(before, kind: .training) == keys(after, kind: .training))
        #expect(keys(before, kind: .condition) == keys(after, kind: .condition))
    }

    @Test func trainingChangeRerunsOnlyTrainingCells() throws {
        let before = try Plan(manifests: manifests)
        let after = try Plan(manifests: manifests, fingerprints: changed(.current, "Training"))
        #expect(keys(before, kind: .training).isDisjoint(with: keys(after, kind: .training)))
        #expect(keys(before, kind: .convex) == keys(after, kind: .convex))
        #expect(keys(before, kind: .condition) == keys(after, kind: .condition))
    }

    @Test func dataChangeRerunsEverything() throws {
        let before = try Plan(manifests: manifests)
        let after = try Plan(manifests: manifests, fingerprints: changed(.current, "CellData"))
        #expect(Set(before.tasks.keys).isDisjoint(with: Set(after.tasks.keys)))
    }

    @Test func rendererChangeRerendersWithoutRecomputing() throws {
        let context = temporaryContext()
        defer { try? FileManager.default.removeItem(at: context.outputs) }
        let plan = try Plan(manifests: [manifests[2]])
        #expect(runAll(plan, context) == plan.tasks.count)
        #expect(try FigureWriter.write(plan.figures[0], context: context) == .written(missingSamples: 0))
        #expect(try FigureWriter.write(plan.figures[0], context: context) == .unchanged)
        let renderChanged = temporaryContextSharing(context, changed(.current, "Render"))
        let replanned = try Plan(manifests: [manifests[2]], fingerprints: renderChanged.fingerprints)
        #expect(Set(replanned.tasks.keys) == Set(plan.tasks.keys))
        #expect(runAll(replanned, renderChanged) == 0)
        #expect(try FigureWriter.write(replanned.figures[0], context: renderChanged) == .written(missingSamples: 0))
        // The rest of the pipeline (estimates, scheduling, Slurm scripts) writes no figure: a change there
        // leaves the rendered figures current; a change of the figure writers (Pipeline/Figures) does not.
        #expect(FigureWriter.codeUnits.contains("Pipeline/Figures") && !FigureWriter.codeUnits.contains("Pipeline"))
        let gluePrints = changed(renderChanged.fingerprints, "Pipeline")
        #expect(gluePrints.units["Pipeline"] != renderChanged.fingerprints.units["Pipeline"])
        let glueChanged = temporaryContextSharing(context, gluePrints)
        #expect(try FigureWriter.write(replanned.figures[0], context: glueChanged) == .unchanged)
        let writerChanged = temporaryContextSharing(context, changed(renderChanged.fingerprints, "Pipeline/Figures"))
        #expect(try FigureWriter.write(replanned.figures[0], context: writerChanged) == .written(missingSamples: 0))
    }

    @Test func parameterChangeRerunsOnlyTheChangedCells() throws {
        let base = try manifest("convex", cell: convexCell, metric: "recovery", sweep: "sweep:\n  axes:\n    sigma: [0, 0.1]")
        let edited = try manifest("convex", cell: convexCell, metric: "recovery", sweep: "sweep:\n  axes:\n    sigma: [0, 0.2]")
        let a = try Plan(manifests: [base]), b = try Plan(manifests: [edited])
        let shared = Set(a.tasks.keys).intersection(b.tasks.keys)
        #expect(shared.count == a.tasks.count / 2)  // the σ = 0 panel is unchanged
        #expect(shared.allSatisfy { a.tasks[$0]!.spec.data.sigma == 0 })
    }

    @Test func wideningTheGridRunsOnlyTheNewCells() throws {
        let context = temporaryContext()
        defer { try? FileManager.default.removeItem(at: context.outputs) }
        let small = try Plan(manifests: [try manifest("condition", cell: conditionCell, metric: "holds")])
        #expect(runAll(small, context) == small.tasks.count)
        let wide = try Plan(manifests: [try manifest("condition", cell: conditionCell, metric: "holds", n: "[10, 20, 30]")])
        #expect(Set(small.tasks.keys).isSubset(of: Set(wide.tasks.keys)))
        #expect(runAll(wide, context) == wide.tasks.count - small.tasks.count)
        #expect(runAll(wide, context) == 0)
    }

    @Test func explainNamesTheChangedCode() throws {
        let context = temporaryContext()
        defer { try? FileManager.default.removeItem(at: context.outputs) }
        let plan = try Plan(manifests: [manifests[0]])
        let task = try #require(plan.tasks.values.first)
        #expect(Explainer.reason(task, context: context) == .neverComputed)
        #expect(runAll(plan, context) == plan.tasks.count)
        #expect(Explainer.reason(task, context: context) == .cached)
        let solverChanged = changed(.current, "ConvexSolver")
        let replanned = try Plan(manifests: [manifests[0]], fingerprints: solverChanged)
        let moved = try #require(replanned.tasks.values.first { $0.spec == task.spec })
        #expect(Explainer.reason(moved, context: temporaryContextSharing(context, solverChanged)) == .codeChanged(["ConvexSolver"]))
    }

    @Test func figuresSharingCellsShareTasks() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let figures = try ["fig07", "fig19", "fig20", "fig21"].map {
            try ExperimentManifest.load(contentsOf: root.appendingPathComponent("experiments/\($0).yaml"), scale: .smoke)
        }
        let alone = try Plan(manifests: [figures[0]])
        let together = try Plan(manifests: figures)
        #expect(together.tasks.count == alone.tasks.count)
        #expect(together.references == 4 * alone.references)
        #expect(Set(together.tasks.keys) == Set(alone.tasks.keys))
    }

    @Test func shardsPartitionTheTasks() throws {
        let plan = try Plan(manifests: manifests)
        let tasks = Array(plan.tasks.values)
        let shards = (1...3).map { Plan.shard(tasks, index: $0, count: 3) }
        #expect(shards.reduce(0) { $0 + $1.count } == tasks.count)
        #expect(Set(shards.flatMap { $0.map(\.key) }) == Set(plan.tasks.keys))
        #expect(Plan.shard(tasks.reversed(), index: 2, count: 3).map(\.key) == shards[1].map(\.key))
    }
}

func temporaryContextSharing(_ context: PipelineContext, _ prints: CodeFingerprints) -> PipelineContext {
    PipelineContext(outputs: context.outputs, fingerprints: prints)
}
