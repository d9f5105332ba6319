import CellData
import ModelKinds

/// What one cell computes (docs/science.md §1–§5), apart from n, d and the sample index.
///
/// Exactly one of `formulation` (with `learned`) and `condition` is set. `plantedWeights` and `k` are
/// nil when the manifest leaves them to their docs/science.md §1 defaults and a sweep can still change those
/// defaults; every panel has them resolved.
public struct CellParameters: Codable, Hashable, Sendable {
    /// The model that generates the labels.
    public var planted: PlantedModel
    /// The network fitted (with `formulation`); for a condition, nil or the condition's own model.
    public var learned: LearnedModel?
    /// How the network is fitted: a convex program or `gd`.
    public var formulation: Formulation?
    /// An isometry condition to check instead of fitting.
    public var condition: IsometryCondition?
    /// The design matrix kind (default gaussian).
    public var data: DesignMatrixKind
    /// The planted weights kind; nil = the docs/science.md §1 default.
    public var plantedWeights: PlantedWeightsKind?
    /// Number of planted neurons; nil = the docs/science.md §1 default.
    public var k: Int?
    /// Label noise σ (default 0).
    public var sigma: Double
    /// Experiment seed (default 97006855).
    public var seed: UInt64
    /// β of the `approx` programs (default 1e-6).
    public var beta: Double
    /// Settings of non-convex training (formulation gd).
    public var training: TrainingParameters

    public init(planted: PlantedModel, learned: LearnedModel? = nil, formulation: Formulation? = nil,
                condition: IsometryCondition? = nil, data: DesignMatrixKind = .gaussian,
                plantedWeights: PlantedWeightsKind? = nil, k: Int? = nil, sigma: Double = 0,
                seed: UInt64 = CellDataSpec.defaultSeed, beta: Double = CellParameters.defaultBeta,
                training: TrainingParameters = TrainingParameters()) {
        self.planted = planted
        self.learned = learned
        self.formulation = formulation
        self.condition = condition
        self.data = data
        self.plantedWeights = plantedWeights
        self.k = k
        self.sigma = sigma
        self.seed = seed
        self.beta = beta
        self.training = training
    }

    /// The default β of the approx programs (docs/science.md §2).
    public static let defaultBeta = 1e-6

    /// The learned model, or the one the condition speaks about.
    public var effectiveLearned: LearnedModel? { learned ?? condition?.learned }

    /// `plantedWeights`, or its docs/science.md §1 default (`smallest-pc` for a skip learner, else gaussian).
    public var resolvedPlantedWeights: PlantedWeightsKind {
        plantedWeights ?? CellDataSpec.defaultPlantedWeights(learned: effectiveLearned ?? .plain)
    }

    /// `k`, or its docs/science.md §1 default (2 for a normalized planted model unless relaxed, else 1).
    public var resolvedK: Int {
        k ?? CellDataSpec.defaultK(planted: planted, formulation: formulation)
    }

    /// The data of one cell sample with these parameters (docs/science.md §1, §7); the pattern budget is the
    /// conditions' when `condition` is set.
    public func dataSpec(n: Int, d: Int, sample: Int) -> CellDataSpec {
        CellDataSpec(planted: planted, design: data, plantedWeights: resolvedPlantedWeights, k: resolvedK, sigma: sigma,
                     n: n, d: d, sample: sample, seed: seed, patternBudget: condition == nil ? .learner : .condition)
    }

    /// A copy with `plantedWeights` and `k` set to their resolved values.
    public var withDefaultsResolved: CellParameters {
        var copy = self
        copy.plantedWeights = resolvedPlantedWeights
        copy.k = resolvedK
        return copy
    }
}

