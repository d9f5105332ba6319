import ArgumentParser
import Execution
import Foundation
import LinearAlgebra
import Pipeline
import Planning

/// `neural-recovery run`: compute the missing cells, then render.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Compute the missing cell samples in parallel, then write each figure's SVG and CSV.",
        discussion: """
        Figures whose inputs (task keys, renderer code, resolved manifest) are unchanged and whose output files are all in place are skipped without opening their cache entries. Of the other figures' tasks, only those without a verified cache entry run; a damaged entry is reported and recomputed. Before a run expected to take more than three minutes, the expected wall and CPU time are printed (the model of `plan --estimate`; the progress line's ETA uses it too). Runs sharing an outputs folder split the work: each task is claimed by a lease file (cache/leases/) and checked again right before it starts, so a task another run finished or is computing is not computed twice. Each entry is read once, and loss curves are not stored unless --keep-loss-curves is given. Each task's result is stored as soon as it finishes (atomically), so Ctrl-C or a crash loses only the running tasks. A failing task is reported and the run continues; the exit code is 1 when any failed. With --shard i/N only a deterministic 1/N of the missing tasks runs, balanced in expected cost (for job arrays sharing one cache; see `slurm`); a later run without --shard finds them cached and renders. With --shard-tasks the shards split the task list `slurm` wrote instead of the tasks missing now, so array elements that start at different times agree.

        Examples:
          neural-recovery run                                   # every experiments/*.yaml
          neural-recovery run experiments/fig07.yaml --scale smoke
          neural-recovery run --set grid.samples=2 --jobs 8
          neural-recovery run --shard 3/10
        """
    )

    @OptionGroup var options: PipelineOptions
    @Option(help: "Parallel tasks (default: one per core). BLAS runs single-threaded inside each when > 1.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: ArgumentHelp("Run only shard i of N (1-based), e.g. 3/10; no rendering.", valueName: "i/N"))
    var shard: String?
    @Option(help: ArgumentHelp("With --shard: split the tasks listed in this file (written by `slurm`) instead of the tasks missing now.", valueName: "tasks.tsv"))
    var shardTasks: String?
    @Flag(help: "No progress output.")
    var quiet = false
    @Flag(help: "Store each training task's loss curves in its cache entry (no figure uses them; with 400 epochs they make an entry ~15× larger).")
    var keepLossCurves = false

    /// Runs expected to take longer than this (wall seconds) say so before they start.
    static let announceAbove = 180.0

    func run() throws {
        var shardSpec: (index: Int, count: Int)?
        if let shard {
            let parts = shard.split(separator: "/").compactMap { Int($0) }
            guard parts.count == 2, parts[1] >= 1, (1...parts[1]).contains(parts[0]) else {
                throw failWithInputError("--shard \(shard): expected i/N with 1 ≤ i ≤ N")
            }
            shardSpec = (parts[0], parts[1])
        }
        guard jobs >= 1 else { throw failWithInputError("--jobs must be at least 1") }
        if shardTasks != nil && shardSpec == nil { throw failWithInputError("--shard-tasks needs --shard i/N") }
        let (plan, context) = try options.plan()
        let progress = ProgressLine(quiet: quiet)
        let state = RunState(plan: plan, context: context)
        let results = ResultTable()
        let toRun: [PlannedTask]
        do {
            toRun = try ShardSelection.tasksToRun(state.pendingTasks, plan: plan, context: context, shard: shardSpec,
                                                  listPath: shardTasks, results: results) { message in
                FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
            }
        } catch let error as ShardTaskListError { throw failWithInputError(error.description) }
        if let problem = OutputsCheck.problem(context, cache: !toRun.isEmpty, figures: shardSpec == nil) { throw failWithInputError(problem) }
        if jobs > 1 { BLASThreads.set(1) }
        let expected = DurationModel.load(context).estimate(toRun)
        if !quiet, expected.wallSeconds(jobs: jobs).expected > Self.announceAbove || !expected.complete && toRun.count > 100 {
            FileHandle.standardError.write(Data("expected: \(EstimateReport.summary(expected, jobs: jobs))\n".utf8))
        }
        let shared = SharedRun(context: context)
        let report = TaskTiming.execute(toRun, context: context, jobs: jobs, progress: progress, keepLossCurves: keepLossCurves,
                                        results: results, shared: shared).report
        MemoryModel.record(toRun, jobs: jobs, context: context)
        var summary = "executed \(shared.executed) task\(shared.executed == 1 ? "" : "s")"
        if shared.finishedElsewhere > 0 { summary += " (\(shared.finishedElsewhere) more finished by another run)" }
        if !report.failures.isEmpty { summary += ", \(report.failures.count) failed" }
        summary += String(format: " in %.1f s", report.seconds)
        if report.interrupted {
            print(summary + "; interrupted — finished tasks are kept, rerun to continue")
            throw ExitCode(130)
        }
        if shardSpec == nil {
            let render = try state.renderStaleFigures(results: results)
            if render.rendered > 0 || !FileManager.default.fileExists(atPath: context.outputs.appendingPathComponent(GalleryWriter.fileName).path) {
                try GalleryWriter.write(context: context)
            }
            summary += "; rendered \(render.rendered) figure\(render.rendered == 1 ? "" : "s"), \(render.unchanged) unchanged"
            if !render.incomplete.isEmpty { summary += "; incomplete: " + render.incomplete.joined(separator: ", ") }
        }
        print(summary)
        if !report.failures.isEmpty {
            for f in report.failures { FileHandle.standardError.write(Data("failed: \(f.label): \(f.error)\n".utf8)) }
            throw ExitCode(1)
        }
    }
}
