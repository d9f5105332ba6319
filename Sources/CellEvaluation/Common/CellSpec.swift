import CellData
import ModelKinds

/// What one cell sample computes (the unit of work the pipeline schedules): the data
/// (`CellDataSpec`) and the computation on it. Never which figure asks for it.
///
/// Its canonical JSON (sorted keys, absent options omitted) is what the pipeline hashes.
public struct CellSpec: Codable, Hashable, Sendable {
    /// The kind of computation.
    public enum Kind: String, Codable, Sendable {
        /// A convex program of SPEC §2.
        case convex
        /// Non-convex training, SPEC §3.
        case training
        /// A neural isometry condition, SPEC §5.
        case condition
    }

    public var data: CellDataSpec
    public var kind: Kind
    /// The learned model (convex and training).
    public var learned: LearnedModel?
    /// exact / relaxed / approx (convex) or gd (training).
    public var formulation: Formulation?
    /// β of `approx`.
    public var beta: Double?
    /// Training settings (training only).
    public var training: TrainingSpec?
    /// Condition name (condition only): nic-linear, nnic-1, nnic-k, nnic-norm, irrepresentable-norm.
    public var condition: String?
    /// Max-abs tolerance of the recovery metric (SPEC §4, default 1e−4).
    public var recoveryTolerance: Double

    /// A convex cell.
    public static func convex(_ data: CellDataSpec, learned: LearnedModel, formulation: Formulation,
                              beta: Double = 1e-6, recoveryTolerance: Double = 1e-4) -> CellSpec {
        CellSpec(data: data, kind: .convex, learned: learned, formulation: formulation,
                 beta: formulation == .approx ? beta : nil, training: nil, condition: nil,
                 recoveryTolerance: recoveryTolerance)
    }

    /// A training cell.
    public static func training(_ data: CellDataSpec, learned: LearnedModel, settings: TrainingSpec,
                                recoveryTolerance: Double = 1e-4) -> CellSpec {
        CellSpec(data: data, kind: .training, learned: learned, formulation: .gd, beta: nil, training: settings,
                 condition: nil, recoveryTolerance: recoveryTolerance)
    }

    /// An isometry-condition cell.
    public static func condition(_ data: CellDataSpec, name: String) -> CellSpec {
        CellSpec(data: data, kind: .condition, learned: nil, formulation: nil, beta: nil, training: nil,
                 condition: name, recoveryTolerance: 1e-4)
    }

    /// The fingerprint units (modules or module sub-folders) whose code this computation runs.
    /// Changing any of them changes the cell's cache key; changing anything else does not.
    public var codeUnits: [String] {
        let common = ["ModelKinds", "LinearAlgebra", "RandomStreams", "CellData", "CellEvaluation/Common"]
        switch kind {
        case .convex: return common + ["ConvexSolver", "CellEvaluation/Convex"]
        case .training: return common + ["Training", "CellEvaluation/Training"]
        case .condition: return common + ["IsometryConditions", "CellEvaluation/Conditions"]
        }
    }
}

/// Settings of a training cell (SPEC §3).
public struct TrainingSpec: Codable, Hashable, Sendable {
    public var epochs: Int
    /// `adamw-fresh` (a fresh optimizer each step, as the reference) or `adamw`.
    public var optimizer: String
    /// relu, leaky_relu, tanh, sigmoid, gelu.
    public var activation: String
    public var learningRate: Double
    public var weightDecay: Double
    /// Hidden neurons; nil means n + 1.
    public var width: Int?

    public init(epochs: Int = 400, optimizer: String = "adamw-fresh", activation: String = "relu",
                learningRate: Double = 2e-3, weightDecay: Double = 1e-6, width: Int? = nil) {
        self.epochs = epochs
        self.optimizer = optimizer
        self.activation = activation
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.width = width
    }
}
