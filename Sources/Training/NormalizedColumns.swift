import ModelKinds

/// The column loops of the normalized network (docs/science.md §3), neuron by neuron: each
/// neuron's norm νᵢ = ‖act(X W₁ᵢ)‖ is over its own column, so given the residual gradient a range
/// of neurons is computed on its own, like a range of plain or skip neurons (`FusedColumns`).
/// Column i of the pre-activations starts at `pre + i·stride`; `values` is a scratch column of
/// `rows` entries (the activations of the column at hand, so each is computed once per pass).
/// Per-neuron arrays (`outputWeights`, `scales`, `norms`, …) are indexed from the first column
/// passed.
///
/// With N = act(X W₁ᵢ)/ν̃ᵢ, ν̃ᵢ = max(νᵢ, 1e−12) (`F.normalize`'s clamp) and g = ∂L/∂f:
/// f = Σᵢ aᵢγᵢ Nᵢ; cᵢ = Nᵢᵀg; ∂L/∂aᵢ = γᵢcᵢ; ∂L/∂γᵢ = aᵢcᵢ;
/// ∂L/∂(XW₁ᵢ) = act'(XW₁ᵢ) ⊙ (aᵢγᵢ/ν̃ᵢ)(g − Nᵢcᵢ), the Nᵢcᵢ term only when νᵢ ≥ 1e−12 (below,
/// the divisor is the constant clamp, which passes no gradient to the norm) — see
/// `NetworkEvaluator` for the convention.
///
/// The loops run four rows at a time with every load before the stores, written out as in
/// `FusedColumns.backward`: one shared loop taking the per-row work as a closure was measured 1.33×
/// slower (stores through one pointer and loads through another then keep the compiler from
/// vectorising the four rows).
enum NormalizedColumns {
    /// For each column i < `outputWeights.count`: νᵢ into `norms[i]`, then
    /// outputs[k] += (aᵢγᵢ/ν̃ᵢ) act(pre[k, i]) for k < rows (outputs first zeroed unless
    /// `accumulate`). Neurons are added one after the other, in order.
    @inline(__always)
    static func forward<K: ActivationKernel>(_: K.Type, pre: UnsafePointer<Double>, stride: Int, rows: Int,
                                             outputWeights: UnsafeBufferPointer<Double>, scales: UnsafePointer<Double>,
                                             norms: UnsafeMutablePointer<Double>, values: UnsafeMutablePointer<Double>,
                                             accumulate: Bool, outputs: UnsafeMutablePointer<Double>) {
        if !accumulate { outputs.update(repeating: 0, count: rows) }
        for i in 0..<outputWeights.count {
            let column = pre + i * stride
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            var k = 0
            while k + 4 <= rows {
                let v0 = K.value(column[k]), v1 = K.value(column[k + 1])
                let v2 = K.value(column[k + 2]), v3 = K.value(column[k + 3])
                values[k] = v0; values[k + 1] = v1; values[k + 2] = v2; values[k + 3] = v3
                s0 += v0 * v0; s1 += v1 * v1; s2 += v2 * v2; s3 += v3 * v3
                k += 4
            }
            while k < rows {
                let v = K.value(column[k])
                values[k] = v
                s0 += v * v
                k += 1
            }
            let norm = ((s0 + s1) + (s2 + s3)).squareRoot()
            norms[i] = norm
            let coefficient = outputWeights[i] * scales[i] / max(norm, NetworkEvaluator.normalizationFloor)
            for k in 0..<rows { outputs[k] += coefficient * values[k] }
        }
    }

