import LinearAlgebra
import ModelKinds

/// Forward and backward passes of one network on one fixed batch (X, y), with preallocated buffers:
/// after construction, `loss`, `lossAndGradient` and `predict` allocate nothing per call (apart
/// from `predictions`, which returns a new array).
///
/// Loss: L = ‖f(X) − y‖² (sum of squares, no ½). All products are BLAS `dgemm`/`dgemv` in double
/// precision. It runs the passes of `HiddenColumns` over all neurons at once (the trainer runs the
/// same passes block by block on worker threads): the reference the gradient and trainer tests use.
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
    // Pre-activations X W₁; after the backward pass, ∂L/∂(X W₁).
    private var pre: Matrix
    private var outputs: [Double]
    private var skipGradient: [Double]
    private var residualGradient: [Double]
    // normalized only (empty otherwise): the column norms νᵢ of the last forward pass, and one
    // column of scratch.
    private var columnNorms: [Double]
    private var values: [Double]

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
        outputs = Array(repeating: 0, count: x.rows)
        skipGradient = Array(repeating: 0, count: shape.inputDimension)
        residualGradient = Array(repeating: 0, count: x.rows)
        let normalized = shape.model == .normalized
        columnNorms = Array(repeating: 0, count: normalized ? shape.width : 0)
        values = Array(repeating: 0, count: normalized ? max(1, x.rows) : 0)
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
            let rows = 0..<n
            withColumns { layer, z in
                p.firstLayer.storage.withUnsafeBufferPointer { w in
                    p.outputWeights.withUnsafeBufferPointer { a in
                        p.normalizationScales.withUnsafeBufferPointer { gamma in
                            columnNorms.withUnsafeMutableBufferPointer { norms in
                                values.withUnsafeMutableBufferPointer { v in
                                    outputs.withUnsafeMutableBufferPointer { f in
                                        layer.normalizedForward(rows: rows, columns: 0..<m, firstLayer: w.baseAddress!,
                                                                outputWeights: a.baseAddress!, scales: gamma.baseAddress!,
                                                                norms: norms.baseAddress!, values: v.baseAddress!, pre: z,
                                                                preStride: rows.count, accumulate: false,
                                                                outputs: f.baseAddress!)
                                    }
                                }
                            }
                        }
                    }
                }
            }
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
            withColumns { layer, z in
                p.outputWeights.withUnsafeBufferPointer { a in
                    p.normalizationScales.withUnsafeBufferPointer { gamma in
                        columnNorms.withUnsafeBufferPointer { norms in
                            values.withUnsafeMutableBufferPointer { v in
                                residualGradient.withUnsafeBufferPointer { g in
                                    gradient.outputWeights.withUnsafeMutableBufferPointer { ga in
                                        gradient.normalizationScales.withUnsafeMutableBufferPointer { gg in
                                            gradient.firstLayer.storage.withUnsafeMutableBufferPointer { gw in
                                                layer.normalizedBackward(
                                                    rows: 0..<rows, columns: 0..<m, outputWeights: a.baseAddress!,
                                                    scales: gamma.baseAddress!, norms: norms.baseAddress!,
                                                    values: v.baseAddress!, residualGradient: g.baseAddress!, pre: z,
                                                    preStride: rows, gradOutputWeights: ga.baseAddress!,
                                                    gradScales: gg.baseAddress!, gradFirstLayer: gw.baseAddress!)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return total
    }
}
