import ArgumentParser
import LinearAlgebra

/// `neural-recovery-bench`: timing runs for `make bench`. Not a test: it measures, it does not assert.
@main
struct Bench: ParsableCommand {
    /// Entry point: the allocator settings for the numerics' large buffers, then the command line.
    static func main() {
        AllocatorTuning.retainFreedMemory()
        main(nil)
    }

    static let configuration = CommandConfiguration(
        commandName: "neural-recovery-bench",
        abstract: "Benchmarks of the solver and the trainer (used by `make bench`).",
        subcommands: benchList
    )
}
