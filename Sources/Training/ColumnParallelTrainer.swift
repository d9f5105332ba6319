import Foundation
import LinearAlgebra
import ModelKinds

/// A zeroed buffer of doubles owned by a class, for state the workers of a parallel region share
/// (each writing its own part).
final class DoubleBuffer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>
    let count: Int

    init(count: Int) {
        self.count = count
        base = .allocate(capacity: max(1, count))
        base.initialize(repeating: 0, count: max(1, count))
    }

    convenience init(_ values: [Double]) {
        self.init(count: values.count)
        for (k, v) in values.enumerated() { base[k] = v }
    }

    deinit { base.deallocate() }

    var values: [Double] { Array(UnsafeBufferPointer(start: base, count: count)) }
}

/// Hands out 0, 1, …, count − 1 once each to `workers` workers: worker w first takes its own
/// contiguous share in order (the blocks it had the epoch before, whose data its core may still
/// cache), then, once that is done, takes from the end of the largest share left.
final class BlockClaims: @unchecked Sendable {
    private let lock = NSLock()
    private var front: [Int], back: [Int]

    init(count: Int, workers: Int) {
        front = (0..<workers).map { $0 * count / workers }
        back = (0..<workers).map { ($0 + 1) * count / workers }
    }

    /// The next index for worker `w`, or nil when all are taken.
    func next(for w: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        if front[w] < back[w] {
            front[w] += 1
            return front[w] - 1
        }
        var victim = 0
        for v in front.indices where back[v] - front[v] > back[victim] - front[victim] { victim = v }
        guard front[victim] < back[victim] else { return nil }
        back[victim] -= 1
        return back[victim]
    }
}

/// How the parallel trainer cuts the m hidden neurons, as a function of the problem's sizes only
/// (never of the worker count, so that every product and every sum is the same whichever worker
/// runs it):
///
/// - `products`: the neurons of one product X W₁[:, columns] and one Xᵀ∂(XW₁)[:, columns], each
///   followed at once by its elementwise pass while its pre-activations are in cache. With
///   OpenBLAS's small-matrix kernels, 8 neurons (4 if 8 is too many for them): products small
///   enough for those kernels (M·N·K ≤ 10⁶) skip packing and the separate β = 0 pass, and 8 and 4
///   columns suit their register tiles (measured on Zen 4: 55 GFLOP/s per core for both the
///   400×8×100 and the 100×8×400 product, against 31–48 for 13 to 400 columns). Otherwise one
///   product per block, which amortises the packing.
/// - `blocks`: an even number of contiguous runs of products — the units of work the workers
///   claim one at a time (small, for an even finish: about `productsPerBlock` small products, or
///   `targetBlockWidth` neurons), and of the sum over neurons of the output (one partial output per
///   block, added in block order).
struct NeuronBlocks: Equatable {
    /// About this many small-matrix products per block.
    static let productsPerBlock = 3
    /// About this many neurons per block (and product) without the small-matrix kernels.
    static let targetBlockWidth = 50

    let blocks: [Range<Int>]
    /// Per block, the neurons of its products, in order.
    let products: [[Range<Int>]]
    /// The most neurons in one product.
    let productWidth: Int

    /// The cut for m neurons and products with at most `rows` rows and d columns.
    init(neurons m: Int, rows: Int, inputDimension d: Int, smallMatrixKernels: Bool = BLASLibrary.hasSmallMatrixKernels) {
        let fits = { (width: Int) in smallMatrixKernels && width * rows * d <= BLASLibrary.smallProductLimit }
        // About total / per parts, an even number of them, at most total.
        let parts = { (total: Int, per: Int) in min(total, 2 * max(1, (total + per) / (2 * per))) }
        if let width = fits(8) ? 8 : fits(4) ? 4 : nil {
            let units = Swift.stride(from: 0, to: m, by: width).map { $0..<min($0 + width, m) }
            products = Self.split(0..<units.count, into: parts(units.count, Self.productsPerBlock)).map { Array(units[$0]) }
            blocks = products.map { $0.first!.lowerBound..<$0.last!.upperBound }
        } else {
            blocks = Self.split(0..<m, into: parts(m, Self.targetBlockWidth))
            products = blocks.map { [$0] }
        }
        productWidth = products.joined().map(\.count).max() ?? 0
    }

