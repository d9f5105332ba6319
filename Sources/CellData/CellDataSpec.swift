import ModelKinds
import RandomStreams

/// Everything that defines the data of one cell sample (docs/science.md §1 and §7).
public struct CellDataSpec: Hashable, Codable, Sendable {
    /// The default experiment seed (docs/science.md §7).
    public static let defaultSeed: UInt64 = 97_006_855

    public var planted: PlantedModel
    public var design: DesignMatrixKind
    public var plantedWeights: PlantedWeightsKind
    /// Number of planted neurons (columns of W*).
    public var k: Int
    /// Noise level σ: y ← y + σ z/√n.
    public var sigma: Double
    public var n: Int
    public var d: Int
    /// Sample index within the cell.
    public var sample: Int
    /// Experiment seed.
    public var seed: UInt64
    public var patternBudget: PatternBudget

    public init(planted: PlantedModel, design: DesignMatrixKind = .gaussian, plantedWeights: PlantedWeightsKind,
                k: Int, sigma: Double = 0, n: Int, d: Int, sample: Int, seed: UInt64 = CellDataSpec.defaultSeed,
                patternBudget: PatternBudget = .learner) {
        self.planted = planted
        self.design = design
        self.plantedWeights = plantedWeights
        self.k = k
        self.sigma = sigma
        self.n = n
        self.d = d
        self.sample = sample
        self.seed = seed
        self.patternBudget = patternBudget
    }

    /// The default planted-weight kind (docs/science.md §1): `smallest-pc` when the learned model is `skip`, else `gaussian`.
    public static func defaultPlantedWeights(learned: LearnedModel) -> PlantedWeightsKind {
        learned == .skip ? .smallestPC : .gaussian
    }

    /// The default k (docs/science.md §1): 2 when the planted model is `normalized` and the formulation is not
    /// `relaxed`, else 1. `formulation` is nil for the isometry conditions.
    public static func defaultK(planted: PlantedModel, formulation: Formulation?) -> Int {
        planted == .normalized && formulation != nil && formulation != .relaxed ? 2 : 1
    }

    /// The first problem with these parameters, or nil when they are usable.
    public func validationProblem() -> String? {
        if n < 1 { return "n must be at least 1 (got \(n))" }
        if d < 1 { return "d must be at least 1 (got \(d))" }
        if k < 1 { return "k must be at least 1 (got \(k))" }
        if sample < 0 { return "sample must be non-negative (got \(sample))" }
        if !(sigma >= 0) || !sigma.isFinite { return "sigma must be a non-negative number (got \(sigma))" }
        if plantedWeights == .oppositePair && k != 2 { return "planted weights opposite-pair need k = 2 (got k = \(k))" }
        if (plantedWeights == .smallestPC || plantedWeights == .firstFeatures) && k > d {
            return "planted weights \(plantedWeights.rawValue) need k ≤ d (got k = \(k), d = \(d))"
        }
        if planted == .linear && k != 1 { return "a linear planted model has k = 1 (got k = \(k))" }
        return nil
    }

    /// The canonical identity of this sample's random streams (docs/science.md §7): experiment seed, the data
    /// parameters that define X, W*, the test set and the pattern directions (planted model, design,
    /// planted weights, k), n, d and the sample index.
    ///
    /// σ is deliberately left out: the noise has its own substream, so the panels of a σ sweep share
    /// X, W*, the test set and the patterns and differ only by σ·z (common random numbers), which
    /// makes the sweep's panels directly comparable. The pattern budget is left out too: the
    /// condition budget draws a longer run of the same direction stream.
    public var streamIdentity: String {
        CellStreamKey()
            .with("seed", seed)
            .with("planted", planted.rawValue)
            .with("data", design.rawValue)
            .with("planted_weights", plantedWeights.rawValue)
            .with("k", k)
            .with("n", n)
            .with("d", d)
            .with("sample", sample)
            .text
    }

    /// The Philox streams of this sample.
    public var streams: CellStreams { CellStreams(identity: streamIdentity) }
}
