import ArgumentParser
import CodeFingerprint
import Foundation
import Manifest
import Pipeline
import Planning

/// `neural-recovery-bench pipeline`: the bookkeeping of an incremental rerun at full scale, without
/// computing the paper. Every task of every manifest gets a synthetic cache entry (real format and
/// keys, made-up numbers, status `synthetic`) in a temporary folder — never under outputs/ — and the
/// real `neural-recovery` tool is timed on it as a separate process: plan, status, a no-op run,
/// and an edit of one manifest's σ list (the new panel's entries are written synthetically in place
/// of computing them). A change of one module's code is timed with `pipeline-step`, which runs the
/// same pipeline code with that module's fingerprint altered. The figures it writes show made-up
/// numbers and are deleted with the folder.
struct PipelineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Time plan, status, a no-op run, a σ edit and code changes on a full-size synthetic cache (temporary folder).",
        discussion: """
        Reports wall time, CPU time (user + system) and peak resident memory of each step, measured on the child process (started through `measure`, so its peak memory is its own). The synthetic entries and the figures drawn from them exist only in the temporary folder, which is removed at the end (unless --keep).

        Example:
          neural-recovery-bench pipeline
          neural-recovery-bench pipeline --edit fig07 --changed-unit ConvexSolver --keep-loss-curves
        """
    )

    @Option(help: "Folder of the manifests to plan (copied into the temporary folder).")
    var experiments = "experiments"
    @Option(help: "The neural-recovery executable (default: the one beside this benchmark).")
    var tool: String?
    @Option(help: "Manifest whose σ list is edited (its last σ value changes).")
    var edit = "fig07"
    @Option(name: .customLong("changed-unit"), help: "Fingerprint unit whose code change is simulated (repeatable).")
    var changedUnits: [String] = ["IsometryConditions", "Render"]
    @Flag(help: "Give synthetic training entries loss curves (to measure the cache with --keep-loss-curves).")
    var keepLossCurves = false
    @Flag(help: "Keep the temporary folder.")
    var keep = false

    func run() throws {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let toolPath = tool ?? here.appendingPathComponent("neural-recovery").path
        let benchPath = here.appendingPathComponent("neural-recovery-bench").path
        guard FileManager.default.isExecutableFile(atPath: toolPath) else { throw BenchFailure("no executable at \(toolPath) (build it, or pass --tool)") }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("nr-bench-pipeline-\(UUID().uuidString)")
        let experimentsCopy = root.appendingPathComponent("experiments")
        try FileManager.default.createDirectory(at: experimentsCopy, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(at: root) } }
        let names = try FileManager.default.contentsOfDirectory(atPath: experiments).filter { $0.hasSuffix(".yaml") }.sorted()
        guard !names.isEmpty else { throw BenchFailure("no manifests under \(experiments)/") }
        for name in names {
            try FileManager.default.copyItem(atPath: "\(experiments)/\(name)", toPath: experimentsCopy.appendingPathComponent(name).path)
        }
        let manifestPaths = names.map { experimentsCopy.appendingPathComponent($0).path }
        let outputs = root.appendingPathComponent("outputs")
        let context = PipelineContext(outputs: outputs)
        let common = ["--outputs", outputs.path] + manifestPaths
        say("pipeline benchmark in \(root.path) (\(names.count) manifests, full scale); load average \(Self.loadAverage())")

        // The synthetic cache: every task of the plan.
        var start = Date()
        let plan = try Plan(manifests: manifestPaths.map { try ExperimentManifest.load(path: $0) })
        say(String(format: "in-process plan: %d cell samples, %d unique tasks, %.2f s", plan.references, plan.tasks.count,
                     Date().timeIntervalSince(start)))
        start = Date()
        try SyntheticEntries.write(plan.tasks.values, context: context, lossCurves: keepLossCurves)
        say(String(format: "wrote %d synthetic entries in %.1f s (no fsync per entry; one sync)", plan.tasks.count,
                     Date().timeIntervalSince(start)))
        say(Self.cacheSize(context))

        var rows: [(String, MeasuredProcess)] = []
        func step(_ label: String, _ executable: String, _ arguments: [String]) throws {
            let measured = try MeasuredProcess.measured(executable, arguments, bench: benchPath, in: root)
            guard measured.status == 0 else { throw BenchFailure("\(label): exit \(measured.status)\n\(measured.output)") }
            rows.append((label, measured))
            let summary = measured.output.split(separator: "\n").filter {
                $0.hasPrefix("executed") || $0.hasPrefix("to run") || $0.hasPrefix("manifests") || $0.hasPrefix("removed")
            }.joined(separator: " | ")
            say(String(format: "%-44@ wall %6.2f s  cpu %6.2f s  peak %6.0f MB  %@", label, measured.wall, measured.cpu,
                         measured.peakRSSMegabytes, summary))
        }
        try step("run (first: render every figure)", toolPath, ["run", "--quiet"] + common)
        try step("plan", toolPath, ["plan"] + common)
        try step("status", toolPath, ["status"] + common)
        try step("run (no-op)", toolPath, ["run", "--quiet"] + common)

        // One manifest's σ list edited: one panel's cells change.
        let edited = experimentsCopy.appendingPathComponent("\(edit).yaml")
        let newSigma = try Self.editLastSigma(edited)
        try step("plan after \(edit) σ edit (last σ → \(newSigma))", toolPath, ["plan"] + common)
        let editedPlan = try Plan(manifests: manifestPaths.map { try ExperimentManifest.load(path: $0) })
        let newTasks = RunState(plan: editedPlan, context: context).missingTasks
        try SyntheticEntries.write(newTasks, context: context, lossCurves: keepLossCurves)
        say("  \(newTasks.count) new tasks written synthetically (in place of computing them)")
        try step("run after \(edit) σ edit", toolPath, ["run", "--quiet"] + common)
        try step("run (no-op)", toolPath, ["run", "--quiet"] + common)

        // One module's code changed.
        for unit in changedUnits {
            let prints = PipelineStep.changed(unit)
            let changedPlan = try Plan(manifests: manifestPaths.map { try ExperimentManifest.load(path: $0) }, fingerprints: prints)
            let moved = RunState(plan: changedPlan, context: PipelineContext(outputs: outputs, fingerprints: prints)).missingTasks
            try SyntheticEntries.write(moved, context: context, lossCurves: keepLossCurves)
            say("  \(unit) changed: \(moved.count) tasks with new keys written synthetically")
            try step("run after a change of \(unit)", benchPath, ["pipeline-step", "--changed-unit", unit] + common)
        }
        say(Self.cacheSize(context))

        // gc: the entries no manifest references go, the rest move into one pack.
        try step("gc", toolPath, ["gc"] + common)
        say(Self.cacheSize(context))
        // The tool's own fingerprints again: a code change reverted re-renders every figure (from the pack).
        try step("run (code change reverted: render from the pack)", toolPath, ["run", "--quiet"] + common)
        try step("status (packed cache)", toolPath, ["status"] + common)
        try step("run (no-op, packed cache)", toolPath, ["run", "--quiet"] + common)
        say("\n| step | wall s | CPU s | peak RSS MB |\n|---|---|---|---|")
        for (label, m) in rows { say(String(format: "| %@ | %.2f | %.2f | %.0f |", label, m.wall, m.cpu, m.peakRSSMegabytes)) }
        say("load average after: \(Self.loadAverage())")
    }

    /// Replaces the last value of the manifest's `sigma: [...]` list by itself + 0.05; returns it.
    static func editLastSigma(_ url: URL) throws -> String {
        var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        guard let i = lines.firstIndex(where: { $0.contains("sigma:") && $0.contains("[") }),
              let open = lines[i].firstIndex(of: "["), let close = lines[i].lastIndex(of: "]") else {
            throw BenchFailure("\(url.lastPathComponent) has no `sigma: [...]` list to edit")
        }
        var values = lines[i][lines[i].index(after: open)..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let last = values.last.flatMap(Double.init) else { throw BenchFailure("cannot read σ values in \(url.lastPathComponent)") }
        values[values.count - 1] = "\(last + 0.05)"
        lines[i] = String(lines[i][...open]) + values.joined(separator: ", ") + "]"
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return values[values.count - 1]
    }

    /// Files, bytes and disk blocks under the cache folder.
    static func cacheSize(_ context: PipelineContext) -> String {
        var files = 0, bytes = 0, allocated = 0
        if let walker = FileManager.default.enumerator(atPath: context.cache.root.path) {
            for case let path as String in walker {
                var info = stat()
                guard stat(context.cache.root.appendingPathComponent(path).path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
                files += 1
                bytes += Int(info.st_size)
                allocated += Int(info.st_blocks) * 512
            }
        }
        return String(format: "cache: %d files, %.1f MB of content, %.1f MB on disk (allocated blocks)", files,
                      Double(bytes) / 1e6, Double(allocated) / 1e6)
    }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
    }
}