    /// `range` cut into `parts` contiguous ranges of sizes differing by at most one.
    static func split(_ range: Range<Int>, into parts: Int) -> [Range<Int>] {
        let n = range.count, lo = range.lowerBound
        return (0..<parts).map { p in (lo + p * n / parts)..<(lo + (p + 1) * n / parts) }
    }
}

/// The training loop of every network (`NetworkTrainer` runs it), with the hidden neurons cut into
/// blocks (`NeuronBlocks`) that worker threads claim one at a time, each its own share first
/// (`BlockClaims`: a worker slowed by other load on its core leaves the rest of its share to the
/// others). Given the residual, neurons are independent — the normalized network's too: neuron i's
/// norm ‖act(X W₁ᵢ)‖ is over its own column, so it is computed with the neuron — and an epoch is one
/// serial step and one parallel region:
///
/// - serial: the blocks' partial outputs summed in block order, plus the skip path; the losses, the
///   residual gradient g, and the skip path's gradient and AdamW update (d + 1 scalars);
/// - per block, product after product: the backward pass (∂a, ∂γ for normalized, ∂(XW₁) and
///   ∂W₁ = Xᵀ∂(XW₁)), the AdamW update of those neurons' W₁ columns and a (and γ) entries, and at
///   once the forward pass with the new weights on the training and the test rows (the test loss
///   after step t and the training loss before step t + 1 are taken at the same weights; the
///   normalized network's norms are over each batch, as `NetworkEvaluator` takes them). Only the
///   training rows' pre-activations (and norms) are kept for the backward pass; the test rows' go
///   to a small per-block scratch buffer that stays in cache.
///
/// BLAS runs single-threaded (the caller arranges it). The parameters, gradient and AdamW moments
/// are flat arrays in `NetworkParameters.flattened` order; fresh AdamW stores no moments. Every
/// product and sum is the same for every worker count, so results do not depend on it: one worker
/// and eight give the same bits.
final class ColumnParallelTrainer: @unchecked Sendable {
    let shape: NetworkShape
    let activation: Activation
    /// Training rows n; the test rows follow them in `inputs`, `targets` and `outputs`.
    let n: Int
    /// n + test rows: the rows of `inputs` (its leading dimension).
    let rows: Int
    let cut: NeuronBlocks
    /// Worker threads (1: the blocks in order on the calling thread).
    let workers: Int

    private let d: Int, m: Int
    /// [X; X_test] and [y; y_test].
    private let inputs: DoubleBuffer, targets: DoubleBuffer
    /// X W₁ on the training rows, n×m; ∂L/∂(X W₁) after the backward pass.
    private let pre: DoubleBuffer
    /// Per block, X_test W₁ for the neurons of one product (test rows × `cut.productWidth`).
    private let testScratch: DoubleBuffer
    /// Normalized only: per neuron νᵢ over the training rows (kept for the backward pass) and over
    /// the test rows; per block, one column of activations (`NormalizedColumns`, max(n, test rows)).
    private let norms: DoubleBuffer, testNorms: DoubleBuffer, valueScratch: DoubleBuffer
    /// Per block, its neurons' part of f on every row (`rows` entries each).
    private let partials: DoubleBuffer
    private let outputs: DoubleBuffer, residualGradient: DoubleBuffer, skipProjection: DoubleBuffer
    private let parameters: DoubleBuffer, gradient: DoubleBuffer
    /// AdamW's moments (nil for fresh AdamW, whose moments are never read).
    private let moments: (first: DoubleBuffer, second: DoubleBuffer)?
    private var schedule: AdamWSchedule

