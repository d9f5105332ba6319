import ArgumentParser

/// The benchmark subcommands.
let benchList: [ParsableCommand.Type] = [
    TrainingBench.self,
]
