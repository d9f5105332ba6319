import ArgumentParser

/// The benchmark subcommands.
let benchList: [ParsableCommand.Type] = [
    SolverBench.self,
    TrainingBench.self,
    PipelineBench.self,
    PipelineStep.self,
    MeasureCommand.self,
]
