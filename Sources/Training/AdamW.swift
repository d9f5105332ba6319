import ModelKinds
import Foundation

/// AdamW hyper-parameters (docs/science.md §3 defaults: lr 2e−3, decoupled weight decay 1e−6, PyTorch's
/// betas and eps).
public struct AdamWHyperparameters: Sendable, Equatable {
    /// Step size lr (2e−3).
    public var learningRate: Double
    /// Decoupled weight decay wd (1e−6): p ← p(1 − lr·wd) before the Adam step.
    public var weightDecay: Double
    /// First-moment decay β₁ (0.9).
    public var beta1: Double
    /// Second-moment decay β₂ (0.999).
    public var beta2: Double
    /// Denominator guard ε (1e−8).
    public var epsilon: Double

    /// The docs/science.md §3 defaults unless overridden.
    public init(learningRate: Double = 2e-3, weightDecay: Double = 1e-6,
                beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }
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
    /// The step count and the per-step constants.
    private var schedule: AdamWSchedule
    /// lr, weight decay, betas, eps.
    public var hyperparameters: AdamWHyperparameters { schedule.hyperparameters }
    /// Whether every step starts from zero moments (`OptimizerKind.adamwFresh`).
    public var fresh: Bool { schedule.fresh }
    /// First moments m, per parameter tensor (W₁, a, w₀, α₀, γ), flattened as in `NetworkParameters`.
    public private(set) var firstMoments: NetworkParameters
    /// Second moments v, same layout.
    public private(set) var secondMoments: NetworkParameters
    /// Number of steps taken since the moments were last zeroed.
    public var stepCount: Int { schedule.stepCount }

    /// An optimiser for networks of `shape`.
    public init(shape: NetworkShape, kind: OptimizerKind, hyperparameters: AdamWHyperparameters = .init()) {
        schedule = AdamWSchedule(kind: kind, hyperparameters: hyperparameters)
        firstMoments = NetworkParameters(zerosFor: shape)
        secondMoments = NetworkParameters(zerosFor: shape)
    }