    /// From g on the rows of the forward pass that left `pre` and `norms`: ∂L/∂aᵢ into `gradA[i]`,
    /// ∂L/∂γᵢ into `gradScales[i]`, and pre[k, i] ← ∂L/∂(XW₁)[k, i].
    @inline(__always)
    static func backward<K: ActivationKernel>(_: K.Type, pre: UnsafeMutablePointer<Double>, stride: Int, rows: Int,
                                              outputWeights: UnsafeBufferPointer<Double>, scales: UnsafePointer<Double>,
                                              norms: UnsafePointer<Double>, values: UnsafeMutablePointer<Double>,
                                              g: UnsafePointer<Double>, gradA: UnsafeMutablePointer<Double>,
                                              gradScales: UnsafeMutablePointer<Double>) {
        let floor = NetworkEvaluator.normalizationFloor
        for i in 0..<outputWeights.count {
            let column = pre + i * stride
            // act into `values`, act' over the column, and Σ act·g in four interleaved sums.
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            var k = 0
            while k + 4 <= rows {
                let z0 = K.valueAndDerivative(column[k]), z1 = K.valueAndDerivative(column[k + 1])
                let z2 = K.valueAndDerivative(column[k + 2]), z3 = K.valueAndDerivative(column[k + 3])
                values[k] = z0.value; values[k + 1] = z1.value; values[k + 2] = z2.value; values[k + 3] = z3.value
                column[k] = z0.derivative; column[k + 1] = z1.derivative
                column[k + 2] = z2.derivative; column[k + 3] = z3.derivative
                s0 += z0.value * g[k]; s1 += z1.value * g[k + 1]; s2 += z2.value * g[k + 2]; s3 += z3.value * g[k + 3]
                k += 4
            }
            while k < rows {
                let z = K.valueAndDerivative(column[k])
                values[k] = z.value
                column[k] = z.derivative
                s0 += z.value * g[k]
                k += 1
            }
            let a = outputWeights[i], gamma = scales[i], norm = norms[i]
            let divisor = max(norm, floor)
            let projection = ((s0 + s1) + (s2 + s3)) / divisor
            gradA[i] = gamma * projection
            gradScales[i] = a * projection
            let coefficient = a * gamma / divisor
            let along = norm >= floor ? projection / divisor : 0
            for k in 0..<rows { column[k] *= coefficient * (g[k] - values[k] * along) }
        }
    }

    /// Dispatches `forward` on the activation.
    static func forward(_ activation: Activation, pre: UnsafePointer<Double>, stride: Int, rows: Int,
                        outputWeights: UnsafeBufferPointer<Double>, scales: UnsafePointer<Double>,
                        norms: UnsafeMutablePointer<Double>, values: UnsafeMutablePointer<Double>,
                        accumulate: Bool, outputs: UnsafeMutablePointer<Double>) {
        func run<K: ActivationKernel>(_ kernel: K.Type) {
            forward(kernel, pre: pre, stride: stride, rows: rows, outputWeights: outputWeights, scales: scales,
                    norms: norms, values: values, accumulate: accumulate, outputs: outputs)
        }
        switch activation {
        case .relu: run(ReluKernel.self)
        case .leakyRelu: run(LeakyReluKernel.self)
        case .tanh: run(TanhKernel.self)
        case .sigmoid: run(SigmoidKernel.self)
        case .gelu: run(GeluKernel.self)
        }
    }

    /// Dispatches `backward` on the activation.
    static func backward(_ activation: Activation, pre: UnsafeMutablePointer<Double>, stride: Int, rows: Int,
                         outputWeights: UnsafeBufferPointer<Double>, scales: UnsafePointer<Double>,
                         norms: UnsafePointer<Double>, values: UnsafeMutablePointer<Double>,
                         g: UnsafePointer<Double>, gradA: UnsafeMutablePointer<Double>,
                         gradScales: UnsafeMutablePointer<Double>) {
        func run<K: ActivationKernel>(_ kernel: K.Type) {
            backward(kernel, pre: pre, stride: stride, rows: rows, outputWeights: outputWeights, scales: scales,
                     norms: norms, values: values, g: g, gradA: gradA, gradScales: gradScales)
        }
        switch activation {
        case .relu: run(ReluKernel.self)
        case .leakyRelu: run(LeakyReluKernel.self)
        case .tanh: run(TanhKernel.self)
        case .sigmoid: run(SigmoidKernel.self)
        case .gelu: run(GeluKernel.self)
        }
    }
}
