import Foundation

/// An activation as static functions, so the column loops of `NetworkEvaluator` are specialised
/// (and vectorised) per activation instead of switching per element.
protocol ActivationKernel {
    static func value(_ x: Double) -> Double
    static func derivative(_ x: Double) -> Double
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
}

enum SigmoidKernel: ActivationKernel {
    @inline(__always) static func value(_ x: Double) -> Double { Activation.sigmoid.value(x) }
    @inline(__always) static func derivative(_ x: Double) -> Double { Activation.sigmoid.derivative(x) }
}

enum GeluKernel: ActivationKernel {
    @inline(__always) static func value(_ x: Double) -> Double { Activation.gelu.value(x) }
    @inline(__always) static func derivative(_ x: Double) -> Double { Activation.gelu.derivative(x) }
}

/// The column loops of the plain and skip networks, fused so that the n×m hidden layer is never
/// stored: the forward pass reads the pre-activations once, the backward pass reads them once and
/// overwrites them by ∂L/∂(XW₁).
enum FusedColumns {
    /// outputs[k] = Σᵢ aᵢ act(pre[k, i]).
    @inline(__always)
    static func forward<K: ActivationKernel>(_: K.Type, pre: UnsafeBufferPointer<Double>, rows: Int,
                                             weights: UnsafeBufferPointer<Double>,
                                             outputs: UnsafeMutableBufferPointer<Double>) {
        for k in 0..<rows { outputs[k] = 0 }
        let m = weights.count
        var i = 0
        // Four columns per sweep: a quarter of the loads and stores of `outputs`.
        while i + 4 <= m {
            let a0 = weights[i], a1 = weights[i + 1], a2 = weights[i + 2], a3 = weights[i + 3]
            let b0 = i * rows, b1 = b0 + rows, b2 = b1 + rows, b3 = b2 + rows
            for k in 0..<rows {
                let s01 = a0 * K.value(pre[b0 + k]) + a1 * K.value(pre[b1 + k])
                let s23 = a2 * K.value(pre[b2 + k]) + a3 * K.value(pre[b3 + k])
                outputs[k] += s01 + s23
            }
            i += 4
        }
        while i < m {
            let a = weights[i]
            let base = i * rows
            for k in 0..<rows { outputs[k] += a * K.value(pre[base + k]) }
            i += 1
        }
    }

    /// gradA[i] = Σₖ act(pre[k, i]) g[k], then pre[k, i] ← act'(pre[k, i]) aᵢ g[k].
    @inline(__always)
    static func backward<K: ActivationKernel>(_: K.Type, pre: UnsafeMutableBufferPointer<Double>, rows: Int,
                                              weights: UnsafeBufferPointer<Double>, g: UnsafeBufferPointer<Double>,
                                              gradA: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<weights.count {
            let a = weights[i]
            let base = i * rows
            var sum = 0.0
            for k in 0..<rows {
                let z = pre[base + k]
                sum += K.value(z) * g[k]
                pre[base + k] = K.derivative(z) * (a * g[k])
            }
            gradA[i] = sum
        }
    }

    /// Dispatches `forward` on the activation.
    static func forward(_ activation: Activation, pre: UnsafeBufferPointer<Double>, rows: Int,
                        weights: UnsafeBufferPointer<Double>, outputs: UnsafeMutableBufferPointer<Double>) {
        switch activation {
        case .relu: forward(ReluKernel.self, pre: pre, rows: rows, weights: weights, outputs: outputs)
        case .leakyRelu: forward(LeakyReluKernel.self, pre: pre, rows: rows, weights: weights, outputs: outputs)
        case .tanh: forward(TanhKernel.self, pre: pre, rows: rows, weights: weights, outputs: outputs)
        case .sigmoid: forward(SigmoidKernel.self, pre: pre, rows: rows, weights: weights, outputs: outputs)
        case .gelu: forward(GeluKernel.self, pre: pre, rows: rows, weights: weights, outputs: outputs)
        }
    }

    /// Dispatches `backward` on the activation.
    static func backward(_ activation: Activation, pre: UnsafeMutableBufferPointer<Double>, rows: Int,
                         weights: UnsafeBufferPointer<Double>, g: UnsafeBufferPointer<Double>,
                         gradA: UnsafeMutableBufferPointer<Double>) {
        switch activation {
        case .relu: backward(ReluKernel.self, pre: pre, rows: rows, weights: weights, g: g, gradA: gradA)
        case .leakyRelu: backward(LeakyReluKernel.self, pre: pre, rows: rows, weights: weights, g: g, gradA: gradA)
        case .tanh: backward(TanhKernel.self, pre: pre, rows: rows, weights: weights, g: g, gradA: gradA)
        case .sigmoid: backward(SigmoidKernel.self, pre: pre, rows: rows, weights: weights, g: g, gradA: gradA)
        case .gelu: backward(GeluKernel.self, pre: pre, rows: rows, weights: weights, g: g, gradA: gradA)
        }
    }
}
