import ArgumentParser
import CellData
import CellEvaluation
import Foundation
import InstanceFormat
import LinearAlgebra
import ModelKinds
import TaskCache


/// `neural-recovery sample`: the data of one cell sample.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Print (or write as JSON) the data of one cell sample: X, y, W*, patterns, test set.",
        discussion: """
        A cell sample is fixed by the planted model, the data parameters, n, d, the sample index and the experiment seed (docs/science.md §1, §7): the same flags always give the same numbers, bit for bit, on any machine and in any order.

        Defaults follow docs/science.md §1: --planted-weights is smallest-pc when --learned is skip, else gaussian; --k is 2 when --planted is normalized and --formulation is not relaxed, else 1.

        --json writes the instance schema `neural-recovery-instance/1` (docs/instance-format.md) with an extra `sample` object (planted pattern indices, all-ones decision, test set), so that `neural-recovery solve` can read it back; examples/instances/ holds six small instance files of that schema.

        Examples:
          neural-recovery sample --planted linear --learned skip \\
              --n 60 --d 20 --sample 3
          neural-recovery sample --planted normalized --learned normalized \\
              --n 60 --d 20 --k 2 --sigma 0.1 --data cubic --json cell.json
        """
    )

    @OptionGroup var cell: CellDataOptions
    @Option(help: "Convex formulation written to the JSON: exact, relaxed, approx.")
    var formulation: Formulation = .relaxed
    @Option(help: "β of the approx formulation, written to the JSON.")
    var beta: Double = 1e-6
    @Option(help: "Write the sample as instance JSON to this file instead of printing it.")
    var json: String?

    func run() throws {
        guard formulation != .gd else { throw failWithInputError("--formulation gd is not a convex program; use exact, relaxed or approx") }
        let output = try json.map { try OutputFile($0) }
        let spec = cell.spec(formulation: formulation)
        try cell.checkLimits(.convex(spec, learned: cell.learned, formulation: formulation))
        let generated: CellSample
        do { generated = try CellSample.generate(spec) } catch let error as CellDataError {
            throw failWithInputError(error.message)
        }
        let instance = makeInstance(generated)
        if let json, let output {
            try output.write(try instance.encoded())
            print("wrote \(json): n = \(spec.n), d = \(spec.d), \(generated.patterns.patterns.count) patterns")
        } else {
            print(describe(generated))
        }
    }

    private func makeInstance(_ sample: CellSample) -> ProblemInstance {
        let spec = sample.spec
        let details = ProblemInstance.SampleDetails(
            seed: spec.seed, sample: spec.sample, planted_model: spec.planted, data: spec.design.rawValue,
            planted_weights: spec.plantedWeights.rawValue, k: spec.k, sigma: spec.sigma,
            planted_patterns: sample.patterns.plantedIndices, all_ones_reachable: sample.patterns.allOnesReachable,
            all_ones_added: sample.patterns.allOnesAdded, X_test: sample.xTest.rowArrays, y_test: sample.yTest,
            stream_identity: spec.streamIdentity)
        return ProblemInstance(
            model: self.cell.learned, formulation: formulation, beta: formulation == .approx ? beta : nil,
            X: sample.x.rowArrays, y: sample.y, patterns: sample.patterns.patterns.map { $0.map { $0 ? 1 : 0 } },
            planted: (0..<sample.plantedWeights.cols).map { sample.plantedWeights.column($0) }, sample: details)
    }

    private func describe(_ sample: CellSample) -> String {
        let spec = sample.spec
        func vector(_ v: [Double]) -> String { v.map { "\($0)" }.joined(separator: " ") }
        var lines: [String] = []
        lines.append("# cell sample: planted \(spec.planted.rawValue), data \(spec.design.rawValue), planted weights \(spec.plantedWeights.rawValue), k = \(spec.k), sigma = \(spec.sigma)")
        lines.append("# n = \(spec.n), d = \(spec.d), sample = \(spec.sample), seed = \(spec.seed)")
        lines.append("# stream: \(spec.streamIdentity)")
        lines.append("X (\(spec.n)×\(spec.d), one row per line):")
        lines += sample.x.rowArrays.map(vector)
        lines.append("y:")
        lines.append(vector(sample.y))
        lines.append("W* (\(spec.d)×\(spec.k), one planted neuron per line):")
        lines += (0..<sample.plantedWeights.cols).map { vector(sample.plantedWeights.column($0)) }
        let p = sample.patterns
        lines.append("patterns (\(p.patterns.count), one per line; planted neurons at \(p.plantedIndices.isEmpty ? "none" : p.plantedIndices.map(String.init).joined(separator: ", ")); all-ones reachable: \(p.allOnesReachable), added: \(p.allOnesAdded)):")
        for (i, h) in p.patterns.enumerated() {
            let mark = p.plantedIndices.contains(i) ? " planted" : (p.allOnesAdded && i == p.patterns.count - 1 ? " all-ones" : "")
            lines.append(String(h.map { $0 ? "1" : "0" }) + mark)
        }
        lines.append("X_test (\(spec.n)×\(spec.d)):")
        lines += sample.xTest.rowArrays.map(vector)
        lines.append("y_test:")
        lines.append(vector(sample.yTest))
        return lines.joined(separator: "\n")
    }
}
