import LinearAlgebra
import ModelKinds

/// The passes of the networks over a range of hidden neurons and a range of rows, on raw
/// column-major buffers: `NetworkEvaluator` runs them over all neurons at once, the parallel
/// trainer product by product. Outputs, targets and residuals are indexed by row; pre-activations
/// live wherever the caller keeps them (`pre` points at the entry of the first row and column
/// passed, `preStride` is its leading dimension). Per-neuron arrays (a, γ, the norms and their
/// gradients) are indexed by neuron. `forward`/`backward` are the plain and skip networks' hidden
/// layer, `normalizedForward`/`normalizedBackward` the normalized network's (`NormalizedColumns`).
struct HiddenColumns {
    let activation: Activation
    /// d, the rows of W₁.
    let inputDimension: Int
    /// The inputs X.
    let inputs: UnsafePointer<Double>
    /// Leading dimension of `inputs`.
    let inputStride: Int

    /// pre ← X[rows, :] W₁[:, columns], then outputs[k] = Σ_{i ∈ columns} aᵢ act(pre[k, i]) for
    /// k ∈ rows (added to outputs[k] when `accumulate`). `firstLayer` is W₁ (d×m), `outputWeights` a.
    func forward(rows: Range<Int>, columns: Range<Int>, firstLayer: UnsafePointer<Double>,
                 outputWeights: UnsafePointer<Double>, pre: UnsafeMutablePointer<Double>, preStride: Int,
                 accumulate: Bool, outputs: UnsafeMutablePointer<Double>) {
        if rows.isEmpty { return }
        preActivations(rows: rows, columns: columns, firstLayer: firstLayer, pre: pre, preStride: preStride)
        FusedColumns.forward(activation, pre: pre, stride: preStride, rows: rows.count,
                             weights: UnsafeBufferPointer(start: outputWeights + columns.lowerBound, count: columns.count),
                             accumulate: accumulate, outputs: outputs + rows.lowerBound)
    }

    /// The backward pass from the residual gradient g = ∂L/∂f on `rows`, for the neurons `columns`
    /// whose pre-activations `forward` left in `pre`: ∂L/∂aᵢ = act(XW₁ᵢ)ᵀ g and
    /// ∂L/∂(XW₁)[k, i] = g_k aᵢ act'(XW₁)[k, i] in one pass over pre (overwriting it), then
    /// ∂L/∂W₁[:, columns] = X[rows, :]ᵀ ∂L/∂(XW₁). `gradOutputWeights` and `gradFirstLayer` are laid
    /// out as a and W₁.
    func backward(rows: Range<Int>, columns: Range<Int>, outputWeights: UnsafePointer<Double>,
                  residualGradient g: UnsafePointer<Double>, pre: UnsafeMutablePointer<Double>, preStride: Int,
                  gradOutputWeights: UnsafeMutablePointer<Double>, gradFirstLayer: UnsafeMutablePointer<Double>) {
        FusedColumns.backward(activation, pre: pre, stride: preStride, rows: rows.count,
                              weights: UnsafeBufferPointer(start: outputWeights + columns.lowerBound, count: columns.count),
                              g: g + rows.lowerBound, gradA: gradOutputWeights + columns.lowerBound)
        firstLayerGradient(rows: rows, columns: columns, pre: pre, preStride: preStride, gradFirstLayer: gradFirstLayer)
    }

    /// The normalized network's forward pass: pre ← X[rows, :] W₁[:, columns], each neuron's norm
    /// νᵢ over `rows` into `norms[i]`, then outputs[k] = Σ_{i ∈ columns} aᵢγᵢ act(pre[k, i])/ν̃ᵢ for
    /// k ∈ rows (added to outputs[k] when `accumulate`). `values`: scratch, `rows.count` entries.
    func normalizedForward(rows: Range<Int>, columns: Range<Int>, firstLayer: UnsafePointer<Double>,
                           outputWeights: UnsafePointer<Double>, scales: UnsafePointer<Double>,
                           norms: UnsafeMutablePointer<Double>, values: UnsafeMutablePointer<Double>,
                           pre: UnsafeMutablePointer<Double>, preStride: Int, accumulate: Bool,
                           outputs: UnsafeMutablePointer<Double>) {
        if rows.isEmpty { return }
        preActivations(rows: rows, columns: columns, firstLayer: firstLayer, pre: pre, preStride: preStride)
        let first = columns.lowerBound
        NormalizedColumns.forward(activation, pre: pre, stride: preStride, rows: rows.count,
                                  outputWeights: UnsafeBufferPointer(start: outputWeights + first, count: columns.count),
                                  scales: scales + first, norms: norms + first, values: values,
                                  accumulate: accumulate, outputs: outputs + rows.lowerBound)
    }