    /// One optimiser step on `parameters` with gradient `gradient`.
    public mutating func step(_ parameters: inout NetworkParameters, gradient: NetworkParameters) {
        precondition(parameters.shape == firstMoments.shape && gradient.shape == firstMoments.shape,
                     "AdamW: parameters of another shape")
        let constants = schedule.next()
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

/// AdamW's step counter: `next()` gives the constants of the coming step. Every scalar of every
/// tensor is updated by the same elementwise formula with these constants, so any partition of the
/// parameters into ranges updated separately gives the same bits.
struct AdamWSchedule: Sendable {
    let hyperparameters: AdamWHyperparameters
    /// Whether every step starts from zero moments.
    let fresh: Bool
    /// Number of steps taken since the moments were last zeroed.
    private(set) var stepCount = 0

    init(kind: OptimizerKind, hyperparameters: AdamWHyperparameters) {
        self.hyperparameters = hyperparameters
        fresh = kind == .adamwFresh
    }

    /// Advances the step count (restarting it when fresh) and returns that step's constants.
    mutating func next() -> AdamWStepConstants {
        if fresh { stepCount = 0 }
        stepCount += 1
        let h = hyperparameters
        let step = Double(stepCount)
        let biasCorrection1 = 1 - pow(h.beta1, step)
        let biasCorrection2 = 1 - pow(h.beta2, step)
        return AdamWStepConstants(decay: 1 - h.learningRate * h.weightDecay, oneMinusBeta1: 1 - h.beta1,
                                  beta2: h.beta2, oneMinusBeta2: 1 - h.beta2,
                                  negativeStepSize: -(h.learningRate / biasCorrection1),
                                  biasCorrection2Root: biasCorrection2.squareRoot(), epsilon: h.epsilon,
                                  resetMoments: fresh)
    }
}

/// The per-step scalars of AdamW and the elementwise update, in PyTorch's operation order.
/// Two lanes at a time with `SIMD2` (whose square root is a plain vector instruction, so the loop
/// is vectorised; a scalar `squareRoot()` keeps an errno branch on Linux); the lanes compute
/// exactly the scalar formulas, so results do not depend on the chunking.
struct AdamWStepConstants: Sendable {
    let decay: Double
    let oneMinusBeta1: Double
    let beta2: Double
    let oneMinusBeta2: Double
    let negativeStepSize: Double
    let biasCorrection2Root: Double
    let epsilon: Double
    /// Fresh AdamW: the moments are zeroed before the step (they are read as 0, then written).
    let resetMoments: Bool

    /// The update of the scalars `range` of parameters p with gradient g and moments m, v (all in
    /// one layout, e.g. `NetworkParameters.flattened`). Without moment buffers (nil, fresh AdamW
    /// only: its moments are never read) the same values are computed and the moments not stored.
    func update(_ range: Range<Int>, parameters p: UnsafeMutablePointer<Double>, gradient g: UnsafePointer<Double>,
                firstMoments m: UnsafeMutablePointer<Double>?, secondMoments v: UnsafeMutablePointer<Double>?) {
        let lo = range.lowerBound, count = range.count
        precondition((m != nil && v != nil) || resetMoments, "AdamW: moments needed")
        update(UnsafeMutableBufferPointer(start: p + lo, count: count), UnsafeBufferPointer(start: g + lo, count: count),
               UnsafeMutableBufferPointer(start: m.map { $0 + lo }, count: m == nil ? 0 : count),
               UnsafeMutableBufferPointer(start: v.map { $0 + lo }, count: v == nil ? 0 : count))
    }

    /// The update of p with gradient g and moments m, v (all of one length; m and v empty for
    /// fresh AdamW without stored moments).
    func update(_ p: UnsafeMutableBufferPointer<Double>, _ g: UnsafeBufferPointer<Double>,
                _ m: UnsafeMutableBufferPointer<Double>, _ v: UnsafeMutableBufferPointer<Double>) {
        let count = p.count
        precondition(g.count == count && m.count == v.count && (m.count == count || (m.isEmpty && resetMoments)))
        guard count > 0, let pb = p.baseAddress, let gb = g.baseAddress else { return }
        let moments = m.isEmpty ? nil : (m.baseAddress!, v.baseAddress!)
        let reset = resetMoments
        var k = 0
        typealias V2 = SIMD2<Double>
        let decay2 = V2(repeating: decay), b1c = V2(repeating: oneMinusBeta1), b2 = V2(repeating: beta2)
        let b2c = V2(repeating: oneMinusBeta2), step = V2(repeating: negativeStepSize)
        let root = V2(repeating: biasCorrection2Root), eps = V2(repeating: epsilon)
        while k + V2.scalarCount <= count {
            let pp = UnsafeMutableRawPointer(pb + k)
            var pk = pp.loadUnaligned(as: V2.self)
            let gk = UnsafeRawPointer(gb + k).loadUnaligned(as: V2.self)
            var mk = V2(), vk = V2()
            if let (mb, vb) = moments, !reset {
                mk = UnsafeRawPointer(mb + k).loadUnaligned(as: V2.self)
                vk = UnsafeRawPointer(vb + k).loadUnaligned(as: V2.self)
            }
            pk = pk * decay2
            mk = mk + b1c * (gk - mk)
            vk = vk * b2 + b2c * gk * gk
            let denom = vk.squareRoot() / root + eps
            pk = pk + step * mk / denom
            pp.storeBytes(of: pk, as: V2.self)
            if let (mb, vb) = moments {
                UnsafeMutableRawPointer(mb + k).storeBytes(of: mk, as: V2.self)
                UnsafeMutableRawPointer(vb + k).storeBytes(of: vk, as: V2.self)
            }
            k += V2.scalarCount
        }
        while k < count {
            var mk = 0.0, vk = 0.0
            if let (mb, vb) = moments, !reset { mk = mb[k]; vk = vb[k] }
            pb[k] *= decay
            let gk = gb[k]
            mk = mk + oneMinusBeta1 * (gk - mk)
            vk = vk * beta2 + oneMinusBeta2 * gk * gk
            let denom = vk.squareRoot() / biasCorrection2Root + epsilon
            pb[k] = pb[k] + negativeStepSize * mk / denom
            if let (mb, vb) = moments { mb[k] = mk; vb[k] = vk }
            k += 1
        }
    }
}