    /// A trainer from `initial` on (x, y) with optional test rows, with `workers` worker threads (no
    /// more than there are blocks).
    init(initial: NetworkParameters, activation: Activation, x: Matrix, y: [Double], test: (x: Matrix, y: [Double])?,
         optimizer: OptimizerKind, hyperparameters: AdamWHyperparameters, workers: Int) {
        shape = initial.shape
        precondition(x.cols == shape.inputDimension && y.count == x.rows, "ColumnParallelTrainer: X, y and d disagree")
        self.activation = activation
        d = shape.inputDimension
        m = shape.width
        n = x.rows
        let testRows = test?.x.rows ?? 0
        if let test {
            precondition(test.x.cols == d && test.y.count == testRows, "ColumnParallelTrainer: X_test, y_test and d disagree")
        }
        rows = n + testRows
        let stacked = DoubleBuffer(count: rows * d)
        for j in 0..<d {
            for k in 0..<n { stacked.base[k + j * rows] = x.storage[k + j * n] }
            if let test { for k in 0..<testRows { stacked.base[n + k + j * rows] = test.x.storage[k + j * testRows] } }
        }
        inputs = stacked
        targets = DoubleBuffer(y + (test?.y ?? []))
        pre = DoubleBuffer(count: n * m)
        let cut = NeuronBlocks(neurons: shape.width, rows: max(n, testRows), inputDimension: shape.inputDimension)
        self.cut = cut
        self.workers = max(1, min(workers, cut.blocks.count))
        testScratch = DoubleBuffer(count: cut.blocks.count * testRows * cut.productWidth)
        let normalized = shape.model == .normalized
        norms = DoubleBuffer(count: normalized ? m : 0)
        testNorms = DoubleBuffer(count: normalized ? m : 0)
        valueScratch = DoubleBuffer(count: normalized ? cut.blocks.count * max(n, testRows) : 0)
        partials = DoubleBuffer(count: cut.blocks.count * rows)
        outputs = DoubleBuffer(count: rows)
        residualGradient = DoubleBuffer(count: n)
        skipProjection = DoubleBuffer(count: d)
        parameters = DoubleBuffer(initial.flattened)
        gradient = DoubleBuffer(count: shape.parameterCount)
        moments = optimizer == .adamwFresh ? nil
            : (DoubleBuffer(count: shape.parameterCount), DoubleBuffer(count: shape.parameterCount))
        schedule = AdamWSchedule(kind: optimizer, hyperparameters: hyperparameters)
    }

    /// The current weights.
    var currentParameters: NetworkParameters { NetworkParameters(shape: shape, flattened: parameters.values) }

    /// Runs `epochs` steps: the training loss before each step, the test loss after each (empty
    /// without test rows) and the test loss at the final weights (nil without test rows).
    func train(epochs: Int) -> (trainingLoss: [Double], testLoss: [Double], finalTestLoss: Double?) {
        var trainingLoss: [Double] = [], testLoss: [Double] = []
        trainingLoss.reserveCapacity(epochs)
        testLoss.reserveCapacity(rows > n ? epochs : 0)
        let testRows = n..<rows
        // The first forward pass needs no test rows (there is no test loss before the first step),
        // the last no training rows.
        region(step: nil, training: epochs > 0, test: epochs == 0)
        for epoch in 0..<epochs {
            combineOutputs(epoch > 0 ? 0..<rows : 0..<n)
            if epoch > 0 && !testRows.isEmpty { testLoss.append(squaredError(testRows, residual: false)) }
            trainingLoss.append(squaredError(0..<n, residual: true))
            let constants = schedule.next()
            if shape.model == .skip { skipStep(constants) }
            region(step: constants, training: epoch + 1 < epochs, test: true)
        }
        guard !testRows.isEmpty else { return (trainingLoss, testLoss, nil) }
        combineOutputs(testRows)
        let final = squaredError(testRows, residual: false)
        if epochs > 0 { testLoss.append(final) }
        return (trainingLoss, testLoss, final)
    }

    /// The passes over every block: the backward pass and AdamW update with `step` (none when nil),
    /// then the forward pass on the training rows and/or the test rows.
    private func region(step constants: AdamWStepConstants?, training: Bool, test: Bool) {
        let blockCount = cut.blocks.count
        if workers == 1 {
            for b in 0..<blockCount { pass(b, step: constants, training: training, test: test) }
            return
        }
        let claims = BlockClaims(count: blockCount, workers: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            while let b = claims.next(for: w) { self.pass(b, step: constants, training: training, test: test) }
        }
    }

    /// The passes over block `b`, product by product.
    private func pass(_ b: Int, step constants: AdamWStepConstants?, training: Bool, test: Bool) {
        let testRows = test ? n..<rows : n..<n
        let scratch = testScratch.base + b * testRows.count * cut.productWidth
        let values = valueScratch.base + b * max(n, rows - n)
        let partial = partials.base + b * rows
        let a = d * m, gamma = d * m + m
        for (index, columns) in cut.products[b].enumerated() {
            let z = pre.base + columns.lowerBound * n
            if let constants {
                backward(columns, pre: z, values: values)
                update(constants, (d * columns.lowerBound)..<(d * columns.upperBound))
                update(constants, (a + columns.lowerBound)..<(a + columns.upperBound))
                if shape.model == .normalized { update(constants, (gamma + columns.lowerBound)..<(gamma + columns.upperBound)) }
            }
            if training {
                forward(0..<n, columns, pre: z, norms: norms.base, values: values, accumulate: index > 0, outputs: partial)
            }
            forward(testRows, columns, pre: scratch, norms: testNorms.base, values: values, accumulate: index > 0,
                    outputs: partial)
        }
    }

