import CellData
import ModelKinds

/// What one cell sample computes (the unit of work the pipeline schedules): the data
/// (`CellDataSpec`) and the computation on it. Never which figure asks for it.
///
/// Its canonical JSON (sorted keys, absent options omitted) is what the pipeline hashes.
public struct CellSpec: Codable, Hashable, Sendable {
    /// The kind of computation.
    public enum Kind: String, Codable, Sendable {
        /// A convex program of docs/science.md §2.
        case convex
        /// Non-convex training, docs/science.md §3.
        case training
        /// A neural isometry condition, docs/science.md §5.
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
    public var training: TrainingParameters?
    /// Condition name (condition only): nic-linear, nnic-1, nnic-k, nnic-norm, irrepresentable-norm.
    public var condition: String?
    /// Max-abs tolerance of the recovery metric (docs/science.md §4, default 1e−4).
    public var recoveryTolerance: Double

    /// A convex cell.
    public static func convex(_ data: CellDataSpec, learned: LearnedModel, formulation: Formulation,
                              beta: Double = 1e-6, recoveryTolerance: Double = 1e-4) -> CellSpec {
        CellSpec(data: data, kind: .convex, learned: learned, formulation: formulation,
                 beta: formulation == .approx ? beta : nil, training: nil, condition: nil,
                 recoveryTolerance: recoveryTolerance)
    }

    /// A training cell.
    public static func training(_ data: CellDataSpec, learned: LearnedModel, settings: TrainingParameters,
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
