import ConvexSolver
import Foundation
import InstanceFormat
import LinearAlgebra
import ModelKinds

/// Independent checks of a solution: everything here is recomputed from X, y, the patterns and the
/// returned blocks, never from the solver's own residuals.
enum Check {
    /// Σᵢ DᵢX Tᵢ(uᵢ − vᵢ) (+ X w₀): the network's fit at the sample, from the returned blocks.
    static func fit(_ program: GroupNormProgram, _ s: SolutionBlocks) -> [Double] {
        let n = program.n
        var out = [Double](repeating: 0, count: n)
        if let w0 = s.w0 { out = program.X.times(w0) }
        func add(_ i: Int, _ w: [Double], _ sign: Double) {
            let x = firstLayer(program, s, i, w)
            let z = program.X.times(x)
            for r in 0..<n where program.patterns[i][r] { out[r] += sign * z[r] }
        }
        for i in program.patterns.indices {
            if let w = s.w { add(i, w[i], 1) }
            if let u = s.u { add(i, u[i], 1) }
            if let v = s.v { add(i, v[i], -1) }
        }
        return out
    }

    /// Tᵢ w for normalized (w itself otherwise): the first-layer weight of the block.
    static func firstLayer(_ program: GroupNormProgram, _ s: SolutionBlocks, _ i: Int, _ w: [Double]) -> [Double] {
        guard program.model == .normalized else { return w }
        let d = program.d, r = w.count
        let t = s.firstLayerMaps[i]
        precondition(t.count == d * r)
        return (0..<d).map { k in (0..<r).reduce(0.0) { $0 + t[k + $1 * d] * w[$1] } }
    }

    /// The program's objective at the returned blocks.
    static func objective(_ program: GroupNormProgram, _ s: SolutionBlocks) -> Double {
        var norms = (s.w0.map(Vector.norm) ?? 0)
        for list in [s.u, s.v, s.w] { for w in list ?? [] { norms += Vector.norm(w) } }
        if program.formulation == .approx {
            let r = Vector.subtract(fit(program, s), program.y)
            return Vector.dot(r, r) + program.beta * norms
        }
        return norms
    }

    /// Largest violation of the ReLU cones SᵢX ūᵢ ≥ 0 (0 for relaxed).
    static func coneViolation(_ program: GroupNormProgram, _ s: SolutionBlocks) -> Double {
        var worst = 0.0
        for i in program.patterns.indices {
            for list in [s.u, s.v] {
                guard let w = list?[i] else { continue }
                let z = program.X.times(firstLayer(program, s, i, w))
                for r in 0..<program.n {
                    let signed = program.patterns[i][r] ? z[r] : -z[r]
                    worst = max(worst, -signed)
                }
            }
        }
        return worst
    }

    /// Largest absolute weight outside w₀.
    static func otherWeightsMaxAbs(_ s: SolutionBlocks) -> Double {
        var m = 0.0
        for list in [s.u, s.v, s.w] { for w in list ?? [] { m = max(m, Vector.maxAbs(w)) } }
        return m
    }
}

enum Fixtures {
    static var instancesFolder: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("instances")
    }

    static var instanceFiles: [URL] {
        let files = (try? FileManager.default.contentsOfDirectory(at: instancesFolder, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static func program(_ p: ProblemInstance) throws -> GroupNormProgram {
        try GroupNormProgram(model: p.model, formulation: p.formulation, beta: p.beta ?? 1e-6, X: Matrix(rowMajor: p.X),
                             y: p.y, patterns: p.patterns.map { $0.map { $0 == 1 } })
    }
}

/// A small deterministic generator (SplitMix64 + Box–Muller) so the tests need no other module.
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / Double(1 << 53) }
    mutating func gaussian() -> Double {
        (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
    }
    mutating func matrix(_ rows: Int, _ cols: Int, scale: Double = 1) -> Matrix {
        Matrix(rows: rows, cols: cols, columnMajor: (0..<(rows * cols)).map { _ in scale * gaussian() })
    }
    /// hᵢ = 1[X u ≥ 0] for `count` Gaussian directions, duplicates removed.
    mutating func patterns(_ X: Matrix, count: Int) -> [[Bool]] {
        var seen = Set<[Bool]>()
        var out: [[Bool]] = []
        for _ in 0..<count {
            let u = (0..<X.cols).map { _ in gaussian() }
            let h = X.times(u).map { $0 >= 0 }
            if seen.insert(h).inserted { out.append(h) }
        }
        return out
    }
}