/// `neural-recovery-bench pipeline-step`: what `run` does after planning (skip up-to-date figures,
/// verify the others' entries once, write them), with one module's fingerprint altered to stand
/// for a code change. Used by `pipeline`; it refuses to compute anything.
struct PipelineStep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline-step",
        abstract: "Run the pipeline with one module's fingerprint altered, computing nothing (used by `pipeline`).",
        shouldDisplay: false
    )

    @Option(name: .customLong("changed-unit")) var changedUnit: String
    @Option var outputs: String
    @Argument var manifests: [String]

    /// The current fingerprints with `unit`'s altered.
    static func changed(_ unit: String) -> CodeFingerprints {
        var prints = CodeFingerprints.current
        prints.units[unit] = "changed-" + (prints.units[unit] ?? "")
        return prints
    }

    func run() throws {
        let prints = Self.changed(changedUnit)
        let plan = try Plan(manifests: manifests.map { try ExperimentManifest.load(path: $0) }, fingerprints: prints)
        let state = RunState(plan: plan, context: PipelineContext(outputs: URL(fileURLWithPath: outputs), fingerprints: prints))
        let results = ResultTable()
        let toRun = TaskRunner.tasksToRun(state.pendingTasks, context: state.context, results: results)
        guard toRun.isEmpty else { throw BenchFailure("\(toRun.count) tasks would need computing; the benchmark computes nothing") }
        let render = try state.renderStaleFigures(results: results)
        say("executed 0 tasks; rendered \(render.rendered) figures, \(render.unchanged) unchanged")
    }
}

/// Prints a line at once (standard output may be a file, which `print` buffers).
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
