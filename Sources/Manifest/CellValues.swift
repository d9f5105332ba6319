import ModelKinds
import CellData

/// Reading one cell parameter, the same way for `cell:` and for sweep values.
extension SweepKey {
    /// The value of this key in `node`, checked for type and range.
    func read(_ node: TreeNode, path: String) throws -> SweepValue {
        switch self {
        case .planted: return .name(try node.name(path, as: PlantedModel.self).rawValue)
        case .learned: return .name(try node.name(path, as: LearnedModel.self).rawValue)
        case .formulation: return .name(try node.name(path, as: Formulation.self).rawValue)
        case .condition: return .name(try node.name(path, as: IsometryCondition.self).rawValue)
        case .data: return .name(try node.name(path, as: DesignMatrixKind.self).rawValue)
        case .plantedWeights: return .name(try node.name(path, as: PlantedWeightsKind.self).rawValue)
        case .optimizer: return .name(try node.name(path, as: OptimizerKind.self).rawValue)
        case .activation: return .name(try node.name(path, as: Activation.self).rawValue)
        case .k, .width: return .integer(try node.integer(path, atLeast: 1, atMost: InputLimits.dimension))
        case .epochs: return .integer(try node.integer(path, atLeast: 1, atMost: InputLimits.epochs))
        case .seed: return .integer(try node.integer(path, atLeast: 0))
        case .sigma, .weightDecay:
            let value = try node.number(path)
            if value < 0 { throw node.error("\(path): must be non-negative (got \(formatNumber(value)))") }
            return .number(value)
        case .beta, .learningRate:
            let value = try node.number(path)
            if value <= 0 { throw node.error("\(path): must be positive (got \(formatNumber(value)))") }
            return .number(value)
        }
    }

    /// Whether the key may be given as null in `cell:` (meaning "absent" or "the default").
    var isOptional: Bool {
        switch self {
        case .learned, .formulation, .condition, .plantedWeights, .k, .width: return true
        default: return false
        }
    }

    /// Sets the key to nil in `cell` (for optional keys given as null).
    func clear(in cell: inout CellParameters) {
        switch self {
        case .learned: cell.learned = nil
        case .formulation: cell.formulation = nil
        case .condition: cell.condition = nil
        case .plantedWeights: cell.plantedWeights = nil
        case .k: cell.k = nil
        case .width: cell.training.width = nil
        default: break
        }
    }
}
