import CellData
import ModelKinds
import RandomStreams
import Training

/// A `gd` cell (docs/science.md §3, §4): trains the network on the sample and reports test_error,
/// other_norm and, for skip, ‖α₀w₀ − w*‖ and cos(α₀w₀, w*).
enum TrainingCell {
    /// The status of a training run whose loss became NaN or ∞ (besides `trained`); its metrics are
    /// `seconds` and `diverged_epoch`, the number of epochs after which the loss was not finite.
    static let divergedStatus = "diverged"

    static func evaluate(_ spec: CellSpec, sample: CellSample) throws -> CellResult {
        guard let learned = spec.learned, let t = spec.training else {
            throw CellEvaluationError("a training cell needs a learned model and training settings")
        }
        guard t.epochs >= 0, (t.width ?? 1) >= 1 else { throw CellEvaluationError("epochs must be ≥ 0 and width ≥ 1") }
        let settings = TrainingSettings(
            model: learned, activation: t.activation, width: t.width, epochs: t.epochs, optimizer: t.optimizer,
            hyperparameters: AdamWHyperparameters(learningRate: t.learningRate, weightDecay: t.weightDecay))
        let result = NetworkTrainer.train(
            x: sample.x, y: sample.y, test: (sample.xTest, sample.yTest), settings: settings,
            initialization: spec.data.streams.stream(for: .initialization))
        // A loss that became NaN or ∞ (e.g. a learning rate far too large) leaves no metric to
        // report: the sample is its own status with the epoch after which the loss was not finite
        // (trainingLoss[t] is the loss after t epochs).
        let badEpoch = result.trainingLoss.firstIndex { !$0.isFinite }
            ?? (result.otherNorm.isFinite && (result.testError?.isFinite ?? true) ? nil : t.epochs)
        if let badEpoch {
            return CellResult(status: Self.divergedStatus, metrics: ["seconds": result.seconds, "diverged_epoch": Double(badEpoch)],
                              lossCurve: result.trainingLoss, testLossCurve: result.testLoss,
                              note: "training diverged: the loss is not finite after epoch \(badEpoch) of \(t.epochs) "
                                    + "(learning rate \(t.learningRate) too large?)")
        }
        var metrics: [String: Double] = ["seconds": result.seconds, "iterations": Double(t.epochs),
                                         "other_norm": result.otherNorm]
        if let e = result.testError, e.isFinite { metrics["test_error"] = e }
        if let last = result.trainingLoss.last, last.isFinite { metrics["objective"] = last }
        if learned == .skip, spec.data.planted == .linear, let effective = result.effectiveLinearWeight {
            let wStar = sample.plantedWeights.column(0)
            metrics["weight_distance"] = MetricMath.distance(effective, wStar)
            if let c = MetricMath.cosine(effective, wStar) { metrics["cosine"] = c }
        }
        metrics = metrics.filter { $0.value.isFinite }
        return CellResult(status: "trained", metrics: metrics, lossCurve: result.trainingLoss,
                          testLossCurve: result.testLoss)
    }
}
