import LinearAlgebra
import ModelKinds
import RandomStreams
import Testing
@testable import Training

/// Hand-written gradients against central finite differences, every model × activation.
struct GradientTests {
    static let cases: [(LearnedModel, Activation)] =
        LearnedModel.allCases.flatMap { model in Activation.allCases.map { (model, $0) } }

    @Test(arguments: cases)
    func gradientMatchesCentralDifferences(model: LearnedModel, activation: Activation) throws {
        let n = 7, d = 4, m = 5
        let stream = testStream(UInt64(LearnedModel.allCases.firstIndex(of: model)! * 10
                                       + Activation.allCases.firstIndex(of: activation)!))
        let x = gaussianMatrix(rows: n, cols: d, stream: stream)
        let y = stream.normals(n)
        let p = randomParameters(model: model, d: d, m: m, stream: stream)
        let evaluator = NetworkEvaluator(shape: p.shape, activation: activation, x: x, y: y)
        var gradient = NetworkParameters(zerosFor: p.shape)
        let loss = evaluator.lossAndGradient(p, into: &gradient)
        #expect(abs(loss - evaluator.loss(p)) <= 1e-14 * max(1, loss))

        let flat = p.flattened
        let analytic = gradient.flattened
        let h = 1e-6
        var numeric = [Double](repeating: 0, count: flat.count)
        for k in flat.indices {
            var plus = flat, minus = flat
            plus[k] += h
            minus[k] -= h
            let lp = evaluator.loss(NetworkParameters(shape: p.shape, flattened: plus))
            let lm = evaluator.loss(NetworkParameters(shape: p.shape, flattened: minus))
            numeric[k] = (lp - lm) / (2 * h)
        }
        let scale = max(1, Vector.maxAbs(analytic))
        let error = Vector.maxAbs(Vector.subtract(analytic, numeric)) / scale
        #expect(error < 1e-6, "\(model) \(activation): relative gradient error \(error)")
        // The gradient is not trivially zero (the check could not pass vacuously).
        #expect(Vector.maxAbs(analytic) > 1e-3)
    }

    @Test func zeroColumnContributesNothingToNormalizedNetwork() {
        // Neuron 0 has weights making X W₁₀ ≤ 0 for every row, so relu gives a zero column.
        let x = Matrix(rowMajor: [[1, 0.5], [0.2, 1], [0.7, 0.3]])
        var p = NetworkParameters(model: .normalized, firstLayer: Matrix(rowMajor: [[-1, 0.4], [-1, 0.9]]),
                                  outputWeights: [3, 0.5])
        p.normalizationScales = [2, 1]
        let y = [0.1, 0.2, 0.3]
        let evaluator = NetworkEvaluator(shape: p.shape, activation: .relu, x: x, y: y)
        var gradient = NetworkParameters(zerosFor: p.shape)
        _ = evaluator.lossAndGradient(p, into: &gradient)
        let predictions = evaluator.predictions(p)
        // Only neuron 1 contributes: 0.5 · relu(X w₁)/‖relu(X w₁)‖.
        let column = x.times([0.4, 0.9]).map { max($0, 0) }
        let norm = Vector.norm(column)
        for k in 0..<3 { #expect(abs(predictions[k] - 0.5 * column[k] / norm) < 1e-15) }
        #expect(gradient.outputWeights[0] == 0)
        #expect(gradient.normalizationScales[0] == 0)
        #expect(gradient.firstLayer[0, 0] == 0 && gradient.firstLayer[1, 0] == 0)
        #expect(!gradient.firstLayer.storage.contains { $0.isNaN })
    }
}
