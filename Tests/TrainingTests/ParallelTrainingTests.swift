import LinearAlgebra
import ModelKinds
import RandomStreams
import Testing
@testable import Training

/// Every network trains on worker threads; the worker count must not change results.
struct ParallelTrainingTests {
    /// A problem wide enough for several blocks of neurons (m = 301), small enough to be quick.
    func problem(seed: UInt64) -> (x: Matrix, y: [Double], xTest: Matrix, yTest: [Double], stream: PhiloxStream) {
        let stream = testStream(seed)
        let n = 300, d = 12
        let x = gaussianMatrix(rows: n, cols: d, stream: stream)
        let xTest = gaussianMatrix(rows: 50, cols: d, stream: stream)
        let w = stream.normals(d)
        let target = { (m: Matrix) in m.times(w).map { max($0, 0) + 0.3 * $0 } }
        return (x, target(x), xTest, target(xTest), stream)
    }

    static let cases: [(LearnedModel, Activation, OptimizerKind)] =
        [(.skip, .relu, .adamwFresh), (.plain, .relu, .adamw), (.skip, .tanh, .adamw), (.plain, .gelu, .adamwFresh),
         (.normalized, .relu, .adamwFresh), (.normalized, .tanh, .adamw), (.normalized, .gelu, .adamwFresh)]

    @Test(arguments: cases)
    func everyWorkerCountGivesTheSameBits(model: LearnedModel, activation: Activation, optimizer: OptimizerKind) {
        let data = problem(seed: 41)
        let settings = TrainingSettings(model: model, activation: activation, epochs: 25, optimizer: optimizer)
        let initial = NetworkParameters.pytorchDefault(shape: settings.shape(rows: data.x.rows, inputDimension: data.x.cols),
                                                       source: data.stream)
        let runs = [1, 2, 3, 8].map { workers in
            NetworkTrainer.train(x: data.x, y: data.y, test: (data.xTest, data.yTest), settings: settings,
                                 initialParameters: initial, workers: workers)
        }
        for run in runs.dropFirst() {
            #expect(run.trainingLoss == runs[0].trainingLoss)
            #expect(run.testLoss == runs[0].testLoss)
            #expect(run.parameters == runs[0].parameters)
        }
        // The same worker count, again: the same bits.
        let again = NetworkTrainer.train(x: data.x, y: data.y, test: (data.xTest, data.yTest), settings: settings,
                                         initialParameters: initial, workers: 2)
        #expect(again.trainingLoss == runs[1].trainingLoss && again.parameters == runs[1].parameters)
        #expect(runs[0].trainingLoss.last! < 0.5 * runs[0].trainingLoss.first!)
    }

    @Test(arguments: cases)
    func parallelTrainingFollowsTheEvaluatorLoop(model: LearnedModel, activation: Activation, optimizer: OptimizerKind) {
        // The reference: NetworkEvaluator's whole-batch passes and AdamW.step, one after the other.
        let data = problem(seed: 42)
        let settings = TrainingSettings(model: model, activation: activation, epochs: 20, optimizer: optimizer)
        let shape = settings.shape(rows: data.x.rows, inputDimension: data.x.cols)
        let initial = NetworkParameters.pytorchDefault(shape: shape, source: data.stream)
        let trainer = NetworkEvaluator(shape: shape, activation: activation, x: data.x, y: data.y)
        let tester = NetworkEvaluator(shape: shape, activation: activation, x: data.xTest, y: data.yTest)
        var p = initial, gradient = NetworkParameters(zerosFor: shape)
        var optimizer = AdamW(shape: shape, kind: optimizer)
        var loss: [Double] = [], testLoss: [Double] = []
        for _ in 0..<settings.epochs {
            loss.append(trainer.lossAndGradient(p, into: &gradient))
            optimizer.step(&p, gradient: gradient)
            testLoss.append(tester.loss(p))
        }
        let result = NetworkTrainer.train(x: data.x, y: data.y, test: (data.xTest, data.yTest), settings: settings,
                                          initialParameters: initial, workers: 2)
        #expect(largestRelativeDifference(result.trainingLoss, loss) < 1e-12)
        #expect(largestRelativeDifference(result.testLoss, testLoss) < 1e-12)
        // The normalized network's W₁ gradient projects g off Nᵢ (g − Nᵢ Nᵢᵀg), which cancels, and fresh
        // AdamW divides by |gradient| + ε: round-off differences of the summation order (blocks vs one
        // pass) grow there to ~1e−11 of a weight in 20 epochs (seen: 4e−12 and 1.1e−11).
        let parameterTolerance = model == .normalized ? 1e-10 : 1e-12
        #expect(largestRelativeDifference(result.parameters.flattened, p.flattened, floor: 1e-3) < parameterTolerance)
        #expect(abs(result.testError! - testLoss.last!.squareRoot()) <= 1e-12 * testLoss.last!.squareRoot())
    }

    @Test func zeroEpochsReportTheInitialTestError() {
        let data = problem(seed: 43)
        let settings = TrainingSettings(model: .skip, epochs: 0)
        let initial = NetworkParameters.pytorchDefault(shape: settings.shape(rows: data.x.rows, inputDimension: data.x.cols),
                                                       source: data.stream)
        let result = NetworkTrainer.train(x: data.x, y: data.y, test: (data.xTest, data.yTest), settings: settings,
                                          initialParameters: initial, workers: 2)
        let direct = NetworkEvaluator(shape: initial.shape, activation: .relu, x: data.xTest, y: data.yTest).loss(initial)
        #expect(result.trainingLoss.isEmpty && result.testLoss.isEmpty && result.parameters == initial)
        #expect(abs(result.testError! - direct.squareRoot()) <= 1e-14 * direct.squareRoot())
    }

    @Test(arguments: [(401, 400, 100, true), (401, 400, 100, false), (41, 40, 20, true), (5, 4, 3, true),
                      (1001, 1000, 200, true), (1001, 1000, 100, true)])
    func neuronBlocksCoverEveryNeuronOnce(m: Int, rows: Int, d: Int, small: Bool) {
        let cut = NeuronBlocks(neurons: m, rows: rows, inputDimension: d, smallMatrixKernels: small)
        // An even number of blocks, unless there are fewer products than that.
        #expect(cut.blocks.count.isMultiple(of: 2) || cut.blocks.count == cut.products.joined().count)
        #expect(cut.blocks.first?.lowerBound == 0 && cut.blocks.last?.upperBound == m)
        for (block, next) in zip(cut.blocks, cut.blocks.dropFirst()) { #expect(block.upperBound == next.lowerBound) }
        for (block, products) in zip(cut.blocks, cut.products) {
            #expect(!block.isEmpty && products.first?.lowerBound == block.lowerBound && products.last?.upperBound == block.upperBound)
            for (product, next) in zip(products, products.dropFirst()) { #expect(product.upperBound == next.lowerBound) }
            // Small-matrix products stay within OpenBLAS's limit for them.
            if small && products.count > 1 {
                for product in products { #expect(product.count * rows * d <= BLASLibrary.smallProductLimit) }
            }
        }
        if !small { #expect(cut.products.allSatisfy { $0.count == 1 }) }
    }
}
