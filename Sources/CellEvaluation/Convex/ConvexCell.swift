import CellData
import ConvexSolver
import LinearAlgebra
import ModelKinds

/// A convex cell (docs/science.md §2, §4): solves the program of the sample and computes the metrics.
/// A status other than `solved` is recorded with no solution metrics.
enum ConvexCell {
    static func evaluate(_ spec: CellSpec, sample: CellSample) throws -> CellResult {
        guard let learned = spec.learned, let formulation = spec.formulation, formulation.isConvex else {
            throw CellEvaluationError("a convex cell needs a learned model and a convex formulation")
        }
        let program: GroupNormProgram
        do {
            program = try GroupNormProgram(model: learned, formulation: formulation, beta: spec.beta ?? 1e-6,
                                           X: sample.x, y: sample.y, patterns: sample.patterns.patterns)
        } catch let error as ProgramError {
            throw CellEvaluationError(error.message)
        }
        let result = try InteriorPointSolver().solve(program)
        var metrics: [String: Double] = ["iterations": Double(result.iterations), "seconds": result.seconds]
        guard result.status == .solved else {
            return CellResult(status: result.status.rawValue, metrics: metrics,
                              note: "solver ended with \(result.status.rawValue); solution metrics omitted")
        }
        metrics["objective"] = result.objective
        let readout = ConvexReadout(model: learned, formulation: formulation, solution: result.solution)
        metrics["test_distance"] = MetricMath.distance(readout.predict(sample.xTest), sample.yTest)
        metrics["other_norm"] = readout.otherNorm
        for (name, value) in PlantedComparison(spec: spec, sample: sample, readout: readout).metrics() {
            metrics[name] = value
        }
        return CellResult(status: result.status.rawValue, metrics: metrics.filter { $0.value.isFinite })
    }
}

/// The network a convex solution defines (docs/science.md §2, "Network read-out").
struct ConvexReadout {
    let model: LearnedModel
    let formulation: Formulation
    let solution: SolutionBlocks

    /// Positive blocks (uᵢ, or wᵢ for relaxed) and negative blocks (vᵢ; empty for relaxed).
    var positive: [[Double]] { solution.w ?? solution.u ?? [] }
    var negative: [[Double]] { solution.w == nil ? (solution.v ?? []) : [] }

    /// Frobenius norm of every non-skip weight.
    var otherNorm: Double {
        (positive + negative).reduce(0) { $0 + $1.reduce(0) { $0 + $1 * $1 } }.squareRoot()
    }

    /// First-layer weight of a block: the block itself (plain/skip) or Tᵢ·block (normalized).
    func firstLayer(_ block: [Double], pattern i: Int, d: Int) -> [Double] {
        guard model == .normalized else { return block }
        let t = solution.firstLayerMaps[i]
        let r = block.count
        var out = [Double](repeating: 0, count: d)
        for j in 0..<r { for k in 0..<d { out[k] += t[k + j * d] * block[j] } }
        return out
    }

    /// ŷ(X) of docs/science.md §2.
    func predict(_ x: Matrix) -> [Double] {
        let n = x.rows, d = x.cols
        var y = [Double](repeating: 0, count: n)
        if let w0 = solution.w0 { y = x.times(w0) }
        for (sign, blocks) in [(1.0, positive), (-1.0, negative)] {
            guard !blocks.isEmpty else { continue }
            // All first-layer weights of this sign as columns, one product, then relu (and normalise).
            var first = Matrix(rows: d, cols: blocks.count)
            var scales = [Double](repeating: 1, count: blocks.count)
            for (i, b) in blocks.enumerated() {
                first.setColumn(i, firstLayer(b, pattern: i, d: d))
                if model == .normalized { scales[i] = MetricMath.norm(b) }
            }
            let activations = (x * first).map { max($0, 0) }
            for i in 0..<blocks.count {
                var column = activations.column(i)
                if model == .normalized {
                    let norm = MetricMath.norm(column)
                    if norm == 0 { continue }  // a zero column contributes 0
                    column = column.map { $0 * scales[i] / norm }
                }
                for r in 0..<n { y[r] += sign * column[r] }
            }
        }
        return y
    }
}

/// Compares a solution with the planted model (docs/science.md §4: recovery, weight_distance, cosine).
struct PlantedComparison {
    let spec: CellSpec
    let sample: CellSample
    let readout: ConvexReadout

    func metrics() -> [String: Double] {
        let tol = spec.recoveryTolerance
        let w = sample.plantedWeights
        switch (readout.model, spec.data.planted) {
        case (.skip, .linear):
            guard let w0 = readout.solution.w0 else { return [:] }
            let wStar = w.column(0)
            let others = (readout.positive + readout.negative).map(MetricMath.maxAbs).max() ?? 0
            var m: [String: Double] = [
                "recovery": MetricMath.maxAbsDifference(w0, wStar) <= tol && others <= tol ? 1 : 0,
                "weight_distance": MetricMath.distance(w0, wStar),
            ]
            if let c = MetricMath.cosine(w0, wStar) { m["cosine"] = c }
            return m
        case (.plain, .plain), (.normalized, .normalized):
            // Target weight at each planted neuron's pattern (summed if two neurons share one).
            var targets: [Int: [Double]] = [:]
            for (j, s) in sample.patterns.plantedIndices.enumerated() {
                let t = readout.model == .plain ? w.column(j) : normalizedTarget(w.column(j), pattern: s)
                targets[s] = targets[s].map { zip($0, t).map { $0 + $1 } } ?? t
            }
            var recovered = true
            var squaredDistance = 0.0
            for i in 0..<readout.positive.count {
                let u = readout.positive[i]
                let v = i < readout.negative.count ? readout.negative[i] : [Double](repeating: 0, count: u.count)
                if let target = targets[i] {
                    recovered = recovered && MetricMath.maxAbsDifference(u, target) <= tol && MetricMath.maxAbs(v) <= tol
                    squaredDistance += pow2(MetricMath.distance(zip(u, v).map { $0 - $1 }, target))
                } else {
                    recovered = recovered && MetricMath.maxAbs(u) <= tol && MetricMath.maxAbs(v) <= tol
                }
            }
            return ["recovery": recovered ? 1 : 0, "weight_distance": squaredDistance.squareRoot()]
        default:
            return [:]
        }
    }

    /// ŵ = normalize(Σ_s V_sᵀ w*) in the block coordinates of pattern s. With T_s = V_sΣ_s⁻¹,
    /// TᵀT = Σ⁻², so σⱼ = 1/‖tⱼ‖ and (Σ Vᵀ w)ⱼ = σⱼ² (Tᵀw)ⱼ = (tⱼ·w)/‖tⱼ‖².
    func normalizedTarget(_ wStar: [Double], pattern s: Int) -> [Double] {
        let t = readout.solution.firstLayerMaps[s]
        let d = wStar.count
        let r = t.count / max(d, 1)
        var out = [Double](repeating: 0, count: r)
        for j in 0..<r {
            var dot = 0.0, norm2 = 0.0
            for k in 0..<d {
                dot += t[k + j * d] * wStar[k]
                norm2 += t[k + j * d] * t[k + j * d]
            }
            out[j] = norm2 > 0 ? dot / norm2 : 0
        }
        let n = MetricMath.norm(out)
        return n > 0 ? out.map { $0 / n } : out
    }

    private func pow2(_ x: Double) -> Double { x * x }
}
