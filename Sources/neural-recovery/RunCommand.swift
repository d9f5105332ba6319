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
        Before a run expected to take more than three minutes, the expected wall and CPU time are printed (the model of `plan --estimate`; the progress line's ETA uses it too). Only tasks without a verified cache entry run; a damaged entry is reported and recomputed. Each task's result is stored as soon as it finishes (atomically), so Ctrl-C or a crash loses only the running tasks. A failing task is reported and the run continues; the exit code is 1 when any failed. With --shard i/N only a deterministic 1/N of the tasks runs (for job arrays sharing one cache); a later run without --shard finds them cached and renders.

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
    @Flag(help: "No progress output.")
    var quiet = false

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
        let (plan, context) = try options.plan()
        let progress = ProgressLine(quiet: quiet)
        var tasks = plan.tasks.values.sorted { $0.key < $1.key }
        if let s = shardSpec { tasks = Plan.shard(tasks, index: s.index, count: s.count) }
        let toRun = TaskRunner.tasksToRun(tasks, context: context) { message in
            FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
        }
        if jobs > 1 { BLASThreads.set(1) }
        let expected = DurationModel.load(context).estimate(toRun)
        if !quiet, expected.wallSeconds(jobs: jobs).expected > Self.announceAbove || !expected.complete && toRun.count > 100 {
            FileHandle.standardError.write(Data("expected: \(EstimateReport.summary(expected, jobs: jobs))\n".utf8))
        }
        let report = TaskTiming.execute(toRun, context: context, jobs: jobs, progress: progress).report
        var summary = "executed \(report.completed) task\(report.completed == 1 ? "" : "s")"
        if !report.failures.isEmpty { summary += ", \(report.failures.count) failed" }
        summary += String(format: " in %.1f s", report.seconds)
        if report.interrupted {
            print(summary + "; interrupted — finished tasks are kept, rerun to continue")
            throw ExitCode(130)
        }
        if shardSpec == nil {
            var rendered = 0, unchanged = 0, incomplete: [String] = []
            for figure in plan.figures {
                switch try FigureWriter.write(figure, context: context) {
                case .unchanged: unchanged += 1
                case .written(let missing):
                    rendered += 1
                    if missing > 0 { incomplete.append("\(figure.manifest.name) (\(missing) samples missing)") }
                }
            }
            if rendered > 0 || !FileManager.default.fileExists(atPath: context.outputs.appendingPathComponent(GalleryWriter.fileName).path) {
                try GalleryWriter.write(context: context)
            }
            summary += "; rendered \(rendered) figure\(rendered == 1 ? "" : "s"), \(unchanged) unchanged"
            if !incomplete.isEmpty { summary += "; incomplete: " + incomplete.joined(separator: ", ") }
        }
        print(summary)
        if !report.failures.isEmpty {
            for f in report.failures { FileHandle.standardError.write(Data("failed: \(f.label): \(f.error)\n".utf8)) }
            throw ExitCode(1)
        }
    }
}
