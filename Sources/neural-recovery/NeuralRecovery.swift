import ArgumentParser

/// The `neural-recovery` command: phase-transition experiments of
/// "Overparameterized ReLU Neural Networks Learn the Simplest Model" (Wang, Hua, Candès, Pilanci, 2022).
@main
struct NeuralRecovery: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "neural-recovery",
        abstract: "Reproduce the phase-transition experiments of 'Overparameterized ReLU Neural Networks Learn the Simplest Model'.",
        discussion: """
        Each figure of the paper is a grid of cells (n samples × d features); a cell sample draws
        data (SPEC §1), fits a learner (a convex program of SPEC §2 or gradient training, SPEC §3)
        and records metrics (SPEC §4). The subcommands below compute single pieces of that.

        Examples:
          neural-recovery sample --planted linear --learned skip --n 60 --d 20 --sample 3
          neural-recovery sample --planted normalized --learned normalized --n 60 --d 20 --json cell.json
        """,
        version: version,
        subcommands: commandList
    )
}
