import Foundation

/// The hidden-layer nonlinearity of a trained network (SPEC §3). Raw values are the manifest names.
///
/// Each case computes exactly what the PyTorch module of the same name computes by default,
/// and its derivative is PyTorch's backward formula (including the value chosen at kinks).
public enum Activation: String, Codable, CaseIterable, Sendable {
    /// `max(x, 0)`; derivative 1 for x > 0 and 0 for x ≤ 0 (PyTorch's choice at 0).
    case relu
    /// `x` for x > 0, `0.01 x` otherwise (`nn.LeakyReLU()` default slope); derivative 1 or 0.01 (0.01 at 0).
    case leakyRelu = "leaky_relu"
    /// Hyperbolic tangent; derivative `1 − tanh²`.
    case tanh
    /// Logistic `1/(1 + e^{−x})`; derivative `σ(1 − σ)`.
    case sigmoid
    /// Exact GELU `x Φ(x) = x · ½(1 + erf(x/√2))` (`nn.GELU()` default, not the tanh approximation);
    /// derivative `Φ(x) + x φ(x)`.
    case gelu

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

    /// Overwrites `pre[k]` by its derivative and writes the activation into `out[k]`, for all k:
    /// one pass over a pre-activation buffer (the hot loop of training).
    @inlinable
    public func apply(_ pre: UnsafeMutableBufferPointer<Double>, valuesInto out: UnsafeMutableBufferPointer<Double>) {
        precondition(pre.count == out.count)
        switch self {
        case .relu:
            for k in 0..<pre.count {
                let z = pre[k]
                if z > 0 { out[k] = z; pre[k] = 1 } else { out[k] = 0; pre[k] = 0 }
            }
        case .leakyRelu:
            for k in 0..<pre.count {
                let z = pre[k]
                if z > 0 { out[k] = z; pre[k] = 1 } else { out[k] = Activation.leakySlope * z; pre[k] = Activation.leakySlope }
            }
        case .tanh:
            for k in 0..<pre.count {
                let t = Foundation.tanh(pre[k])
                out[k] = t
                pre[k] = 1 - t * t
            }
        case .sigmoid:
            for k in 0..<pre.count {
                let s = 1 / (1 + exp(-pre[k]))
                out[k] = s
                pre[k] = s * (1 - s)
            }
        case .gelu:
            for k in 0..<pre.count {
                let z = pre[k]
                out[k] = value(z)
                pre[k] = derivative(z)
            }
        }
    }

    /// Applies the activation in place (no derivative), e.g. for test-set predictions.
    @inlinable
    public func applyInPlace(_ values: UnsafeMutableBufferPointer<Double>) {
        switch self {
        case .relu:
            for k in 0..<values.count where !(values[k] > 0) { values[k] = 0 }
        default:
            for k in 0..<values.count { values[k] = value(values[k]) }
        }
    }
}
