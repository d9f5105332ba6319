import ModelKinds
import Foundation

/// An activation as static functions, so the column loops of `NetworkEvaluator` are specialised
/// (and vectorised) per activation instead of switching per element.
protocol ActivationKernel {
    static func value(_ x: Double) -> Double
    static func derivative(_ x: Double) -> Double
    /// (value, derivative), sharing what the two have in common.
    static func valueAndDerivative(_ x: Double) -> (value: Double, derivative: Double)
}

extension ActivationKernel {
    @inline(__always) static func valueAndDerivative(_ x: Double) -> (value: Double, derivative: Double) {
        (value(x), derivative(x))
    }
}

enum ReluKernel: ActivationKernel {
    @inline(__always) static func value(_ x: Double) -> Double { x > 0 ? x : 0 }
    @inline(__always) static func derivative(_ x: Double) -> Double { x > 0 ? 1 : 0 }
}

enum LeakyReluKernel: ActivationKernel {
    @inline(__always) static func value(_ x: Double) -> Double { x > 0 ? x : Activation.leakySlope * x }
    @inline(__always) static func derivative(_ x: Double) -> Double { x > 0 ? 1 : Activation.leakySlope }
}

enum TanhKernel: ActivationKernel {
    @inline(__always) static func value(_ x: Double) -> Double { Activation.tanh.value(x) }
    @inline(__always) static func derivative(_ x: Double) -> Double { Activation.tanh.derivative(x) }
    @inline(__always) static func valueAndDerivative(_ x: Double) -> (value: Double, derivative: Double) {
        let t = value(x)
        return (t, 1 - t * t)
    }
}

enum SigmoidKernel: ActivationKernel {
    @inline(__always) static func value(_ x: Double) -> Double { Activation.sigmoid.value(x) }
    @inline(__always) static func derivative(_ x: Double) -> Double { Activation.sigmoid.derivative(x) }
    @inline(__always) static func valueAndDerivative(_ x: Double) -> (value: Double, derivative: Double) {
        let s = value(x)
        return (s, s * (1 - s))
    }
}

enum GeluKernel: ActivationKernel {
    @inline(__always) static func value(_ x: Double) -> Double { Activation.gelu.value(x) }
    @inline(__always) static func derivative(_ x: Double) -> Double { Activation.gelu.derivative(x) }
}

/// The column loops of the plain and skip networks, fused so that the hidden layer is never
/// stored: the forward pass reads the pre-activations once, the backward pass reads them once and
/// overwrites them by ∂L/∂(XW₁). Column i of the pre-activations starts at `pre + i·stride`.
enum FusedColumns {
    /// outputs[k] = Σᵢ aᵢ act(pre[k, i]) for k < rows, i < weights.count (added to outputs[k] when
    /// `accumulate`).
    @inline(__always)
    static func forward<K: ActivationKernel>(_: K.Type, pre: UnsafePointer<Double>, stride: Int, rows: Int,
                                             weights: UnsafeBufferPointer<Double>, accumulate: Bool,
                                             outputs: UnsafeMutablePointer<Double>) {
        if !accumulate { outputs.update(repeating: 0, count: rows) }
        let m = weights.count
        var i = 0
        // Four columns per sweep: a quarter of the loads and stores of `outputs`.
        while i + 4 <= m {
            let a0 = weights[i], a1 = weights[i + 1], a2 = weights[i + 2], a3 = weights[i + 3]
            let c0 = pre + i * stride, c1 = c0 + stride, c2 = c1 + stride, c3 = c2 + stride
            for k in 0..<rows {
                let s01 = a0 * K.value(c0[k]) + a1 * K.value(c1[k])
                let s23 = a2 * K.value(c2[k]) + a3 * K.value(c3[k])
                outputs[k] += s01 + s23
            }
            i += 4
        }
        while i < m {
            let a = weights[i]
            let column = pre + i * stride
            for k in 0..<rows { outputs[k] += a * K.value(column[k]) }
            i += 1
        }
    }

