import Foundation
import Testing

/// `neural-recovery slurm`: the scripts it writes (the cluster itself is `make test-slurm`'s).
@Suite struct SlurmCommandTests {
    @Test func dryRunPrintsTheScriptsAndWritesNothing() throws {
        let w = try Workspace()
        defer { w.remove() }
        let m = try w.write("cond.yaml", conditionManifest)
        let result = try ToolRunner.run(["slurm", m, "--outputs", w.outputs, "--shards", "3", "--cpus-per-task", "2",
                                         "--throttle", "2", "--partition", "short", "--dry-run"])
        #expect(result.status == 0, "\(result.stderr)")
        for line in ["#SBATCH --array=1-3%2", "#SBATCH --cpus-per-task=2", "#SBATCH --partition=short",
                     "--dependency=afterany:\"$array\""] {
            #expect(result.stdout.contains(line), "missing \(line)")
        }
        // Nothing is recorded yet: no time estimate (the partition's default), memory from the kind's default.
        #expect(result.stdout.components(separatedBy: "#SBATCH --time=").count == 2, "only the render job has a time limit")
        #expect(result.stderr.contains("no recorded durations"))
        #expect(result.stdout.contains("#SBATCH --mem=2G"))
        #expect(!FileManager.default.fileExists(atPath: w.outputs + "/slurm"))
    }

    @Test func writtenScriptsAreCompleteAndARunLeavesNothingToSubmit() throws {
        let w = try Workspace()
        defer { w.remove() }
        let m = try w.write("cond.yaml", conditionManifest)
        let written = try ToolRunner.run(["slurm", m, "--outputs", w.outputs, "--shards", "2"])
        #expect(written.status == 0, "\(written.stderr)")
        let folders = try FileManager.default.contentsOfDirectory(atPath: w.outputs + "/slurm")
        #expect(folders.count == 1)
        let folder = w.outputs + "/slurm/" + folders[0]
        for file in ["tasks.tsv", "shards.sbatch", "render.sbatch", "submit.sh"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/" + file), "no \(file)")
        }
        // The shards as the array would run them, one after the other, then the report.
        for shard in 1...2 {
            let run = try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet", "--shard", "\(shard)/2",
                                          "--shard-tasks", folder + "/tasks.tsv"])
            #expect(run.status == 0, "\(run.stderr)")
        }
        let report = try ToolRunner.run(["slurm-report", m, "--outputs", w.outputs, "--run-folder", folder])
        #expect(report.status == 0, "\(report.stdout)")
        #expect(report.stdout.contains("2 of 2 shards complete; 0 of"))
        let again = try ToolRunner.run(["slurm", m, "--outputs", w.outputs, "--shards", "2"])
        #expect(again.stdout.hasPrefix("nothing to compute"))
    }

    @Test func badOptionsAreOneLineAndExitCode2() throws {
        for arguments in [["--shards", "0"], ["--time", "2h"], ["--mem", "lots"], ["--sbatch-option", "qos=long"]] {
            let result = try ToolRunner.run(["slurm", "--dry-run"] + arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.hasPrefix("error: ") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }
    }
}
