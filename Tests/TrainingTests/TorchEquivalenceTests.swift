import Foundation
import LinearAlgebra
import ModelKinds
import Testing
@testable import Training

/// A fixture written by tools/make_torch_fixture.py (float64 PyTorch, 50 epochs).
struct TorchFixture: Decodable {
    let model: String
    let activation: String
    let epochs: Int
    let x: [[Double]]
    let y: [Double]
    let xTest: [[Double]]
    let yTest: [Double]
    let firstLayerNeurons: [[Double]]
    let outputWeights: [Double]
    let skipWeights: [Double]
    let skipScale: Double
    let normalizationScales: [Double]
    let freshLoss: [Double]
    let freshTestLoss: [Double]
    let persistentLoss: [Double]
    let persistentTestLoss: [Double]

    var initialParameters: NetworkParameters {
        NetworkParameters(model: LearnedModel(rawValue: model)!,
                          firstLayer: Matrix(columns: firstLayerNeurons),
                          outputWeights: outputWeights, skipWeights: skipWeights, skipScale: skipScale,
                          normalizationScales: model == "normalized" ? normalizationScales : nil)
    }
}

/// Our trainer reproduces PyTorch's loss curves from the same initial weights.
struct TorchEquivalenceTests {
    @Test(arguments: ["plain", "skip", "normalized", "plain_gelu", "normalized_tanh"])
    func lossCurvesMatchPyTorch(caseName: String) throws {
        let f = try JSONDecoder().decode(TorchFixture.self, from: fixtureData("torch_\(caseName).json"))
        let model = try #require(LearnedModel(rawValue: f.model))
        let activation = try #require(Activation(rawValue: f.activation))
        let x = Matrix(rowMajor: f.x), xTest = Matrix(rowMajor: f.xTest)
        for (kind, loss, testLoss) in [(OptimizerKind.adamwFresh, f.freshLoss, f.freshTestLoss),
                                       (.adamw, f.persistentLoss, f.persistentTestLoss)] {
            let settings = TrainingSettings(model: model, activation: activation, epochs: f.epochs, optimizer: kind)
            let result = NetworkTrainer.train(x: x, y: f.y, test: (xTest, f.yTest), settings: settings,
                                              initialParameters: f.initialParameters)
            #expect(result.trainingLoss.count == f.epochs && result.testLoss.count == f.epochs)
            let trainError = largestRelativeDifference(result.trainingLoss, loss)
            let testError = largestRelativeDifference(result.testLoss, testLoss)
            #expect(trainError < 1e-6, "\(caseName) \(kind): training curve off by \(trainError)")
            #expect(testError < 1e-6, "\(caseName) \(kind): test curve off by \(testError)")
            // The curves are not flat: training did something the comparison can see.
            #expect(loss.last! < 0.9 * loss.first!)
        }
        // The two optimisers give visibly different curves, so each comparison is discriminating.
        #expect(largestRelativeDifference(f.freshLoss, f.persistentLoss) > 1e-3)
    }
}
