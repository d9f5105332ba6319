import ArgumentParser
import Foundation
import Pipeline
import Planning

/// `neural-recovery slurm-report`: which shards of a job array left tasks missing (run by the render job).
struct SlurmReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm-report",
        abstract: "Say which shards of a `slurm` job array left tasks missing (the render job runs this).",
        discussion: """
        For each shard of the array written in --run-folder: the tasks it was given, how many are still missing from the cache (and how many of those are damaged entries), and the exit code it wrote — none when it was cancelled, hit its time limit or lost its node. Exit code 1 when any task is missing; resubmitting with the same `slurm` command computes only those.

        Example:
          neural-recovery slurm-report --scale smoke --outputs /scratch/nr --run-folder /scratch/nr/slurm/3f2a9c01b7de
        """
    )

    @OptionGroup var options: PipelineOptions
    @Option(help: "The submission's folder (outputs/slurm/<id>, written by `slurm`).")
    var runFolder: String

    func run() throws {
        let (plan, context) = try options.plan()
        let listPath = runFolder + "/tasks.tsv"
        let statuses: [ShardStatus]
        do {
            let list = try ShardSelection.loadList(listPath)
            statuses = try ShardStatus.all(list: list, listPath: listPath, plan: plan, context: context,
                                           markerFolder: runFolder + "/shards")
        } catch let error as ShardTaskListError { throw failWithInputError(error.description) }
        for status in statuses { print(status.line(of: statuses.count)) }
        let incomplete = statuses.filter { !$0.complete }
        let missing = incomplete.reduce(0) { $0 + $1.missing }
        let damaged = statuses.reduce(0) { $0 + $1.damaged }
        let total = statuses.reduce(0) { $0 + $1.assigned }
        print("\(statuses.count - incomplete.count) of \(statuses.count) shards complete; \(missing) of \(total) tasks missing, \(damaged) damaged")
        if !incomplete.isEmpty {
            print("incomplete shards: \(incomplete.map { String($0.index) }.joined(separator: ",")) — resubmit the same `neural-recovery slurm … --submit`: it computes only the missing tasks")
            throw ExitCode(1)
        }
    }
}
