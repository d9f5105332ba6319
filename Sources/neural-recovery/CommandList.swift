import ArgumentParser

/// The subcommands of `neural-recovery`, in the order `--help` lists them.
let commandList: [ParsableCommand.Type] = [
    RunCommand.self,
    PlanCommand.self,
    StatusCommand.self,
    ExplainCommand.self,
    RenderCommand.self,
    VerifyCommand.self,
    GCCommand.self,
    CarryCommand.self,
    SlurmCommand.self,
    SlurmReportCommand.self,
    CellCommand.self,
    SampleCommand.self,
    SolveCommand.self,
]
