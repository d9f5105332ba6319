import ArgumentParser
import CellData
import CellEvaluation
import Manifest
import ModelKinds
import Planning

extension PlantedModel: ExpressibleByArgument {}
extension LearnedModel: ExpressibleByArgument {}
extension Formulation: ExpressibleByArgument {}
extension DesignMatrixKind: ExpressibleByArgument {}
extension PlantedWeightsKind: ExpressibleByArgument {}
extension PatternBudget: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}

/// The options that fix the data of one cell sample (shared by `sample` and `cell`).
struct CellDataOptions: ParsableArguments {
    @Option(help: "Planted model generating the labels: linear, plain, normalized.")
    var planted: PlantedModel = .linear
    @Option(help: "Learned model: plain, skip, normalized (sets defaults and the JSON `model`).")
    var learned: LearnedModel = .skip
    @Option(help: "Number of samples (rows of X).")
    var n: Int
    @Option(help: "Number of features (columns of X).")
    var d: Int
    @Option(help: "Sample index within the cell.")
    var sample: Int = 0
    @Option(help: "Number of planted neurons (default: see above).")
    var k: Int?
    @Option(help: "Noise level σ: y ← y + σ z/√n.")
    var sigma: Double = 0
    @Option(help: "Design matrix kind: gaussian, cubic, whitened, whitened-cubic.")
    var data: DesignMatrixKind = .gaussian
    @Option(help: "Planted weights: gaussian, smallest-pc, first-features, opposite-pair (default: see above).")
    var plantedWeights: PlantedWeightsKind?
    @Option(help: "Experiment seed.")
    var seed: UInt64 = CellDataSpec.defaultSeed
    @Option(help: "Pattern budget: learner (max(n, 50) directions) or condition (max(2n, 50)).")
    var patternBudget: PatternBudget = .learner

    /// The data spec, with docs/science.md §1's defaults for k and the planted weights.
    func spec(formulation: Formulation?, budget: PatternBudget? = nil) -> CellDataSpec {
        CellDataSpec(
            planted: planted, design: data,
            plantedWeights: plantedWeights ?? CellDataSpec.defaultPlantedWeights(learned: learned),
            k: k ?? CellDataSpec.defaultK(planted: planted, formulation: formulation),
            sigma: sigma, n: n, d: d, sample: sample, seed: seed, patternBudget: budget ?? patternBudget)
    }

    /// Rejects sizes past `InputLimits` and computations whose memory estimate exceeds the machine's,
    /// before anything is allocated (one line, exit code 2).
    func checkLimits(_ spec: CellSpec, extra: [(String, Int?)] = []) throws {
        for (name, value) in [("--n", n), ("--d", d), ("--k", k)] + extra {
            if let value, value > InputLimits.dimension {
                throw failWithInputError("\(name) \(value): must be at most \(InputLimits.dimension)")
            }
        }
        if let problem = spec.memoryProblem() { throw failWithInputError(problem) }
    }
}
