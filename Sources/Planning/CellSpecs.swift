import CellData
import CellEvaluation
import Manifest
import ModelKinds

extension CellParameters {
    /// The cell spec of one sample at (n, d) for these (fully applied) parameters.
    public func cellSpec(n: Int, d: Int, sample: Int) -> CellSpec {
        let resolved = withDefaultsResolved
        let data = resolved.dataSpec(n: n, d: d, sample: sample)
        if let condition = resolved.condition {
            return .condition(data, name: condition.rawValue)
        }
        let learned = resolved.learned ?? .skip
        let formulation = resolved.formulation ?? .relaxed
        if formulation == .gd {
            let t = resolved.training
            return .training(data, learned: learned, settings: TrainingSpec(
                epochs: t.epochs, optimizer: t.optimizer.rawValue, activation: t.activation.rawValue,
                learningRate: t.learningRate, weightDecay: t.weightDecay, width: t.width))
        }
        return .convex(data, learned: learned, formulation: formulation, beta: resolved.beta)
    }
}

extension CellSpec {
    /// A relative cost estimate used to order work (longest first) and to scale recorded durations
    /// into an ETA: the dominant term of each computation's arithmetic.
    public var costUnits: Double {
        let n = Double(data.n), d = Double(data.d)
        if isBlankByDefinition { return 0 }
        switch kind {
        case .convex: return n * n * d * d * (formulation == .relaxed ? 1 : 4) / 1e6
        case .training: return n * n * d * Double(training?.epochs ?? 400) / 1e8
        case .condition: return n * n * d * d / 1e7
        }
    }
}
