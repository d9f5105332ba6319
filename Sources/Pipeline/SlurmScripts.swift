import Foundation

/// What a Slurm submission of a run asks for: the job array of shards and the render job after it.
public struct SlurmJobSettings: Sendable {
    /// The job name (the render job appends `-render`).
    public var jobName: String
    /// Absolute path of the neural-recovery executable the jobs run.
    public var executable: String
    /// The folder the jobs start in (`#SBATCH --chdir`).
    public var workingDirectory: String
    /// Arguments shared by `run`, `render` and `slurm-report`: manifests, `--set`, `--scale`, `--outputs`.
    public var pipelineArguments: [String]
    /// This submission's folder on the shared file system: task list, scripts, logs, exit markers.
    public var runFolder: String
    public var shards: Int
    /// At most this many shards run at once (`--array=1-N%K`).
    public var throttle: Int?
    public var cpusPerTask: Int
    /// Memory per shard in Slurm's notation (e.g. `6G`).
    public var memory: String
    /// Time limit per shard in Slurm's notation, nil for the partition's default.
    public var timeLimit: String?
    public var renderTimeLimit: String
    public var renderMemory: String
    public var partition: String?
    public var account: String?
    /// Further `#SBATCH` options, e.g. `--qos=long`, for both jobs.
    public var extraOptions: [String]
    /// Comment lines put at the head of the shard script (how the resources were chosen).
    public var notes: [String]

    public init(jobName: String, executable: String, workingDirectory: String, pipelineArguments: [String],
                runFolder: String, shards: Int, throttle: Int?, cpusPerTask: Int, memory: String, timeLimit: String?,
                renderTimeLimit: String, renderMemory: String, partition: String?, account: String?,
                extraOptions: [String], notes: [String]) {
        self.jobName = jobName
        self.executable = executable
        self.workingDirectory = workingDirectory
        self.pipelineArguments = pipelineArguments
        self.runFolder = runFolder
        self.shards = shards
        self.throttle = throttle
        self.cpusPerTask = cpusPerTask
        self.memory = memory
        self.timeLimit = timeLimit
        self.renderTimeLimit = renderTimeLimit
        self.renderMemory = renderMemory
        self.partition = partition
        self.account = account
        self.extraOptions = extraOptions
        self.notes = notes
    }

    /// The task list file the shards split.
    public var taskListPath: String { runFolder + "/tasks.tsv" }
    public var shardScriptPath: String { runFolder + "/shards.sbatch" }
    public var renderScriptPath: String { runFolder + "/render.sbatch" }
    public var submitScriptPath: String { runFolder + "/submit.sh" }
    /// Where shard i writes its exit code when it ends by itself: `<folder>/<i>.exit`.
    public var markerFolder: String { runFolder + "/shards" }
    public var logFolder: String { runFolder + "/logs" }
}