    /// The forward pass of the neurons `columns` on `rows` (pre-activations into `pre`, whose
    /// leading dimension is `rows.count`; normalized: the norms over `rows` into `norms`).
    private func forward(_ rows: Range<Int>, _ columns: Range<Int>, pre: UnsafeMutablePointer<Double>,
                         norms: UnsafeMutablePointer<Double>, values: UnsafeMutablePointer<Double>, accumulate: Bool,
                         outputs: UnsafeMutablePointer<Double>) {
        let w = parameters.base, a = parameters.base + d * m
        if shape.model == .normalized {
            layer.normalizedForward(rows: rows, columns: columns, firstLayer: w, outputWeights: a, scales: a + m,
                                    norms: norms, values: values, pre: pre, preStride: rows.count,
                                    accumulate: accumulate, outputs: outputs)
        } else {
            layer.forward(rows: rows, columns: columns, firstLayer: w, outputWeights: a, pre: pre, preStride: rows.count,
                          accumulate: accumulate, outputs: outputs)
        }
    }

    /// The backward pass of the neurons `columns` on the training rows, from `residualGradient`.
    private func backward(_ columns: Range<Int>, pre: UnsafeMutablePointer<Double>, values: UnsafeMutablePointer<Double>) {
        let a = parameters.base + d * m, gradA = gradient.base + d * m
        if shape.model == .normalized {
            layer.normalizedBackward(rows: 0..<n, columns: columns, outputWeights: a, scales: a + m, norms: norms.base,
                                     values: values, residualGradient: residualGradient.base, pre: pre, preStride: n,
                                     gradOutputWeights: gradA, gradScales: gradA + m, gradFirstLayer: gradient.base)
        } else {
            layer.backward(rows: 0..<n, columns: columns, outputWeights: a, residualGradient: residualGradient.base,
                           pre: pre, preStride: n, gradOutputWeights: gradA, gradFirstLayer: gradient.base)
        }
    }

    /// AdamW on the flat scalars `range`.
    private func update(_ constants: AdamWStepConstants, _ range: Range<Int>) {
        constants.update(range, parameters: parameters.base, gradient: gradient.base,
                         firstMoments: moments?.first.base, secondMoments: moments?.second.base)
    }

    /// outputs[rows] = Σ over blocks (in order) of their partial outputs, plus the skip path.
    private func combineOutputs(_ range: Range<Int>) {
        let f = outputs.base, p = partials.base
        for k in range { f[k] = p[k] }
        for b in 1..<max(1, cut.blocks.count) {
            let part = p + b * rows
            for k in range { f[k] += part[k] }
        }
        if shape.model == .skip {
            let skip = skipOffset
            layer.addSkipPath(rows: range, skipWeights: parameters.base + skip, skipScale: parameters.base[skip + d],
                              outputs: f)
        }
    }

    /// ‖f − y‖² over `range`, with g = 2(f − y) into `residualGradient` when `residual`.
    private func squaredError(_ range: Range<Int>, residual: Bool) -> Double {
        HiddenColumns.squaredError(rows: range, outputs: outputs.base, targets: targets.base,
                                   residualGradient: residual ? residualGradient.base : nil)
    }

    /// The skip path's gradient (w₀, α₀) and its AdamW update.
    private func skipStep(_ constants: AdamWStepConstants) {
        let skip = skipOffset
        gradient.base[skip + d] = layer.skipPathGradient(
            rows: 0..<n, residualGradient: residualGradient.base, skipWeights: parameters.base + skip,
            skipScale: parameters.base[skip + d], projection: skipProjection.base, gradSkipWeights: gradient.base + skip)
        update(constants, skip..<(skip + d + 1))
    }

    /// Where w₀ starts in the flat parameters (α₀ follows it).
    private var skipOffset: Int { d * m + m }

    private var layer: HiddenColumns {
        HiddenColumns(activation: activation, inputDimension: d, inputs: inputs.base, inputStride: rows)
    }
}
