import LinearAlgebra
import ModelKinds

/// Forward and backward passes of one network on one fixed batch (X, y), with preallocated buffers:
/// after construction, `loss`, `lossAndGradient` and `predict` allocate nothing per call (apart
/// from `predictions`, which returns a new array).
///
/// Loss: L = ‖f(X) − y‖² (sum of squares, no ½). All products are BLAS `dgemm`/`dgemv` in double
/// precision. Plain and skip networks run the passes of `HiddenColumns` over all neurons at once
/// (the trainer runs the same passes block by block on worker threads); this evaluator is what
/// the normalized network trains with, and the reference the gradient and trainer tests use.
///
/// **Normalisation convention** (normalized model). The norm is over the batch this evaluator
/// holds (training X for training, X_test for test predictions — as PyTorch's
/// `F.normalize(act(X W₁), dim=0)` does for whatever batch it is given). The divisor is
/// ν̃ᵢ = max(νᵢ, 1e−12) with νᵢ = ‖act(X W₁ᵢ)‖, exactly `F.normalize`'s clamp, so a zero column
/// contributes 0. Gradient: for νᵢ ≥ 1e−12 the usual derivative of v/‖v‖,
/// ∂L/∂Aᵢ = aᵢγᵢ (g − Nᵢ (Nᵢᵀg)) / νᵢ with g = 2(f − y), Nᵢ = Aᵢ/νᵢ; for νᵢ < 1e−12 the divisor is
/// the constant 1e−12 (the clamp passes no gradient to the norm), so ∂L/∂Aᵢ = aᵢγᵢ g / 1e−12 —
/// PyTorch's autograd result. With relu a zero column has zero derivative everywhere, so such a
/// neuron then gets a zero W₁ gradient, and aᵢ, γᵢ get zero gradient since Nᵢ = 0.
public final class NetworkEvaluator {
    /// The clamp of the normalisation divisor (PyTorch `F.normalize` default eps).
    public static let normalizationFloor = 1e-12

    /// The architecture evaluated.
    public let shape: NetworkShape
    /// The hidden nonlinearity.
    public let activation: Activation
    /// The batch inputs, n×d.
    public let x: Matrix
    /// The batch targets (n entries).
    public let y: [Double]

    private let n: Int
    // Pre-activations X W₁; after the backward pass, ∂L/∂(X W₁). (normalized: act'(X W₁) after the
    // forward pass.)
    private var pre: Matrix
    // normalized only: the normalised columns N (0×0 otherwise: plain and skip never store the
    // hidden layer, see `HiddenColumns`).
    private var hidden: Matrix
    private var outputs: [Double]
    private var skipGradient: [Double]
    private var residualGradient: [Double]
    private var columnNorms: [Double]
    private var coefficients: [Double]
    private var projections: [Double]

    /// An evaluator for `shape` on the batch (x, y); `y` may be empty for prediction only.
    public init(shape: NetworkShape, activation: Activation, x: Matrix, y: [Double]) {
        precondition(x.cols == shape.inputDimension, "NetworkEvaluator: X has \(x.cols) columns, d = \(shape.inputDimension)")
        precondition(y.isEmpty || y.count == x.rows, "NetworkEvaluator: y has \(y.count) entries, X has \(x.rows) rows")
        self.shape = shape
        self.activation = activation
        self.x = x
        self.y = y
        n = x.rows
        pre = Matrix(rows: x.rows, cols: shape.width)
        hidden = shape.model == .normalized ? Matrix(rows: x.rows, cols: shape.width) : Matrix(rows: 0, cols: 0)
        outputs = Array(repeating: 0, count: x.rows)
        skipGradient = Array(repeating: 0, count: shape.inputDimension)
        residualGradient = Array(repeating: 0, count: x.rows)
        columnNorms = Array(repeating: 0, count: shape.width)
        coefficients = Array(repeating: 0, count: shape.width)
        projections = Array(repeating: 0, count: shape.width)
    }

    /// Runs `body` with the plain/skip passes over this batch's X and its pre-activation buffer.
    private func withColumns<R>(_ body: (HiddenColumns, UnsafeMutablePointer<Double>) -> R) -> R {
        let act = activation, d = shape.inputDimension, stride = n
        return x.storage.withUnsafeBufferPointer { xs in
            pre.storage.withUnsafeMutableBufferPointer { zs in
                body(HiddenColumns(activation: act, inputDimension: d, inputs: xs.baseAddress!, inputStride: stride),
                     zs.baseAddress!)
            }
        }
    }

