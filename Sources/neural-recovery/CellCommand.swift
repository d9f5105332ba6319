import ArgumentParser
import CellData
import CellEvaluation
import Foundation
import Manifest
import ModelKinds
import TaskCache

/// `neural-recovery cell`: computes one cell sample and prints its record as JSON.
struct CellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cell",
        abstract: "Compute one cell sample (data, then a convex program, training or a condition) and print its record as JSON.",
        discussion: """
        The record holds the status and every metric of docs/science.md §4 that applies (recovery, weight_distance, test_distance, test_error, other_norm, cosine, holds, objective, iterations, seconds); metrics that do not apply are absent, never 0. Training cells also carry the loss curves. Give either --formulation (exact, relaxed, approx or gd) or --condition.

        Examples:
          neural-recovery cell --planted linear --learned skip \\
              --formulation relaxed --n 100 --d 10
          neural-recovery cell --planted normalized --learned normalized \\
              --formulation gd --n 40 --d 10 --epochs 200 --no-curves
          neural-recovery cell --planted plain --condition nnic-k --k 2 --n 60 --d 10
        """
    )

    @OptionGroup var cell: CellDataOptions
    @Option(help: "exact, relaxed, approx (convex programs) or gd (training).")
    var formulation: Formulation?
    @Option(help: "Isometry condition instead of a learner: nic-linear, nnic-1, nnic-k, nnic-norm, irrepresentable-norm.")
    var condition: String?
    @Option(help: "β of the approx formulation.")
    var beta: Double = 1e-6
    @Option(help: "Training epochs (gd).")
    var epochs: Int = 400
    @Option(help: "Optimizer (gd): adamw-fresh (a fresh AdamW each step, as the reference) or adamw.")
    var optimizer: OptimizerKind = .adamwFresh
    @Option(help: "Activation (gd): relu, leaky_relu, tanh, sigmoid, gelu.")
    var activation: Activation = .relu
    @Option(help: "Hidden neurons (gd); default n + 1.")
    var width: Int?
    @Option(help: "Learning rate (gd).")
    var learningRate: Double = 2e-3
    @Option(help: "Decoupled weight decay (gd).")
    var weightDecay: Double = 1e-6
    @Option(help: "Max-abs tolerance of the recovery metric.")
    var tolerance: Double = 1e-4
    @Flag(help: "Leave the loss curves out of the printed record.")
    var noCurves = false

    func run() throws {
        let spec: CellSpec
        switch (formulation, condition) {
        case (nil, nil), (.some, .some):
            throw failWithInputError("give exactly one of --formulation and --condition")
        case (.some(.gd), nil):
            spec = .training(cell.spec(formulation: .gd), learned: cell.learned,
                             settings: TrainingParameters(epochs: epochs, optimizer: optimizer, activation: activation,
                                                    learningRate: learningRate, weightDecay: weightDecay, width: width),
                             recoveryTolerance: tolerance)
        case (.some(let f), nil):
            spec = .convex(cell.spec(formulation: f), learned: cell.learned, formulation: f, beta: beta,
                           recoveryTolerance: tolerance)
        case (nil, .some(let c)):
            spec = .condition(cell.spec(formulation: nil, budget: .condition), name: c)
        }
        try cell.checkLimits(spec, extra: [("--width", width)])
        if epochs > InputLimits.epochs { throw failWithInputError("--epochs \(epochs): must be at most \(InputLimits.epochs)") }
        var result: CellResult
        do { result = try CellEvaluator.evaluate(spec) } catch let error as CellEvaluationError {
            throw failWithInputError(error.message)
        }
        if noCurves {
            result.lossCurve = nil
            result.testLossCurve = nil
        }
        struct Record: Encodable { let spec: CellSpec; let result: CellResult }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        print(String(decoding: try encoder.encode(Record(spec: spec, result: result)), as: UTF8.self))
    }
}
