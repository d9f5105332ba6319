import ArgumentParser

/// `neural-recovery-bench`: timing runs for `make bench`. Not a test: it measures, it does not assert.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neural-recovery-bench",
        abstract: "Benchmarks of the solver and the trainer (used by `make bench`).",
        subcommands: benchList
    )
}