    /// Forward pass: fills `outputs` with f(X) (and the buffers the backward pass needs).
    private func forward(_ p: NetworkParameters) {
        precondition(p.shape == shape, "NetworkEvaluator: parameters of another shape")
        let m = shape.width
        if n == 0 { return }
        switch shape.model {
        case .plain, .skip:
            let rows = 0..<n
            withColumns { layer, z in
                p.firstLayer.storage.withUnsafeBufferPointer { w in
                    p.outputWeights.withUnsafeBufferPointer { a in
                        outputs.withUnsafeMutableBufferPointer { f in
                            layer.forward(rows: rows, columns: 0..<m, firstLayer: w.baseAddress!,
                                          outputWeights: a.baseAddress!, pre: z, preStride: rows.count,
                                          accumulate: false, outputs: f.baseAddress!)
                            if shape.model == .skip {
                                p.skipWeights.withUnsafeBufferPointer { w0 in
                                    layer.addSkipPath(rows: rows, skipWeights: w0.baseAddress!, skipScale: p.skipScale,
                                                      outputs: f.baseAddress!)
                                }
                            }
                        }
                    }
                }
            }
        case .normalized:
            Matrix.gemm(x, .none, p.firstLayer, .none, into: &pre)
            let act = activation
            pre.storage.withUnsafeMutableBufferPointer { prePtr in
                hidden.storage.withUnsafeMutableBufferPointer { hidPtr in
                    act.apply(prePtr, valuesInto: hidPtr)
                }
            }
            let rows = n
            let floor = NetworkEvaluator.normalizationFloor
            hidden.storage.withUnsafeMutableBufferPointer { h in
                for i in 0..<m {
                    var sum = 0.0
                    for k in 0..<rows { let v = h[k + i * rows]; sum += v * v }
                    let norm = sum.squareRoot()
                    columnNorms[i] = norm
                    let divisor = max(norm, floor)
                    for k in 0..<rows { h[k + i * rows] /= divisor }
                    coefficients[i] = p.outputWeights[i] * p.normalizationScales[i]
                }
            }
            Matrix.gemv(hidden, .none, coefficients, into: &outputs)
        }
    }

    /// The loss ‖f(X) − y‖² at `p`.
    public func loss(_ p: NetworkParameters) -> Double {
        precondition(!y.isEmpty, "NetworkEvaluator: no targets")
        forward(p)
        return squaredError(residualGradient: false)
    }

    /// ‖f − y‖² from `outputs`; with `residualGradient`, also g = 2(f − y) into `residualGradient`.
    private func squaredError(residualGradient withGradient: Bool) -> Double {
        let rows = 0..<n
        return outputs.withUnsafeBufferPointer { f in
            y.withUnsafeBufferPointer { t in
                residualGradient.withUnsafeMutableBufferPointer { g in
                    HiddenColumns.squaredError(rows: rows, outputs: f.baseAddress!, targets: t.baseAddress!,
                                               residualGradient: withGradient ? g.baseAddress! : nil)
                }
            }
        }
    }

    /// f(X) at `p` (a new array).
    public func predictions(_ p: NetworkParameters) -> [Double] {
        forward(p)
        return outputs
    }

    /// The loss at `p`, writing ∂L/∂p into `gradient` (which must have `p`'s shape).
    public func lossAndGradient(_ p: NetworkParameters, into gradient: inout NetworkParameters) -> Double {
        precondition(!y.isEmpty, "NetworkEvaluator: no targets")
        precondition(gradient.shape == shape, "NetworkEvaluator: gradient of another shape")
        forward(p)
        let total = squaredError(residualGradient: true)
        let m = shape.width, rows = n
        switch shape.model {
        case .plain, .skip:
            withColumns { layer, z in
                p.outputWeights.withUnsafeBufferPointer { a in
                    residualGradient.withUnsafeBufferPointer { g in
                        gradient.outputWeights.withUnsafeMutableBufferPointer { ga in
                            gradient.firstLayer.storage.withUnsafeMutableBufferPointer { gw in
                                layer.backward(rows: 0..<rows, columns: 0..<m, outputWeights: a.baseAddress!,
                                               residualGradient: g.baseAddress!, pre: z, preStride: rows,
                                               gradOutputWeights: ga.baseAddress!,
                                               gradFirstLayer: gw.baseAddress!)
                            }
                        }
                        if shape.model == .skip {
                            gradient.skipScale = p.skipWeights.withUnsafeBufferPointer { w0 in
                                skipGradient.withUnsafeMutableBufferPointer { t in
                                    gradient.skipWeights.withUnsafeMutableBufferPointer { gw0 in
                                        layer.skipPathGradient(rows: 0..<rows, residualGradient: g.baseAddress!,
                                                               skipWeights: w0.baseAddress!, skipScale: p.skipScale,
                                                               projection: t.baseAddress!, gradSkipWeights: gw0.baseAddress!)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        case .normalized:
            // cᵢ = Nᵢᵀ g; ∂L/∂aᵢ = γᵢ cᵢ; ∂L/∂γᵢ = aᵢ cᵢ
            Matrix.gemv(hidden, .transpose, residualGradient, into: &projections)
            let floor = NetworkEvaluator.normalizationFloor
            for i in 0..<m {
                gradient.outputWeights[i] = p.normalizationScales[i] * projections[i]
                gradient.normalizationScales[i] = p.outputWeights[i] * projections[i]
            }
            pre.storage.withUnsafeMutableBufferPointer { d in
                hidden.storage.withUnsafeBufferPointer { h in
                    residualGradient.withUnsafeBufferPointer { g in
                        for i in 0..<m {
                            let norm = columnNorms[i]
                            let scale = coefficients[i] / max(norm, floor)
                            let c = norm >= floor ? projections[i] : 0
                            for k in 0..<rows {
                                d[k + i * rows] *= scale * (g[k] - h[k + i * rows] * c)
                            }
                        }
                    }
                }
            }
            // ∂L/∂W₁ = Xᵀ ∂L/∂(XW₁)
            Matrix.gemm(x, .transpose, pre, .none, into: &gradient.firstLayer)
        }
        return total
    }
}
