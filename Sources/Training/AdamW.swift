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
        let constants = AdamWStepConstants(decay: decay, oneMinusBeta1: oneMinusBeta1, beta2: h.beta2,
                                           oneMinusBeta2: oneMinusBeta2, negativeStepSize: negativeStepSize,
                                           biasCorrection2Root: biasCorrection2Root, epsilon: eps)
        for t in 0..<NetworkParameters.tensorCount {
            parameters.withTensor(t) { p in
                gradient.withTensorValues(t) { g in
                    firstMoments.withTensor(t) { m in
                        secondMoments.withTensor(t) { v in
                            constants.update(p, g, m, v)
                        }
                    }
                }
            }
        }
    }
}

/// The per-step scalars of AdamW and the elementwise update, in PyTorch's operation order.
/// Eight lanes at a time with `SIMD8` (whose square root is a plain vector instruction, so the loop
/// is vectorised; a scalar `squareRoot()` keeps an errno branch on Linux); the lanes compute
/// exactly the scalar formulas, so results do not depend on the chunking.
struct AdamWStepConstants {
    let decay: Double
    let oneMinusBeta1: Double
    let beta2: Double
    let oneMinusBeta2: Double
    let negativeStepSize: Double
    let biasCorrection2Root: Double
    let epsilon: Double

    func update(_ p: UnsafeMutableBufferPointer<Double>, _ g: UnsafeBufferPointer<Double>,
                _ m: UnsafeMutableBufferPointer<Double>, _ v: UnsafeMutableBufferPointer<Double>) {
        let count = p.count
        precondition(g.count == count && m.count == count && v.count == count)
        guard count > 0, let pb = p.baseAddress, let gb = g.baseAddress, let mb = m.baseAddress,
              let vb = v.baseAddress else { return }
        var k = 0
        typealias V8 = SIMD2<Double>
        let decay8 = V8(repeating: decay), b1c = V8(repeating: oneMinusBeta1), b2 = V8(repeating: beta2)
        let b2c = V8(repeating: oneMinusBeta2), step = V8(repeating: negativeStepSize)
        let root = V8(repeating: biasCorrection2Root), eps = V8(repeating: epsilon)
        while k + V8.scalarCount <= count {
            let pp = UnsafeMutableRawPointer(pb + k), gp = UnsafeRawPointer(gb + k)
            let mp = UnsafeMutableRawPointer(mb + k), vp = UnsafeMutableRawPointer(vb + k)
            var pk = pp.loadUnaligned(as: V8.self)
            let gk = gp.loadUnaligned(as: V8.self)
            var mk = mp.loadUnaligned(as: V8.self)
            var vk = vp.loadUnaligned(as: V8.self)
            pk = pk * decay8
            mk = mk + b1c * (gk - mk)
            vk = vk * b2 + b2c * gk * gk
            let denom = vk.squareRoot() / root + eps
            pk = pk + step * mk / denom
            pp.storeBytes(of: pk, as: V8.self)
            mp.storeBytes(of: mk, as: V8.self)
            vp.storeBytes(of: vk, as: V8.self)
            k += V8.scalarCount
        }
        while k < count {
            pb[k] *= decay
            let gk = gb[k]
            mb[k] = mb[k] + oneMinusBeta1 * (gk - mb[k])
            vb[k] = vb[k] * beta2 + oneMinusBeta2 * gk * gk
            let denom = vb[k].squareRoot() / biasCorrection2Root + epsilon
            pb[k] = pb[k] + negativeStepSize * mb[k] / denom
            k += 1
        }
    }
}
