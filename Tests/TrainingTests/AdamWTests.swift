import Foundation
import LinearAlgebra
import ModelKinds
import Testing
@testable import Training

struct AdamWTests {
    func sample(model: LearnedModel = .skip) -> (NetworkParameters, NetworkParameters) {
        let stream = testStream(77)
        let p = randomParameters(model: model, d: 3, m: 4, stream: stream)
        let g = NetworkParameters(shape: p.shape, flattened: stream.normals(p.shape.parameterCount))
        return (p, g)
    }

    @Test func freshStepIsTheClosedForm() {
        let (p0, g) = sample()
        var p = p0
        var optimizer = AdamW(shape: p.shape, kind: .adamwFresh)
        optimizer.step(&p, gradient: g)
        let lr = 2e-3, wd = 1e-6, b1 = 0.9, b2 = 0.999, eps = 1e-8
        // First step: m = (1−β₁)g, v = (1−β₂)g², m̂ = g, √v̂ = |g|.
        let expected = zip(p0.flattened, g.flattened).map { (w, gk) -> Double in
            let mHat = (1 - b1) * gk / (1 - b1)
            let vHatRoot = ((1 - b2) * gk * gk).squareRoot() / (1 - b2).squareRoot()
            return w * (1 - lr * wd) - lr * mHat / (vHatRoot + eps)
        }
        let diff = Vector.maxAbs(Vector.subtract(p.flattened, expected))
        #expect(diff < 1e-15, "fresh step differs by \(diff)")
        // The step is ≈ lr·sign(g): every coordinate moved by about lr.
        for (a, b) in zip(p.flattened, p0.flattened) { #expect(abs(abs(a - b) - lr) < 1e-6) }

        // A second fresh step is again a first step (moments reset).
        var q = p
        optimizer.step(&q, gradient: g)
        #expect(optimizer.stepCount == 1)
        let again = zip(p.flattened, g.flattened).map { (w, gk) -> Double in
            w * (1 - lr * wd) - lr * gk / ((gk * gk).squareRoot() + eps)
        }
        #expect(Vector.maxAbs(Vector.subtract(q.flattened, again)) < 1e-15)
    }

    @Test func persistentMomentsMatchAHandComputedThreeStepExample() {
        // One scalar parameter, gradients 1, −2, 0.5 on three steps, written out by hand.
        let shape = NetworkShape(model: .plain, inputDimension: 1, width: 1)
        var p = NetworkParameters(shape: shape, flattened: [0.3, -0.7])
        var optimizer = AdamW(shape: shape, kind: .adamw)
        let lr = 2e-3, wd = 1e-6, b1 = 0.9, b2 = 0.999, eps = 1e-8
        var w = [0.3, -0.7]
        var m = [0.0, 0.0], v = [0.0, 0.0]
        let gradients: [[Double]] = [[1, 4], [-2, 0.25], [0.5, -3]]
        for (t, g) in gradients.enumerated() {
            optimizer.step(&p, gradient: NetworkParameters(shape: shape, flattened: g))
            let step = Double(t + 1)
            for k in 0..<2 {
                w[k] *= 1 - lr * wd
                m[k] = b1 * m[k] + (1 - b1) * g[k]
                v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k]
                let mHat = m[k] / (1 - pow(b1, step))
                let vHat = v[k] / (1 - pow(b2, step))
                w[k] -= lr * mHat / (vHat.squareRoot() + eps)
            }
        }
        #expect(optimizer.stepCount == 3)
        #expect(Vector.maxAbs(Vector.subtract(optimizer.firstMoments.flattened, m)) < 1e-15)
        #expect(Vector.maxAbs(Vector.subtract(optimizer.secondMoments.flattened, v)) < 1e-15)
        #expect(Vector.maxAbs(Vector.subtract(p.flattened, w)) < 1e-15)
        // m after three steps, by hand: 0.9·(0.9·0.1 + 0.1·(−2)) + 0.1·0.5 = −0.049.
        #expect(abs(optimizer.firstMoments.flattened[0] - (-0.049)) < 1e-15)
        // Persistent moments differ from a fresh optimiser's third step.
        var fresh = NetworkParameters(shape: shape, flattened: [0.3, -0.7])
        var freshOptimizer = AdamW(shape: shape, kind: .adamwFresh)
        for g in gradients { freshOptimizer.step(&fresh, gradient: NetworkParameters(shape: shape, flattened: g)) }
        #expect(Vector.maxAbs(Vector.subtract(fresh.flattened, p.flattened)) > 1e-4)
    }

    @Test func decayIsAppliedBeforeTheAdamStep() {
        // With a zero gradient only the decoupled decay acts: p ← p(1 − lr·wd).
        let (p0, _) = sample(model: .normalized)
        var p = p0
        var optimizer = AdamW(shape: p.shape, kind: .adamw, hyperparameters: .init(weightDecay: 0.5))
        optimizer.step(&p, gradient: NetworkParameters(zerosFor: p.shape))
        let expected = p0.flattened.map { $0 * (1 - 2e-3 * 0.5) }
        #expect(p.flattened == expected)
    }
}
