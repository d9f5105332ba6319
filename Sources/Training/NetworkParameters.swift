import LinearAlgebra
import ModelKinds

/// The trainable weights of a two-layer network (docs/science.md §3). The same type holds a gradient.
///
/// - plain:      f(X) = act(X W₁) a
/// - skip:       f(X) = act(X W₁) a + (X w₀) α₀
/// - normalized: f(X) = Σᵢ aᵢ γᵢ act(X W₁ᵢ) / max(‖act(X W₁ᵢ)‖, 1e−12)
///
/// Components a model does not have are empty (`skipWeights`, `normalizationScales`) or 0 (`skipScale`).
public struct NetworkParameters: Sendable, Equatable {
    /// The architecture these weights belong to.
    public let shape: NetworkShape
    /// W₁, d×m; column i holds hidden neuron i's input weights.
    public var firstLayer: Matrix
    /// a, the m output weights.
    public var outputWeights: [Double]
    /// w₀, the d skip-connection weights (skip only; empty otherwise).
    public var skipWeights: [Double]
    /// α₀, the scalar output weight of the skip path (skip only; 0 otherwise).
    public var skipScale: Double
    /// γ, the m scales of the normalisation layer (normalized only; empty otherwise).
    public var normalizationScales: [Double]

    /// All-zero weights of `shape` (γ too: use `init(shape:firstLayer:...)` for a network to evaluate).
    public init(zerosFor shape: NetworkShape) {
        self.shape = shape
        firstLayer = Matrix(rows: shape.inputDimension, cols: shape.width)
        outputWeights = Array(repeating: 0, count: shape.width)
        skipWeights = shape.model == .skip ? Array(repeating: 0, count: shape.inputDimension) : []
        skipScale = 0
        normalizationScales = shape.model == .normalized ? Array(repeating: 0, count: shape.width) : []
    }

    /// Weights from their components. `skipWeights`/`skipScale` are required for skip and ignored
    /// otherwise; `normalizationScales` defaults to all ones for normalized and is ignored otherwise.
    public init(model: LearnedModel, firstLayer: Matrix, outputWeights: [Double],
                skipWeights: [Double] = [], skipScale: Double = 0, normalizationScales: [Double]? = nil) {
        let shape = NetworkShape(model: model, inputDimension: firstLayer.rows, width: firstLayer.cols)
        precondition(outputWeights.count == shape.width, "NetworkParameters: a must have m entries")
        self.shape = shape
        self.firstLayer = firstLayer
        self.outputWeights = outputWeights
        switch model {
        case .plain:
            self.skipWeights = []; self.skipScale = 0; self.normalizationScales = []
        case .skip:
            precondition(skipWeights.count == shape.inputDimension, "NetworkParameters: w₀ must have d entries")
            self.skipWeights = skipWeights; self.skipScale = skipScale; self.normalizationScales = []
        case .normalized:
            let gamma = normalizationScales ?? Array(repeating: 1, count: shape.width)
            precondition(gamma.count == shape.width, "NetworkParameters: γ must have m entries")
            self.skipWeights = []; self.skipScale = 0; self.normalizationScales = gamma
        }
    }

    /// The effective linear weight α₀ w₀ of the skip path (nil unless skip): compare it with w*
    /// for `weight_distance` and `cosine` (docs/science.md §4).
    public var effectiveLinearWeight: [Double]? {
        shape.model == .skip ? skipWeights.map { skipScale * $0 } : nil
    }

    /// `other_norm` (docs/science.md §4): ‖W₁ diag(c)‖_F with c = a, or c = a ⊙ γ for normalized,
    /// i.e. sqrt(Σᵢ cᵢ² ‖W₁ᵢ‖²). The skip path is not included.
    public var otherNorm: Double {
        let d = shape.inputDimension
        var total = 0.0
        for i in 0..<shape.width {
            var c = outputWeights[i]
            if shape.model == .normalized { c *= normalizationScales[i] }
            var column = 0.0
            for r in 0..<d { let w = firstLayer.storage[r + i * d]; column += w * w }
            total += c * c * column
        }
        return total.squareRoot()
    }

    /// All scalars in a fixed order: W₁ column by column, a, then w₀ and α₀ (skip) or γ (normalized).
    public var flattened: [Double] {
        var out = firstLayer.storage + outputWeights
        if shape.model == .skip { out += skipWeights + [skipScale] }
        if shape.model == .normalized { out += normalizationScales }
        return out
    }

    /// Weights of `shape` from `flattened` order.
    public init(shape: NetworkShape, flattened values: [Double]) {
        precondition(values.count == shape.parameterCount, "NetworkParameters: expected \(shape.parameterCount) values")
        self.init(zerosFor: shape)
        let dm = shape.inputDimension * shape.width
        firstLayer.storage = Array(values[0..<dm])
        outputWeights = Array(values[dm..<dm + shape.width])
        var next = dm + shape.width
        if shape.model == .skip {
            skipWeights = Array(values[next..<next + shape.inputDimension])
            next += shape.inputDimension
            skipScale = values[next]
        }
        if shape.model == .normalized {
            normalizationScales = Array(values[next..<next + shape.width])
        }
    }

    /// Number of parameter tensors as PyTorch would list them (W₁, a, w₀, α₀, γ; absent ones empty).
    static let tensorCount = 5

    /// Runs `body` on tensor `index` (0 W₁, 1 a, 2 w₀, 3 α₀, 4 γ) as a mutable buffer; absent
    /// tensors are empty buffers.
    mutating func withTensor<R>(_ index: Int, _ body: (UnsafeMutableBufferPointer<Double>) -> R) -> R {
        switch index {
        case 0: return firstLayer.storage.withUnsafeMutableBufferPointer { body($0) }
        case 1: return outputWeights.withUnsafeMutableBufferPointer { body($0) }
        case 2: return skipWeights.withUnsafeMutableBufferPointer { body($0) }
        case 3:
            if shape.model != .skip { return body(UnsafeMutableBufferPointer(start: nil, count: 0)) }
            return withUnsafeMutablePointer(to: &skipScale) { body(UnsafeMutableBufferPointer(start: $0, count: 1)) }
        default: return normalizationScales.withUnsafeMutableBufferPointer { body($0) }
        }
    }

    /// Read-only counterpart of `withTensor`.
    func withTensorValues<R>(_ index: Int, _ body: (UnsafeBufferPointer<Double>) -> R) -> R {
        switch index {
        case 0: return firstLayer.storage.withUnsafeBufferPointer(body)
        case 1: return outputWeights.withUnsafeBufferPointer(body)
        case 2: return skipWeights.withUnsafeBufferPointer(body)
        case 3:
            if shape.model != .skip { return body(UnsafeBufferPointer(start: nil, count: 0)) }
            return withUnsafePointer(to: skipScale) { body(UnsafeBufferPointer(start: $0, count: 1)) }
        default: return normalizationScales.withUnsafeBufferPointer(body)
        }
    }
}
