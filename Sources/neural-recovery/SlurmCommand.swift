import ArgumentParser
import Execution
import Foundation
import Pipeline
import Planning
import TaskCache

/// `neural-recovery slurm`: the missing tasks as a Slurm job array plus a render job.
struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Write (and with --submit, submit) a Slurm job array computing the missing tasks, and a render job after it.",
        discussion: """
        Takes the same manifests, --set overrides and --scale as `run`; --outputs must be on a file system every node sees (the cache is shared without locks: each entry is written to a temporary file and renamed into place). The tasks missing now are listed with their expected cost in <outputs>/slurm/<id>/tasks.tsv and split into --shards shards of nearly equal cost; element i of the array runs `neural-recovery run … --shard i/N --shard-tasks tasks.tsv` on --cpus-per-task cores. A render job, submitted with --dependency=afterany on the array, writes the figures and reports (`slurm-report`) the shards that left tasks missing. A shard that dies loses only its running tasks; running the same command again lists and computes only what is still missing.

        --time defaults to the longest shard's expected wall time (from the durations recorded by earlier runs) × --time-factor + 5 minutes; without recorded durations for some kind it is left to the partition's default. --mem defaults to the measured peak memory per running task × 1.5 × --cpus-per-task, or a conservative default per kind (2 GiB convex, 1 GiB otherwise) when no run measured tasks that large.

        Examples:
          neural-recovery slurm --outputs /scratch/$USER/nr --shards 50 --cpus-per-task 8 --dry-run
          neural-recovery slurm experiments/fig07.yaml --outputs /scratch/$USER/nr --shards 20 --partition short --submit
          neural-recovery slurm --outputs /scratch/$USER/nr --shards 100 --throttle 10 --account proj42 --sbatch-option=--qos=long --submit
        """
    )

    @OptionGroup var options: PipelineOptions
    @Option(help: "Shards (array elements); at most one per missing task.")
    var shards: Int = 10
    @Option(help: "Cores per shard (#SBATCH --cpus-per-task): the shard runs this many tasks at once.")
    var cpusPerTask: Int = 4
    @Option(help: "Time limit per shard in Slurm's notation, e.g. 2:00:00 or 1-12:00:00 (default: from the estimate).")
    var time: String?
    @Option(help: "Safety factor on the estimated shard time for the default --time.")
    var timeFactor: Double = 2
    @Option(help: "Memory per shard in Slurm's notation, e.g. 8G (default: from measured peaks).")
    var mem: String?
    @Option(help: "At most K shards run at once (#SBATCH --array=1-N%K).")
    var throttle: Int?
    @Option(help: "Slurm partition (#SBATCH --partition).")
    var partition: String?
    @Option(help: "Slurm account to charge (#SBATCH --account).")
    var account: String?
    @Option(help: ArgumentHelp("A further #SBATCH option for both jobs, e.g. --sbatch-option=--qos=long (repeatable).",
                               valueName: "option"))
    var sbatchOption: [String] = []
    @Option(help: "Job name.")
    var jobName: String = "neural-recovery"
    @Option(help: "The neural-recovery executable the jobs run (default: this one).")
    var executable: String?
    @Flag(help: "Print the scripts; write and submit nothing.")
    var dryRun = false
    @Flag(help: "Submit with sbatch after writing (otherwise print the command to submit).")
    var submit = false

    /// Bad options are a one-line error and exit code 2, like every pipeline command's bad input.
    func checkOptions() throws {
        guard shards >= 1 else { throw failWithInputError("--shards must be at least 1") }
        guard cpusPerTask >= 1 else { throw failWithInputError("--cpus-per-task must be at least 1") }
        guard timeFactor >= 1, timeFactor.isFinite else { throw failWithInputError("--time-factor must be at least 1") }
        if let throttle, throttle < 1 { throw failWithInputError("--throttle must be at least 1") }
        if let time, time.range(of: #"^(\d+-)?\d+(:\d{1,2}){0,2}$"#, options: .regularExpression) == nil {
            throw failWithInputError("--time \(time): expected Slurm's notation, e.g. 90, 2:00:00 or 1-12:00:00")
        }
        if let mem, mem.range(of: #"^\d+[KMGT]?$"#, options: .regularExpression) == nil {
            throw failWithInputError("--mem \(mem): expected Slurm's notation, e.g. 4000M or 8G")
        }
        for option in sbatchOption where !option.hasPrefix("-") || option.contains("\n") {
            throw failWithInputError("--sbatch-option \(option): expected one sbatch option such as --qos=long")
        }
        if dryRun && submit { throw failWithInputError("--dry-run and --submit exclude each other") }
    }

    func run() throws {
        try checkOptions()
        let (plan, context) = try options.plan()
        let missing = TaskRunner.tasksToRun(plan.tasks.values.sorted { $0.key < $1.key }, context: context)
        guard !missing.isEmpty else {
            print("nothing to compute: all \(plan.tasks.count) tasks are cached; `neural-recovery render` writes the figures")
            return
        }
        let resources = SlurmResources(missing: missing, shards: shards, cpusPerTask: cpusPerTask,
                                       timeFactor: timeFactor, context: context)
        let listText = resources.list.text
        let outputs = absolute(options.outputs)
        let runFolder = outputs + "/slurm/" + CanonicalJSON.sha256(Data(listText.utf8)).prefix(12)
        let settings = SlurmJobSettings(
            jobName: jobName, executable: try executablePath(), workingDirectory: FileManager.default.currentDirectoryPath,
            pipelineArguments: try pipelineArguments(outputs: outputs), runFolder: runFolder,
            shards: resources.list.shards, throttle: throttle, cpusPerTask: cpusPerTask,
            memory: mem ?? SlurmResources.memoryText(bytes: resources.memoryBytes),
            timeLimit: time ?? resources.timeLimitSeconds.map { SlurmScripts.timeLimit(seconds: $0) },
            renderTimeLimit: "01:00:00", renderMemory: "4G", partition: partition, account: account,
            extraOptions: sbatchOption, notes: notes(resources, plan: plan))
        if resources.timeLimitSeconds == nil && time == nil {
            warn("no recorded durations for some task kinds: no --time estimate, the partition's default limit applies (pass --time, or run a smoke scale first)")
        }
        let files = [(settings.taskListPath, listText), (settings.shardScriptPath, SlurmScripts.shardScript(settings)),
                     (settings.renderScriptPath, SlurmScripts.renderScript(settings)),
                     (settings.submitScriptPath, SlurmScripts.submitScript(settings))]
        if dryRun {
            for (path, text) in files.dropFirst() { print("# ---- \(path)\n\(text)") }
            print("# ---- \(settings.taskListPath): \(resources.list.tasks.count) tasks (not written: --dry-run)")
            return
        }
        do {
            for (path, text) in files { try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: path)) }
            chmod(settings.submitScriptPath, 0o755)
            for folder in [settings.logFolder, settings.markerFolder] {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
        } catch { throw failWithInputError("cannot write \(runFolder): \(error)") }
        for note in settings.notes { print(note) }
        print("wrote \(runFolder)/ (tasks.tsv, shards.sbatch, render.sbatch, submit.sh)")
        guard submit else {
            print("submit with: \(settings.submitScriptPath)")
            return
        }
        fflush(nil)  // our lines before the submission's
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [settings.submitScriptPath]
        do { try process.run() } catch { throw failWithInputError("cannot run \(settings.submitScriptPath): \(error)") }
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            warn("submission failed (exit \(process.terminationStatus)); is sbatch on PATH and the cluster reachable?")
            throw ExitCode(process.terminationStatus)
        }
    }

    /// What the scripts say about how the work was split and the resources chosen.
    func notes(_ r: SlurmResources, plan: Plan) -> [String] {
        let loads = r.list.loads
        let duration = ProgressLine.duration
        var notes = ["\(r.list.tasks.count) of \(plan.tasks.count) tasks missing, in \(r.list.shards) shard\(r.list.shards == 1 ? "" : "s")"
                     + " of \(cpusPerTask) core\(cpusPerTask == 1 ? "" : "s")"]
        if r.estimated {
            notes.append("expected compute \(duration(r.totalSeconds)) on one core; per shard \(duration(loads.min() ?? 0))–\(duration(loads.max() ?? 0)),"
                         + " longest shard \(duration(r.shardWallSeconds.max() ?? 0)) of wall time on \(cpusPerTask) core\(cpusPerTask == 1 ? "" : "s")")
            notes.append(time != nil ? "time limit: --time \(time!) as given"
                         : String(format: "time limit: longest shard × %g + %@ (start-up)", timeFactor, duration(SlurmResources.startupSeconds)))
        } else {
            notes.append("no time estimate: some task kinds have no recorded durations yet")
        }
        notes.append(mem != nil ? "memory: --mem \(mem!) as given"
                     : String(format: "memory: %.0f MiB per running task", r.memoryBytes / Double(cpusPerTask) / 1_048_576) + " × \(cpusPerTask) ("
                       + (r.memoryMeasured ? "measured peak × \(SlurmResources.memoryMargin)" : "default per kind: no run measured tasks this large") + ")")
        return notes
    }

    /// Manifests (absolute), --scale, --set and --outputs, as `run`, `render` and `slurm-report` take them.
    func pipelineArguments(outputs: String) throws -> [String] {
        var arguments = ["--scale", options.scale.rawValue]
        for override in options.overrides { arguments += ["--set", override] }
        arguments += ["--outputs", outputs]
        return arguments + (try options.manifestPaths().map(absolute))
    }

    func executablePath() throws -> String {
        if let executable { return absolute(executable) }
        guard let path = Bundle.main.executableURL?.resolvingSymlinksInPath().path else {
            throw failWithInputError("cannot tell where this executable is; pass --executable")
        }
        return path
    }

    func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/"))
            .standardizedFileURL.path
    }

    func warn(_ message: String) { FileHandle.standardError.write(Data("warning: \(message)\n".utf8)) }
}
