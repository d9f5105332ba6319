import Execution
import Foundation
import Pipeline
import Planning
import Testing

/// Cost-balanced shards, the task list a job array splits, and the Slurm scripts.
@Suite struct ShardingTests {
    /// Deterministic pseudo-random costs (a linear congruential generator, so every run sees the same).
    func items(_ count: Int, seed: UInt64) -> [(key: String, cost: Double)] {
        var state = seed
        return (0..<count).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let cost = Double(state >> 11) / Double(1 << 53) * 100
            return (key: String(i &* 2654435761 % 4294967291, radix: 16), cost: i % 7 == 0 ? cost * 50 : cost)
        }
    }

    @Test func everyTaskGoesToExactlyOneShard() {
        let tasks = items(500, seed: 1)
        let shardOf = ShardAssignment.assign(tasks, count: 7)
        #expect(shardOf.count == tasks.count)
        #expect(Set(shardOf.values) == Set(1...7))
    }

    @Test func theAssignmentDoesNotDependOnTheOrderGiven() {
        let tasks = items(300, seed: 2)
        #expect(ShardAssignment.assign(tasks, count: 5) == ShardAssignment.assign(tasks.reversed(), count: 5))
        var shuffled = tasks
        var generator = SeededGenerator(state: 9)
        shuffled.shuffle(using: &generator)
        #expect(ShardAssignment.assign(tasks, count: 5) == ShardAssignment.assign(shuffled, count: 5))
    }

    @Test func loadsDifferByAtMostTheLargestTask() {
        // LPT's last task added to the fullest shard went to the emptiest one then.
        for (count, seed) in [(2, 3), (5, 4), (16, 5)] as [(Int, UInt64)] {
            let tasks = items(400, seed: seed)
            let loads = ShardAssignment.loads(tasks, count: count)
            let largest = tasks.map(\.cost).max()!
            #expect(loads.max()! - loads.min()! <= largest)
            let total: Double = tasks.map(\.cost).reduce(0, +)
            let assigned: Double = loads.reduce(0, +)
            #expect(abs(assigned - total) < 1e-6)
        }
    }

    @Test func costBalancedBeatsEveryNthOnSkewedCosts() {
        // Costs 1…40 in key order: every 4th by key gives shard 4 the most; LPT balances exactly.
        let tasks = (1...40).map { (key: String(format: "k%03d", $0), cost: Double($0)) }
        let loads = ShardAssignment.loads(tasks, count: 4)
        #expect(loads == [205, 205, 205, 205])
        let everyNth = (0..<4).map { s in tasks.enumerated().filter { $0.offset % 4 == s }.map(\.element.cost).reduce(0, +) }
        #expect(everyNth.max()! - everyNth.min()! == 30)
    }

    @Test func aKnownSmallCase() {
        let tasks = [("a", 5.0), ("b", 4.0), ("c", 3.0), ("d", 3.0), ("e", 3.0)].map { (key: $0.0, cost: $0.1) }
        // 5→1, 4→2, 3(c)→2, 3(d)→1, 3(e)→2.
        #expect(ShardAssignment.assign(tasks, count: 2) == ["a": 1, "b": 2, "c": 2, "d": 1, "e": 2])
    }

    @Test func taskListTextRoundTripsExactly() throws {
        let list = ShardTaskList(shards: 3, tasks: items(50, seed: 6))
        let parsed = try ShardTaskList.parse(list.text, path: "tasks.tsv")
        #expect(parsed.shards == 3)
        #expect(parsed.tasks.map(\.key) == list.tasks.map(\.key))
        #expect(parsed.tasks.map(\.cost) == list.tasks.map(\.cost))
        #expect(parsed.text == list.text)
        let shares = (1...3).map { parsed.keys(ofShard: $0) }
        #expect(shares.flatMap { $0 }.sorted() == list.tasks.map(\.key))
    }

    @Test func aMalformedTaskListNamesTheLine() {
        let bad = "\(ShardTaskList.format) shards=2\nabc\t1.5\nxyz\n"
        #expect(throws: ShardTaskListError.self) { try ShardTaskList.parse(bad, path: "t.tsv") }
        do { _ = try ShardTaskList.parse(bad, path: "t.tsv") } catch {
            #expect("\(error)" == "t.tsv:3: expected `key<TAB>cost`")
        }
        do { _ = try ShardTaskList.parse("something else\n", path: "t.tsv") } catch {
            #expect("\(error)".hasPrefix("t.tsv:1: expected the header"))
        }
    }

    @Test func shardsOfAListAgreeWhileTheCacheFills() throws {
        let plan = try Plan(manifests: [try manifest("convex", cell: convexCell, metric: "recovery", n: "[10, 20, 30]", d: "[5, 10]")])
        let context = temporaryContext()
        defer { try? FileManager.default.removeItem(at: context.outputs) }
        let missing = plan.tasks.values.sorted { $0.key < $1.key }
        let resources = SlurmResources(missing: missing, shards: 3, cpusPerTask: 2, timeFactor: 2, context: context)
        let path = context.outputs.appendingPathComponent("tasks.tsv").path
        try FileManager.default.createDirectory(at: context.outputs, withIntermediateDirectories: true)
        try resources.list.text.write(toFile: path, atomically: true, encoding: .utf8)
        let before = try (1...3).map { try ShardSelection.tasksToRun(plan, context: context, shard: ($0, 3), listPath: path).map(\.key) }
        #expect(Set(before.flatMap { $0 }) == Set(plan.tasks.keys))
        #expect(before.flatMap { $0 }.count == plan.tasks.count)
        // Shard 2 finishes; shards 1 and 3 starting now still get exactly their own tasks.
        let done = try ShardSelection.tasksToRun(plan, context: context, shard: (2, 3), listPath: path)
        _ = Executor(jobs: 2, progress: ProgressLine(quiet: true)).run(TaskRunner.workItems(done, context: context))
        for index in [1, 3] {
            #expect(try ShardSelection.tasksToRun(plan, context: context, shard: (index, 3), listPath: path).map(\.key) == before[index - 1])
        }
        #expect(try ShardSelection.tasksToRun(plan, context: context, shard: (2, 3), listPath: path).isEmpty)
        // Without the list, the shards split what is missing now: shard 2's tasks are no one's.
        let now = try (1...3).flatMap { try ShardSelection.tasksToRun(plan, context: context, shard: ($0, 3), listPath: nil).map(\.key) }
        #expect(Set(now) == Set(before[0] + before[2]))
        // A list for another shard count is refused.
        #expect(throws: ShardTaskListError.self) { try ShardSelection.tasksToRun(plan, context: context, shard: (1, 4), listPath: path) }
        let statuses = try ShardStatus.all(list: resources.list, listPath: path, plan: plan, context: context,
                                           markerFolder: context.outputs.path)
        #expect(statuses.map(\.missing) == [before[0].count, 0, before[2].count])
        #expect(statuses.map(\.exitCode) == [nil, nil, nil])
    }

    @Test func slurmTimeAndMemoryNotation() {
        #expect(SlurmScripts.timeLimit(seconds: 1) == "00:01:00")
        #expect(SlurmScripts.timeLimit(seconds: 3600) == "01:00:00")
        #expect(SlurmScripts.timeLimit(seconds: 3601) == "01:01:00")
        #expect(SlurmScripts.timeLimit(seconds: 90_000) == "1-01:00:00")
        #expect(SlurmResources.memoryText(bytes: 1) == "256M")
        #expect(SlurmResources.memoryText(bytes: 2 * 1_073_741_824) == "2G")
        #expect(SlurmResources.memoryText(bytes: 1.1 * 1_073_741_824) == "1280M")
    }

    @Test func shellWordsSurviveQuoting() throws {
        let words = ["plain", "with space", "it's", "$HOME", "a\"b", "--set", "grid.samples=2", ""]
        let line = "printf '%s\\n' " + words.map(SlurmScripts.shellQuote).joined(separator: " ")
        let output = try bash(line)
        #expect(output == words.joined(separator: "\n") + "\n")
        #expect(SlurmScripts.shellQuote("/scratch/x/fig07.yaml") == "/scratch/x/fig07.yaml")
    }

    @Test func theScriptsAreValidShellWithTheRequestedOptions() throws {
        let settings = SlurmJobSettings(
            jobName: "nr", executable: "/opt/nr/neural-recovery", workingDirectory: "/home/u/proj",
            pipelineArguments: ["--scale", "full", "--set", "grid.samples=2", "--outputs", "/scratch/nr", "/home/u/proj/experiments/fig07.yaml"],
            runFolder: "/scratch/nr/slurm/abc", shards: 8, throttle: 3, cpusPerTask: 4, memory: "6G", timeLimit: "02:10:00",
            renderTimeLimit: "01:00:00", renderMemory: "4G", partition: "short", account: "proj42",
            extraOptions: ["--qos=long"], notes: ["a note"])
        let shard = SlurmScripts.shardScript(settings)
        for line in ["#SBATCH --array=1-8%3", "#SBATCH --cpus-per-task=4", "#SBATCH --mem=6G", "#SBATCH --time=02:10:00",
                     "#SBATCH --partition=short", "#SBATCH --account=proj42", "#SBATCH --qos=long",
                     "#SBATCH --output=/scratch/nr/slurm/abc/logs/shard-%a.out", "# a note"] {
            #expect(shard.contains(line + "\n"), "missing \(line)")
        }
        #expect(shard.contains("--shard \"$shard/8\" --shard-tasks /scratch/nr/slurm/abc/tasks.tsv"))
        let render = SlurmScripts.renderScript(settings)
        #expect(render.contains("slurm-report --scale full --set grid.samples=2 --outputs /scratch/nr /home/u/proj/experiments/fig07.yaml --run-folder /scratch/nr/slurm/abc"))
        #expect(SlurmScripts.submitScript(settings).contains("--dependency=afterany:\"$array\""))
        // #SBATCH lines must come before the first command, or sbatch ignores them.
        let firstCommand = shard.split(separator: "\n").firstIndex { !$0.hasPrefix("#") }!
        #expect(shard.split(separator: "\n").enumerated().allSatisfy { !$0.element.hasPrefix("#SBATCH") || $0.offset < firstCommand })
        for script in [shard, render, SlurmScripts.submitScript(settings)] {
            _ = try bash("bash -n <<'NR_EOF'\n\(script)NR_EOF\n")
        }
    }

    func bash(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", command]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "bash failed: \(command)")
        return String(decoding: data, as: UTF8.self)
    }
}

struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state
    }
}
