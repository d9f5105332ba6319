import ArgumentParser
import Foundation
import LinearAlgebra
import Pipeline

/// `neural-recovery verify`: recompute a sample of the figures' cell samples and compare.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute a deterministic sample of the rendered figures' cell samples and compare them with their per-sample CSVs.",
        discussion: """
        Proves that the figures on disk (e.g. the ones committed under outputs/figures/) still come from the code: for each figure folder it reads what was computed from its own manifest.resolved.yaml, recomputes cell samples afresh (no cache is read or written) for about --budget seconds, and compares them with samples-K.csv. Samples are taken round-robin over the kinds of computation, cheapest and most expensive alternately, in the same order on every machine.

        Samples are computed with BLAS single-threaded, as `run` computes them with --jobs > 1, so on the machine that rendered a figure they agree to the digits samples-K.csv holds (enough that rounding uses at most 1 % of the tolerance). Agreement: the status is the same (solved, maxIterations, trained, evaluated, notComputed, …); the verdicts recovery and holds (and a diverged training's diverged_epoch) are equal; every other metric within 1e-6 + 1e-5·|recorded| (convex objectives, conditions) or 1e-4 + 1e-3·|recorded| (training, whose 400 AdamW epochs amplify differences between BLAS kernels); what a convex solution defines (weight_distance, test_distance, test_error, other_norm, cosine) within 2e-2 + 2e-2·|recorded|, because where the optimum is not unique (n ≤ d, ties) the optimal point reached depends on the BLAS kernel's round-off; iterations are not compared. A sample recorded as notComputed must again not be computed.

        Exit code 0 when every checked sample agrees, 1 when any differs (each listed), 2 on unreadable figure data.

        Examples:
          neural-recovery verify --budget 120
          neural-recovery verify fig07 fig24 --budget 600
          neural-recovery verify experiments/fig25.yaml --budget 30
        """
    )

    @Argument(help: "Figure names (folders under OUTPUTS/figures/, or their manifests' paths); all when none.")
    var figures: [String] = []
    @Option(help: "Output folder whose figures/ are verified.")
    var outputs = "outputs"
    @Option(help: "Seconds to spend recomputing (checked before each sample starts).")
    var budget: Double = 120
    @Flag(help: "No progress line.")
    var quiet = false

    func run() throws {
        let folder = URL(fileURLWithPath: outputs).appendingPathComponent("figures")
        let showProgress = !quiet && isatty(STDERR_FILENO) != 0
        BLASThreads.set(1)   // as `run` computes with several jobs
        // A manifest path (experiments/fig25.yaml) names the figure it renders; a name without a folder is an error.
        let names = figures.map { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) ? URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent : $0 }
        let available = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).appendingPathComponent("manifest.resolved.yaml").path) }
            .sorted()
        for (given, name) in zip(figures, names) where !available.contains(name) {
            throw failWithInputError("no rendered figure '\(given)' under \(folder.path)/ (figures are named by their folders: "
                                     + (available.isEmpty ? "there are none" : available.prefix(6).joined(separator: ", ") + (available.count > 6 ? ", …" : "")) + ")")
        }
        let report: FigureVerifier.Report
        do {
            report = try FigureVerifier.verify(figuresFolder: folder, only: names.isEmpty ? nil : Set(names), budget: budget) { line in
                if showProgress { FileHandle.standardError.write(Data("\r\(line)\u{1B}[K".utf8)) }
            }
        } catch {
            throw failWithInputError("\(error)")
        }
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if report.figures.isEmpty {
            print("no figure data under \(folder.path) to verify")
            return
        }
        let reached = report.notReached > 0 ? " (\(report.notReached) more not reached within the budget)" : ""
        print("verified \(report.checked) cell samples of \(report.figures.count) figures in "
              + String(format: "%.1f", report.seconds) + " s\(reached): "
              + (report.differences.isEmpty ? "all agree" : "\(report.differences.count) differ"))
        for line in report.differences { print("differs: \(line)") }
        if !report.differences.isEmpty { throw ExitCode(1) }
    }
}