/// The scripts of a Slurm submission: a job array whose element i runs
/// `neural-recovery run … --shard i/N --shard-tasks tasks.tsv`, a render job that runs after every
/// element has ended (`afterany`) and reports the shards that did not finish, and `submit.sh`
/// that submits both.
public enum SlurmScripts {
    public static func shardScript(_ s: SlurmJobSettings) -> String {
        var lines = ["#!/bin/bash"]
        lines.append(sbatch("--job-name", s.jobName))
        lines.append(sbatch("--array", "1-\(s.shards)" + (s.throttle.map { "%\($0)" } ?? "")))
        lines.append(sbatch("--cpus-per-task", "\(s.cpusPerTask)"))
        lines.append(sbatch("--mem", s.memory))
        if let time = s.timeLimit { lines.append(sbatch("--time", time)) }
        lines += common(s, log: s.logFolder + "/shard-%a.out")
        lines += s.notes.map { "# " + $0 }
        let run = ([s.executable, "run"] + s.pipelineArguments).map(shellQuote).joined(separator: " ")
        lines += [
            "#",
            "# Element i computes its share of the tasks listed in tasks.tsv (the ones missing when this was",
            "# written, split by expected cost) that are still missing; each result is stored atomically in",
            "# the shared cache as soon as it is computed, so a cancelled or failed element loses only its",
            "# running tasks. It writes its exit code to shards/<i>.exit when it ends by itself.",
            "set -u",
            "# One BLAS thread per task, as `run` does with several jobs: the cores Slurm gave are the tasks'.",
            "export OPENBLAS_NUM_THREADS=1",
            "shard=${SLURM_ARRAY_TASK_ID:?submit this script with sbatch, as a job array}",
            "markers=\(shellQuote(s.markerFolder))",
            "status=0",
            "\(run) \\",
            "    --shard \"$shard/\(s.shards)\" --shard-tasks \(shellQuote(s.taskListPath)) --jobs \"${SLURM_CPUS_PER_TASK:-\(s.cpusPerTask)}\" || status=$?",
            "mkdir -p \"$markers\"",
            "echo \"$status\" > \"$markers/.$shard.exit.$$\" && mv -f \"$markers/.$shard.exit.$$\" \"$markers/$shard.exit\"",
            "exit \"$status\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    public static func renderScript(_ s: SlurmJobSettings) -> String {
        var lines = ["#!/bin/bash"]
        lines.append(sbatch("--job-name", s.jobName + "-render"))
        lines.append(sbatch("--cpus-per-task", "1"))
        lines.append(sbatch("--mem", s.renderMemory))
        lines.append(sbatch("--time", s.renderTimeLimit))
        lines += common(s, log: s.logFolder + "/render.out")
        let arguments = s.pipelineArguments.map(shellQuote).joined(separator: " ")
        let exe = shellQuote(s.executable)
        lines += [
            "#",
            "# Submitted with --dependency=afterany:<shard array>: runs once every shard has ended, however",
            "# it ended. Writes the figures from the shared cache (missing cells blank), then says which",
            "# shards left tasks missing; it exits 1 if any did (resubmitting computes only those).",
            "set -u",
            "status=0",
            "\(exe) render \(arguments) || status=$?",
            "\(exe) slurm-report \(arguments) --run-folder \(shellQuote(s.runFolder)) || status=$?",
            "exit \"$status\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    public static func submitScript(_ s: SlurmJobSettings) -> String {
        """
        #!/bin/bash
        # Submits the shard array, then the render job to run after it (afterany).
        set -euo pipefail
        array=$(sbatch --parsable \(shellQuote(s.shardScriptPath)))
        array=${array%%;*}
        render=$(sbatch --parsable --dependency=afterany:"$array" \(shellQuote(s.renderScriptPath)))
        render=${render%%;*}
        echo "submitted job array $array (\(s.shards) shard\(s.shards == 1 ? "" : "s")) and render job $render (after the array)"
        echo "watch: squeue -j $array,$render    logs: \(s.logFolder)/"

        """
    }

    static func common(_ s: SlurmJobSettings, log: String) -> [String] {
        var lines: [String] = []
        if let partition = s.partition { lines.append(sbatch("--partition", partition)) }
        if let account = s.account { lines.append(sbatch("--account", account)) }
        lines.append(sbatch("--output", log))
        lines.append(sbatch("--open-mode", "append"))
        lines.append(sbatch("--chdir", s.workingDirectory))
        lines += s.extraOptions.map { "#SBATCH \($0)" }
        return lines
    }

    /// `#SBATCH --name=value` (sbatch reads these lines without a shell: no quoting).
    static func sbatch(_ option: String, _ value: String) -> String { "#SBATCH \(option)=\(value)" }

    /// `text` as one shell word: bare when it has only safe characters, else in single quotes.
    public static func shellQuote(_ text: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@%+,-")
        if !text.isEmpty && text.allSatisfy({ safe.contains($0) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Seconds as a Slurm time limit, `D-HH:MM:SS` (or `HH:MM:SS` under a day), rounded up to a minute.
    public static func timeLimit(seconds: Double) -> String {
        let minutes = max(1, Int((seconds / 60).rounded(.up)))
        let days = minutes / 1440, hours = (minutes % 1440) / 60, rest = minutes % 60
        let clock = String(format: "%02d:%02d:00", hours, rest)
        return days > 0 ? "\(days)-\(clock)" : clock
    }
}
