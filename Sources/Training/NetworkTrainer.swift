import Foundation
import LinearAlgebra
import ModelKinds
import RandomStreams

/// What to train and how (docs/science.md §3). Defaults are those of docs/science.md §3.
public struct TrainingSettings: Sendable, Equatable {
    /// plain, skip or normalized.
    public var model: LearnedModel
    /// Hidden nonlinearity (default relu).
    public var activation: Activation
    /// Hidden neurons m; nil means n + 1 (n = training rows).
    public var width: Int?
    /// Number of full-batch optimiser steps (default 400).
    public var epochs: Int
    /// Fresh AdamW per step (default) or one persistent AdamW.
    public var optimizer: OptimizerKind
    /// lr 2e−3, weight decay 1e−6, betas (0.9, 0.999), eps 1e−8 by default.
    public var hyperparameters: AdamWHyperparameters

    /// Settings for `model`; everything else defaults to docs/science.md §3.
    public init(model: LearnedModel, activation: Activation = .relu, width: Int? = nil, epochs: Int = 400,
                optimizer: OptimizerKind = .adamwFresh, hyperparameters: AdamWHyperparameters = .init()) {
        self.model = model
        self.activation = activation
        self.width = width
        self.epochs = epochs
        self.optimizer = optimizer
        self.hyperparameters = hyperparameters
    }

    /// The network shape for training data with `rows` rows and `inputDimension` columns.
    public func shape(rows: Int, inputDimension: Int) -> NetworkShape {
        NetworkShape(model: model, inputDimension: inputDimension, width: width ?? rows + 1)
    }
}

/// What a training run produced (docs/science.md §4 `gd` metrics are read from it).
public struct TrainingResult: Sendable {
    /// `trainingLoss[t]` = ‖f(X) − y‖² at the weights *before* step t (the loss whose gradient
    /// drives step t, as PyTorch's `loss.item()` in the step loop); `epochs` entries.
    public let trainingLoss: [Double]
    /// `testLoss[t]` = ‖f(X_test) − y_test‖² at the weights *after* step t; empty without a test set.
    public let testLoss: [Double]
    /// The weights after the last step.
    public let parameters: NetworkParameters
    /// `test_error` = ‖f(X_test) − y_test‖ after the last step (nil without a test set).
    public let testError: Double?
    /// `other_norm` = ‖W₁ diag(a)‖_F (γ included for normalized) of the final weights.
    public let otherNorm: Double
    /// α₀ w₀ of the final weights (skip only), for ‖α₀w₀ − w*‖ and the cosine with w*.
    public let effectiveLinearWeight: [Double]?
    /// Wall-clock seconds spent in the training loop.
    public let seconds: Double
}

/// Full-batch AdamW training of a two-layer network with hand-written gradients (docs/science.md §3).
/// Knows nothing of files or manifests.
///
/// Every network trains on `workers` threads, each owning whole blocks of the hidden neurons
/// (`ColumnParallelTrainer`; a normalized neuron's column norm is over its own column, so it goes
/// with its block), with BLAS single-threaded meanwhile. The blocks, and so every product and sum,
/// depend on the sizes alone: results are the same bits for every worker count and every run (on
/// one machine: the BLAS kernels differ across CPUs).
public enum NetworkTrainer {
    /// Trains from the PyTorch-default initialisation drawn from `initialization` (the cell's
    /// `StreamPurpose.initialization` stream; draw order in `NetworkParameters.pytorchDefault`).
    /// `workers`: see `train(x:y:test:settings:initialParameters:workers:)`.
    public static func train(x: Matrix, y: [Double], test: (x: Matrix, y: [Double])? = nil,
                             settings: TrainingSettings, initialization: VariateSource,
                             workers: Int? = nil) -> TrainingResult {
        let shape = settings.shape(rows: x.rows, inputDimension: x.cols)
        let initial = NetworkParameters.pytorchDefault(shape: shape, source: initialization)
        return train(x: x, y: y, test: test, settings: settings, initialParameters: initial, workers: workers)
    }

    /// Trains from given initial weights (their shape wins over `settings.width`). `workers` is the
    /// number of threads (at most the number of neuron blocks); nil means `defaultWorkerCount`.
    public static func train(x: Matrix, y: [Double], test: (x: Matrix, y: [Double])? = nil,
                             settings: TrainingSettings, initialParameters: NetworkParameters,
                             workers: Int? = nil) -> TrainingResult {
        let shape = initialParameters.shape
        precondition(shape.model == settings.model, "NetworkTrainer: initial weights are for another model")
        precondition(settings.epochs >= 0, "NetworkTrainer: negative epoch count")
        let start = DispatchTime.now().uptimeNanoseconds
        let count = max(1, min(workers ?? defaultWorkerCount(shape: shape, rows: x.rows + (test?.x.rows ?? 0)),
                               shape.width))
        let trainer = ColumnParallelTrainer(initial: initialParameters, activation: settings.activation, x: x, y: y,
                                            test: test, optimizer: settings.optimizer,
                                            hyperparameters: settings.hyperparameters, workers: count)
        let (trainingLoss, testLoss, finalTestLoss) = BLASThreads.singleThreaded { trainer.train(epochs: settings.epochs) }
        let parameters = trainer.currentParameters
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return TrainingResult(trainingLoss: trainingLoss, testLoss: testLoss, parameters: parameters,
                              testError: finalTestLoss.map { $0.squareRoot() }, otherNorm: parameters.otherNorm,
                              effectiveLinearWeight: parameters.effectiveLinearWeight, seconds: seconds)
    }

    /// Below this many multiply-adds per worker in one n×d×m product, a worker costs more than it saves.
    static let minimumWorkPerWorker = 1 << 17

    /// The worker count when the caller names none: the BLAS thread count (at most 8), fewer when
    /// the network is too small to share (`rows` counts training and test rows).
    public static func defaultWorkerCount(shape: NetworkShape, rows: Int) -> Int {
        let work = rows * shape.inputDimension * shape.width
        return max(1, min(BLASThreads.current, 8, work / minimumWorkPerWorker))
    }
}