    /// The normalized network's backward pass from g on `rows`, for the neurons `columns` whose
    /// pre-activations and norms `normalizedForward` left in `pre` and `norms`: ∂L/∂aᵢ, ∂L/∂γᵢ and
    /// ∂L/∂(XW₁) (over pre), then ∂L/∂W₁[:, columns] = X[rows, :]ᵀ ∂L/∂(XW₁). `values`: scratch,
    /// `rows.count` entries.
    func normalizedBackward(rows: Range<Int>, columns: Range<Int>, outputWeights: UnsafePointer<Double>,
                            scales: UnsafePointer<Double>, norms: UnsafePointer<Double>,
                            values: UnsafeMutablePointer<Double>, residualGradient g: UnsafePointer<Double>,
                            pre: UnsafeMutablePointer<Double>, preStride: Int,
                            gradOutputWeights: UnsafeMutablePointer<Double>, gradScales: UnsafeMutablePointer<Double>,
                            gradFirstLayer: UnsafeMutablePointer<Double>) {
        let first = columns.lowerBound
        NormalizedColumns.backward(activation, pre: pre, stride: preStride, rows: rows.count,
                                   outputWeights: UnsafeBufferPointer(start: outputWeights + first, count: columns.count),
                                   scales: scales + first, norms: norms + first, values: values,
                                   g: g + rows.lowerBound, gradA: gradOutputWeights + first, gradScales: gradScales + first)
        firstLayerGradient(rows: rows, columns: columns, pre: pre, preStride: preStride, gradFirstLayer: gradFirstLayer)
    }

    /// pre ← X[rows, :] W₁[:, columns].
    private func preActivations(rows: Range<Int>, columns: Range<Int>, firstLayer: UnsafePointer<Double>,
                                pre: UnsafeMutablePointer<Double>, preStride: Int) {
        let d = inputDimension
        RawKernels.gemm(.none, .none, m: rows.count, n: columns.count, k: d, alpha: 1,
                        a: inputs + rows.lowerBound, lda: inputStride, b: firstLayer + columns.lowerBound * d, ldb: d,
                        beta: 0, c: pre, ldc: preStride)
    }

    /// ∂L/∂W₁[:, columns] = X[rows, :]ᵀ ∂L/∂(XW₁), the latter in `pre`.
    private func firstLayerGradient(rows: Range<Int>, columns: Range<Int>, pre: UnsafePointer<Double>, preStride: Int,
                                    gradFirstLayer: UnsafeMutablePointer<Double>) {
        let d = inputDimension
        RawKernels.gemm(.transpose, .none, m: d, n: columns.count, k: rows.count, alpha: 1,
                        a: inputs + rows.lowerBound, lda: inputStride, b: pre, ldb: preStride,
                        beta: 0, c: gradFirstLayer + columns.lowerBound * d, ldc: d)
    }

    /// The skip path's output α₀ X[rows, :] w₀, added to outputs[rows].
    func addSkipPath(rows: Range<Int>, skipWeights: UnsafePointer<Double>, skipScale: Double,
                     outputs: UnsafeMutablePointer<Double>) {
        RawKernels.gemv(.none, m: rows.count, n: inputDimension, alpha: skipScale, a: inputs + rows.lowerBound,
                        lda: inputStride, x: skipWeights, beta: 1, y: outputs + rows.lowerBound)
    }

    /// The skip path's gradient from g on `rows`: with t = X[rows, :]ᵀ g (written to `projection`, d
    /// entries), ∂L/∂w₀ = α₀ t into `gradSkipWeights` and the returned ∂L/∂α₀ = w₀ᵀ t (= (X w₀)ᵀ g).
    func skipPathGradient(rows: Range<Int>, residualGradient g: UnsafePointer<Double>,
                          skipWeights: UnsafePointer<Double>, skipScale: Double,
                          projection: UnsafeMutablePointer<Double>, gradSkipWeights: UnsafeMutablePointer<Double>) -> Double {
        RawKernels.gemv(.transpose, m: rows.count, n: inputDimension, alpha: 1, a: inputs + rows.lowerBound,
                        lda: inputStride, x: g + rows.lowerBound, beta: 0, y: projection)
        var s = 0.0
        for j in 0..<inputDimension {
            s += skipWeights[j] * projection[j]
            gradSkipWeights[j] = skipScale * projection[j]
        }
        return s
    }

    /// ‖f − y‖² over `rows`; with `residualGradient`, also g_k = 2(f_k − y_k) there.
    static func squaredError(rows: Range<Int>, outputs: UnsafePointer<Double>, targets: UnsafePointer<Double>,
                             residualGradient: UnsafeMutablePointer<Double>?) -> Double {
        var total = 0.0
        for k in rows {
            let r = outputs[k] - targets[k]
            total += r * r
            residualGradient?[k] = 2 * r
        }
        return total
    }
}
