import ArgumentParser
import BLASKernel

/// `neural-recovery-bench`: timing runs for `make bench`. Not a test: it measures, it does not assert.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neural-recovery-bench",
        abstract: "Benchmarks of the solver and the trainer (used by `make bench`).",
        subcommands: benchList
    )

    /// Starts the benchmarks with the OpenBLAS kernels `neural-recovery` itself would run (`BLASKernelChoice`).
    static func main() {
        BLASKernelChoice.restartWithBetterKernelIfNeeded()
        main(nil)
    }
}
