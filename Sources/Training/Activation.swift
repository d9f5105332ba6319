import Foundation
import ModelKinds

/// Values and derivatives of the hidden-layer nonlinearities (docs/science.md §3).
///
/// Each case computes exactly what the PyTorch module of the same name computes by default,
/// and its derivative is PyTorch's backward formula (including the value chosen at kinks):
/// relu 1 for x > 0 and 0 for x ≤ 0; leaky_relu 1 or 0.01 (0.01 at 0); tanh 1 − tanh²;
/// sigmoid σ(1 − σ); gelu Φ(x) + x φ(x) (exact erf form).
extension Activation {
    /// The slope of `leakyRelu` for negative inputs.
    public static let leakySlope = 0.01

    /// The activation at `x`.
    @inlinable
    public func value(_ x: Double) -> Double {
        switch self {
        case .relu: return x > 0 ? x : 0
        case .leakyRelu: return x > 0 ? x : Activation.leakySlope * x
        case .tanh: return Foundation.tanh(x)
        case .sigmoid: return 1 / (1 + exp(-x))
        case .gelu: return x * 0.5 * (1 + erf(x * 0.5.squareRoot()))
        }
    }

    /// The derivative at `x` (PyTorch's convention at the kinks of relu and leaky relu).
    @inlinable
    public func derivative(_ x: Double) -> Double {
        switch self {
        case .relu: return x > 0 ? 1 : 0
        case .leakyRelu: return x > 0 ? 1 : Activation.leakySlope
        case .tanh:
            let t = Foundation.tanh(x)
            return 1 - t * t
        case .sigmoid:
            let s = 1 / (1 + exp(-x))
            return s * (1 - s)
        case .gelu:
            let cdf = 0.5 * (1 + erf(x * 0.5.squareRoot()))
            let pdf = exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
            return cdf + x * pdf
        }
    }
}
