import ArgumentParser
import Execution
import Foundation
import LinearAlgebra
import Pipeline
import Planning

/// `neural-recovery plan`: what a run would do.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what `run` would do: manifests, panels, tasks, shared cells, cached, to run, estimated time.",
        discussion: """
        A task is one cell sample, identified by what it computes (never by the figure asking), so figures that share cells (7, 19, 20, 21) share tasks. "unique" counts each task once. The time estimate uses the CPU times recorded by earlier runs and estimates (durations.json in the cache folder).

        With --estimate, a small deterministic sample of the missing tasks is computed first (per manifest and task kind, --per-stratum tasks chosen with probability proportional to their cost, so weighted towards the expensive end of the grid; their results are stored in the cache like any run's), and the extrapolated CPU time and the wall time for --jobs are printed per task kind, per manifest and for the whole, each with a range of ± 2 standard errors. A kind whose range is still wider than --precision (± 30 % by default) — its costs vary more than the cost model's n, d shape says, as where the working set makes some cells slow — gets more samples in follow-up rounds, as many as its spread says it needs (at most doubling them per round), within --sample-seconds of wall time. Repeating it samples further tasks and narrows the ranges.

        Examples:
          neural-recovery plan
          neural-recovery plan --estimate --jobs 2
          neural-recovery plan experiments/fig07.yaml --scale smoke --print-config
          neural-recovery plan experiments/fig10.yaml --dot > fig10.dot
        """
    )

    @OptionGroup var options: PipelineOptions
    @Flag(help: "Print each resolved manifest and its cell list.")
    var printConfig = false
    @Flag(help: "Print the task graph (manifest → panel → task) in Graphviz dot format instead.")
    var dot = false
    @Flag(help: "Compute a small stratified sample of the missing tasks first (kept in the cache), then print the time estimate per task kind and per manifest.")
    var estimate = false
    @Option(help: "With --estimate: tasks sampled per (manifest, task kind).")
    var perStratum: Int = 2
    @Option(help: "With --estimate: the range (± 2 standard errors, relative) each task kind's rate should reach; kinds still wider get more samples in follow-up rounds.")
    var precision: Double = 0.3
    @Option(help: "With --estimate: wall seconds the follow-up rounds may take in all (their tasks are kept in the cache, so none is wasted).")
    var sampleSeconds: Double = 120
    /// At most this many follow-up rounds (each at most doubles a kind's observations).
    static let followUpRounds = 6
    @Option(help: "Parallel tasks: for the sample, and the job count the wall time is given for (default: one per core).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        guard jobs >= 1 else { throw failWithInputError("--jobs must be at least 1") }
        guard perStratum >= 1 else { throw failWithInputError("--per-stratum must be at least 1") }
        guard precision > 0.2 else { throw failWithInputError("--precision must be above 0.2 (a rate is never known better than ± 20 %: CPU time on a shared machine varies by 10 %)") }
        guard sampleSeconds >= 0 else { throw failWithInputError("--sample-seconds must be at least 0") }
        let (plan, context) = try options.plan()
        if dot { print(Self.dot(plan)); return }
        let state = RunState(plan: plan, context: context)
        var missing = state.missingTasks
        let panels = plan.figures.reduce(0) { $0 + $1.panels.count }
        var model = DurationModel.load(context)
        var sampled = 0
        if estimate {
            let started = Date()
            let sample = EstimateSample.select(plan: plan, missing: missing, perStratum: perStratum)
            if jobs > 1 { BLASThreads.set(1) }
            FileHandle.standardError.write(Data("estimate: computing a sample of \(sample.count) of \(missing.count) missing tasks\n".utf8))
            let (report, updated) = TaskTiming.execute(sample, context: context, jobs: jobs, progress: ProgressLine())
            if report.interrupted { throw ExitCode(130) }
            for f in report.failures { FileHandle.standardError.write(Data("failed: \(f.label): \(f.error)\n".utf8)) }
            model = updated
            sampled = report.completed - report.failures.count
            missing = state.missingTasks
            // Follow-up rounds: kinds whose rate is still uncertain (heavy-tailed costs) get more samples,
            // within the time allowed for sampling.
            for _ in 1...Self.followUpRounds {
                let left = sampleSeconds - Date().timeIntervalSince(started)
                guard left > 0 else { break }
                let more = EstimateSample.followUp(missing: missing, model: model, target: precision / 2,
                                                   budget: left * Double(jobs))
                if more.isEmpty { break }
                let kinds = Set(more.map(\.spec.timingKind)).sorted()
                FileHandle.standardError.write(Data("estimate: \(more.count) more for \(kinds.joined(separator: ", ")) (range still wider than ± \(Int((precision * 100).rounded())) %)\n".utf8))
                let (report, updated) = TaskTiming.execute(more, context: context, jobs: jobs, progress: ProgressLine())
                if report.interrupted { throw ExitCode(130) }
                for f in report.failures { FileHandle.standardError.write(Data("failed: \(f.label): \(f.error)\n".utf8)) }
                model = updated
                sampled += report.completed - report.failures.count
                missing = state.missingTasks
            }
        }
        print("manifests: \(plan.figures.count) (\(state.upToDate.filter { $0 }.count) with figures up to date)")
        print("panels:    \(panels)")
        print("tasks:     \(plan.references) (cell samples over all panels)")
        print("unique:    \(plan.tasks.count) (\(plan.references - plan.tasks.count) shared)")
        print("cached:    \(plan.tasks.count - missing.count)")
        print("to run:    \(missing.count)" + (estimate ? " (after the \(sampled) sampled just now)" : ""))
        if missing.isEmpty {
            print("estimate:  nothing to compute")
        } else if estimate {
            for line in EstimateReport.lines(plan: plan, tasks: missing, model: model, jobs: jobs) { print(line) }
        } else {
            let e = model.estimate(missing)
            print("estimate:  " + (e.cpuSeconds > 0 ? EstimateReport.summary(e, jobs: jobs) : "unknown")
                  + (e.complete ? "" : " (no measured durations for \(e.unknownKinds.joined(separator: ", ")); `plan --estimate` measures a sample)"))
        }
        if printConfig {
            for figure in plan.figures {
                print("\n# \(figure.manifest.name)")
                print(figure.manifest.resolvedYAML(), terminator: "")
                for panel in figure.panels {
                    print("# panel \(panel.index + 1) \(panel.label): \(panel.cells.count) cells × \(figure.manifest.grid.samples) samples")
                    if let first = panel.cells.first?.sampleKeys.first, let task = plan.tasks[first] {
                        print("#   first cell: \(String(decoding: (try? JSONEncoder().encode(task.spec)) ?? Data(), as: UTF8.self))")
                    }
                }
            }
        }
    }

    static func dot(_ plan: Plan) -> String {
        var lines = ["digraph plan {", "  rankdir=LR;", "  node [shape=box, fontsize=10];"]
        for figure in plan.figures {
            let f = "\"\(figure.manifest.name)\""
            lines.append("  \(f) [shape=folder];")
            for panel in figure.panels {
                let p = "\"\(figure.manifest.name)/panel \(panel.index + 1)\""
                lines.append("  \(p) [label=\"panel \(panel.index + 1)\\n\(panel.label)\"];")
                lines.append("  \(p) -> \(f);")
                for cell in panel.cells {
                    for key in cell.sampleKeys { lines.append("  \"\(key.prefix(12))\" -> \(p);") }
                }
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }
}
