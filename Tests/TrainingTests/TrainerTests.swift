import LinearAlgebra
import ModelKinds
import RandomStreams
import Testing
@testable import Training

struct TrainerTests {
    @Test func resultMetricsAreConsistentWithTheFinalWeights() {
        let stream = testStream(5)
        let n = 12, d = 3
        let x = gaussianMatrix(rows: n, cols: d, stream: stream)
        let xTest = gaussianMatrix(rows: n, cols: d, stream: stream)
        let wStar = [0.6, 0.0, 0.8]
        let y = x.times(wStar), yTest = xTest.times(wStar)
        let settings = TrainingSettings(model: .skip, epochs: 30)
        let result = NetworkTrainer.train(x: x, y: y, test: (xTest, yTest), settings: settings,
                                          initialization: PhiloxStream(key: (1, 2), substream: StreamPurpose.initialization.rawValue))
        let p = result.parameters
        #expect(p.shape.width == n + 1)
        #expect(result.trainingLoss.count == 30 && result.testLoss.count == 30)
        let predictions = NetworkEvaluator(shape: p.shape, activation: .relu, x: xTest, y: yTest).predictions(p)
        let direct = Vector.norm(Vector.subtract(predictions, yTest))
        #expect(abs(result.testError! - direct) <= 1e-12 * max(1, direct))
        #expect(abs(result.testLoss.last! - direct * direct) <= 1e-12 * max(1, direct * direct))
        let effective = try! #require(result.effectiveLinearWeight)
        for j in 0..<d { #expect(effective[j] == p.skipScale * p.skipWeights[j]) }
        var scaled = p.firstLayer
        for i in 0..<p.shape.width { for r in 0..<d { scaled[r, i] *= p.outputWeights[i] } }
        #expect(abs(result.otherNorm - scaled.frobeniusNorm) <= 1e-14 * max(1, scaled.frobeniusNorm))
        #expect(result.trainingLoss.last! < result.trainingLoss.first!)
    }

    @Test func otherNormIncludesNormalizationScales() {
        var p = NetworkParameters(model: .normalized, firstLayer: Matrix(rowMajor: [[1, 2], [2, 0]]), outputWeights: [0.5, -1])
        p.normalizationScales = [2, 3]
        // Columns (1,2) and (2,0) scaled by 0.5·2 = 1 and −1·3 = −3: sqrt(5 + 36).
        #expect(abs(p.otherNorm - 41.0.squareRoot()) < 1e-14)
        #expect(p.effectiveLinearWeight == nil)
    }

    @Test func initializationFollowsPyTorchBoundsAndDocumentedDrawOrder() {
        let shape = NetworkShape(model: .skip, inputDimension: 4, width: 9)
        let p = NetworkParameters.pytorchDefault(shape: shape, source: PhiloxStream(key: (3, 4), substream: 5))
        let replay = PhiloxStream(key: (3, 4), substream: 5)
        let expected = replay.uniforms(36, in: -0.5, 0.5) + replay.uniforms(9, in: -1.0 / 3, 1.0 / 3)
            + replay.uniforms(4, in: -0.5, 0.5) + [replay.nextUniform(in: -1, 1)]
        #expect(p.flattened == expected)
        let normalized = NetworkParameters.pytorchDefault(shape: NetworkShape(model: .normalized, inputDimension: 4, width: 9),
                                                          source: PhiloxStream(key: (3, 4), substream: 5))
        #expect(normalized.normalizationScales == Array(repeating: 1, count: 9))
        #expect(Array(normalized.flattened.prefix(45)) == Array(expected.prefix(45)))
    }

    @Test func flattenedRoundTrips() {
        let p = randomParameters(model: .skip, d: 3, m: 4, stream: testStream(8))
        #expect(NetworkParameters(shape: p.shape, flattened: p.flattened) == p)
        #expect(p.flattened.count == p.shape.parameterCount)
    }
}
