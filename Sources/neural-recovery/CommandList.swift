import ArgumentParser

/// The subcommands of `neural-recovery`, in the order `--help` lists them.
let commandList: [ParsableCommand.Type] = [
    SampleCommand.self,
    CellCommand.self,
    SolveCommand.self,
]
