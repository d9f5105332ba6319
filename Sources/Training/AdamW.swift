import Foundation

/// AdamW hyper-parameters (SPEC §3 defaults: lr 2e−3, decoupled weight decay 1e−6, PyTorch's
/// betas and eps).
public struct AdamWHyperparameters: Sendable, Equatable {
    public var learningRate: Double
    public var weightDecay: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double

    public init(learningRate: Double = 2e-3, weightDecay: Double = 1e-6,
                beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }
}

/// Which optimiser state the trainer keeps between steps (SPEC §3). Raw values are manifest names.
public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
    /// A fresh AdamW every step, as the reference code does: every step is Adam's first step,
    /// p ← p(1 − lr·wd) − lr · g / (|g| + ε) up to the exact bias correction.
    case adamwFresh = "adamw-fresh"
    /// One AdamW for the whole run (moments persist).
    case adamw
}

/// AdamW exactly as PyTorch's single-tensor `torch.optim.AdamW` updates each parameter tensor,
/// in the same order of floating-point operations:
///
///     p ← p · (1 − lr·wd)                         (decoupled decay first)
///     m ← m + (1 − β₁)(g − m)                     (`lerp_`)
///     v ← v·β₂ + ((1 − β₂)·g)·g                   (`mul_` then `addcmul_`)
///     t ← t + 1;  b₁ = 1 − β₁ᵗ;  b₂ = 1 − β₂ᵗ
///     p ← p + ((−lr/b₁)·m) / (√v / √b₂ + ε)       (`addcdiv_`)
///
/// With `fresh`, the moments and t are reset to zero before every step.
public struct AdamW: Sendable {
    public let hyperparameters: AdamWHyperparameters
    /// Whether every step starts from zero moments (`OptimizerKind.adamwFresh`).
    public let fresh: Bool
    /// First moments m, per parameter tensor (W₁, a, w₀, α₀, γ), flattened as in `NetworkParameters`.
    public private(set) var firstMoments: NetworkParameters
    /// Second moments v, same layout.
    public private(set) var secondMoments: NetworkParameters
    /// Number of steps taken since the moments were last zeroed.
    public private(set) var stepCount: Int = 0

    /// An optimiser for networks of `shape`.
    public init(shape: NetworkShape, kind: OptimizerKind, hyperparameters: AdamWHyperparameters = .init()) {
        self.hyperparameters = hyperparameters
        self.fresh = kind == .adamwFresh
        firstMoments = NetworkParameters(zerosFor: shape)
        secondMoments = NetworkParameters(zerosFor: shape)
    }

    /// One optimiser step on `parameters` with gradient `gradient`.
    public mutating func step(_ parameters: inout NetworkParameters, gradient: NetworkParameters) {
        precondition(parameters.shape == firstMoments.shape && gradient.shape == firstMoments.shape,
                     "AdamW: parameters of another shape")
        if fresh {
            stepCount = 0
            for t in 0..<NetworkParameters.tensorCount {
                firstMoments.withTensor(t) { for k in $0.indices { $0[k] = 0 } }
                secondMoments.withTensor(t) { for k in $0.indices { $0[k] = 0 } }
            }
        }
        stepCount += 1
        let h = hyperparameters
        let decay = 1 - h.learningRate * h.weightDecay
        let oneMinusBeta1 = 1 - h.beta1
        let oneMinusBeta2 = 1 - h.beta2
        let step = Double(stepCount)
        let biasCorrection1 = 1 - pow(h.beta1, step)
        let biasCorrection2 = 1 - pow(h.beta2, step)
        let negativeStepSize = -(h.learningRate / biasCorrection1)
        let biasCorrection2Root = biasCorrection2.squareRoot()
        let eps = h.epsilon
        for t in 0..<NetworkParameters.tensorCount {
            parameters.withTensor(t) { p in
                gradient.withTensorValues(t) { g in
                    firstMoments.withTensor(t) { m in
                        secondMoments.withTensor(t) { v in
                            for k in 0..<p.count {
                                p[k] *= decay
                                let gk = g[k]
                                m[k] = m[k] + oneMinusBeta1 * (gk - m[k])
                                v[k] = v[k] * h.beta2 + oneMinusBeta2 * gk * gk
                                let denom = v[k].squareRoot() / biasCorrection2Root + eps
                                p[k] = p[k] + negativeStepSize * m[k] / denom
                            }
                        }
                    }
                }
            }
        }
    }
}