    /// gradA[i] = Σₖ act(pre[k, i]) g[k], then pre[k, i] ← act'(pre[k, i]) aᵢ g[k], for k < rows.
    /// The sum runs in four interleaved partial sums (so the loop is not bound by the latency of one
    /// chain of additions), combined as (s₀ + s₁) + (s₂ + s₃).
    @inline(__always)
    static func backward<K: ActivationKernel>(_: K.Type, pre: UnsafeMutablePointer<Double>, stride: Int, rows: Int,
                                              weights: UnsafeBufferPointer<Double>, g: UnsafePointer<Double>,
                                              gradA: UnsafeMutablePointer<Double>) {
        for i in 0..<weights.count {
            let a = weights[i]
            let column = pre + i * stride
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            var k = 0
            while k + 4 <= rows {
                let z0 = K.valueAndDerivative(column[k]), z1 = K.valueAndDerivative(column[k + 1])
                let z2 = K.valueAndDerivative(column[k + 2]), z3 = K.valueAndDerivative(column[k + 3])
                let g0 = g[k], g1 = g[k + 1], g2 = g[k + 2], g3 = g[k + 3]
                s0 += z0.value * g0; s1 += z1.value * g1; s2 += z2.value * g2; s3 += z3.value * g3
                column[k] = z0.derivative * (a * g0); column[k + 1] = z1.derivative * (a * g1)
                column[k + 2] = z2.derivative * (a * g2); column[k + 3] = z3.derivative * (a * g3)
                k += 4
            }
            while k < rows {
                let z = K.valueAndDerivative(column[k])
                s0 += z.value * g[k]
                column[k] = z.derivative * (a * g[k])
                k += 1
            }
            gradA[i] = (s0 + s1) + (s2 + s3)
        }
    }

    /// Dispatches `forward` on the activation.
    static func forward(_ activation: Activation, pre: UnsafePointer<Double>, stride: Int, rows: Int,
                        weights: UnsafeBufferPointer<Double>, accumulate: Bool, outputs: UnsafeMutablePointer<Double>) {
        switch activation {
        case .relu: forward(ReluKernel.self, pre: pre, stride: stride, rows: rows, weights: weights, accumulate: accumulate, outputs: outputs)
        case .leakyRelu: forward(LeakyReluKernel.self, pre: pre, stride: stride, rows: rows, weights: weights, accumulate: accumulate, outputs: outputs)
        case .tanh: forward(TanhKernel.self, pre: pre, stride: stride, rows: rows, weights: weights, accumulate: accumulate, outputs: outputs)
        case .sigmoid: forward(SigmoidKernel.self, pre: pre, stride: stride, rows: rows, weights: weights, accumulate: accumulate, outputs: outputs)
        case .gelu: forward(GeluKernel.self, pre: pre, stride: stride, rows: rows, weights: weights, accumulate: accumulate, outputs: outputs)
        }
    }

    /// Dispatches `backward` on the activation.
    static func backward(_ activation: Activation, pre: UnsafeMutablePointer<Double>, stride: Int, rows: Int,
                         weights: UnsafeBufferPointer<Double>, g: UnsafePointer<Double>,
                         gradA: UnsafeMutablePointer<Double>) {
        switch activation {
        case .relu: backward(ReluKernel.self, pre: pre, stride: stride, rows: rows, weights: weights, g: g, gradA: gradA)
        case .leakyRelu: backward(LeakyReluKernel.self, pre: pre, stride: stride, rows: rows, weights: weights, g: g, gradA: gradA)
        case .tanh: backward(TanhKernel.self, pre: pre, stride: stride, rows: rows, weights: weights, g: g, gradA: gradA)
        case .sigmoid: backward(SigmoidKernel.self, pre: pre, stride: stride, rows: rows, weights: weights, g: g, gradA: gradA)
        case .gelu: backward(GeluKernel.self, pre: pre, stride: stride, rows: rows, weights: weights, g: g, gradA: gradA)
        }
    }
}
