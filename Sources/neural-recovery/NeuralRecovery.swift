import ArgumentParser
import BLASKernel
import Pipeline

/// The `neural-recovery` command: phase-transition experiments of
/// "Overparameterized ReLU Neural Networks Learn the Simplest Model" (Wang, Hua, Candès, Pilanci, 2022).
@main
struct NeuralRecovery: ParsableCommand {
    static let version = FigureProvenance.toolVersion

    static let configuration = CommandConfiguration(
        commandName: "neural-recovery",
        abstract: "Reproduce the phase-transition experiments of 'Overparameterized ReLU Neural Networks Learn the Simplest Model'.",
        discussion: """
        Each figure of the paper is a grid of cells (n samples × d features). A cell sample draws data (docs/science.md §1), fits a learner (a convex program of docs/science.md §2 or gradient training, docs/science.md §3) or checks an isometry condition (docs/science.md §5), and records metrics (docs/science.md §4). Manifests under experiments/ declare the figures; `run` computes only the cells missing from the cache and renders SVG and CSV under outputs/.

        Typical session:
          neural-recovery plan --scale smoke
          neural-recovery run --scale smoke
          neural-recovery status
          neural-recovery explain experiments/fig07.yaml --cell 100,20,3
          neural-recovery cell --planted linear --learned skip \\
              --formulation relaxed --n 100 --d 10

        Run `neural-recovery help <subcommand>` for each command's options.
        """,

        version: version,
        subcommands: commandList
    )

    /// Starts the tool; first makes sure OpenBLAS runs kernels this CPU has (`BLASKernelChoice`).
    static func main() {
        BLASKernelChoice.restartWithBetterKernelIfNeeded()
        main(nil)
    }
}
