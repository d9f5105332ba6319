import LinearAlgebra

/// Feasibility of `{ s ≥ 0 : A s = b }` by the phase-one simplex method on a dense tableau with
/// Bland's rule (which cannot cycle, so the method terminates).
///
/// Round-off in a long run of tableau pivots can drift; so every `refreshInterval` pivots, and
/// before accepting optimality, the tableau and its reduced costs are recomputed from the current
/// basis by an LU solve, and the answer (point or certificate) is computed from the basis too.
/// Used for small exact decisions (the all-ones pattern), not for the learners' programs.
struct PhaseOneSimplex {
    /// The outcome of phase one.
    enum Outcome {
        /// A feasible point.
        case feasible(s: [Double])
        /// A Farkas certificate `z` with `Aᵀz ≥ 0` and `bᵀz < 0`, proving infeasibility.
        case infeasible(z: [Double])
    }

    /// Pivot tolerance: candidate pivots no larger than this are treated as zero.
    var pivotTolerance = 1e-9
    /// Reduced costs above −this count as non-negative.
    var optimalityTolerance = 1e-10
    /// Phase one declares feasibility when the sum of artificials is at most this (relative to ‖b‖∞).
    var feasibilityTolerance = 1e-9
    /// Pivots between recomputations of the tableau from the basis.
    var refreshInterval = 25
    /// Safety bound on pivots (Bland's rule terminates; this guards against round-off loops).
    var maxPivots = 100_000

    func solve(a: [[Double]], b: [Double]) throws -> Outcome {
        let m = a.count
        let n = a.first?.count ?? 0
        let width = n + m + 1  // structural, artificial, right-hand side
        // [A | I | b] with rows flipped so that b ≥ 0 (column-major, for the LU refresh).
        var full = Matrix(rows: m, cols: width)
        var signs = [Double](repeating: 1, count: m)
        for i in 0..<m {
            signs[i] = b[i] < 0 ? -1 : 1
            for j in 0..<n { full[i, j] = signs[i] * a[i][j] }
            full[i, n + i] = 1
            full[i, width - 1] = signs[i] * b[i]
        }
        var basis = (0..<m).map { n + $0 }
        var t = [Double](repeating: 0, count: m * width)  // row-major tableau B⁻¹[A | I | b]
        var cost = [Double](repeating: 0, count: width)  // reduced costs; last entry −(Σ artificials)

        func refresh() throws {
            var basisMatrix = Matrix(rows: m, cols: m)
            for (k, j) in basis.enumerated() { basisMatrix.setColumn(k, full.column(j)) }
            let solved = try Matrix.solve(basisMatrix, full)
            for i in 0..<m { for j in 0..<width { t[i * width + j] = solved[i, j] } }
            for j in 0..<width {
                var r = (j >= n && j < n + m) ? 1.0 : 0.0
                if j == width - 1 { r = 0 }
                for i in 0..<m where basis[i] >= n { r -= t[i * width + j] }
                cost[j] = r
            }
        }

        try refresh()
        var pivots = 0
        var sinceRefresh = 0
        while pivots < maxPivots {
            if sinceRefresh >= refreshInterval {
                try refresh()
                sinceRefresh = 0
            }
            var entering = (0..<(n + m)).first(where: { cost[$0] < -optimalityTolerance })
            if entering == nil && sinceRefresh > 0 {
                try refresh()  // confirm optimality on fresh numbers
                sinceRefresh = 0
                entering = (0..<(n + m)).first(where: { cost[$0] < -optimalityTolerance })
            }
            guard let e = entering else { break }
            var leaving = -1
            var bestRatio = Double.infinity
            for i in 0..<m {
                let aij = t[i * width + e]
                if aij > pivotTolerance {
                    let ratio = t[i * width + width - 1] / aij
                    if ratio < bestRatio - 1e-14 || (ratio <= bestRatio + 1e-14 && basis[i] < basis[leaving]) {
                        bestRatio = min(ratio, bestRatio)
                        leaving = i
                    }
                }
            }
            if leaving < 0 {
                // No admissible pivot although the reduced cost is negative: only round-off can do this.
                cost[e] = 0
                continue
            }
            let pivot = t[leaving * width + e]
            for j in 0..<width { t[leaving * width + j] /= pivot }
            for i in 0..<m where i != leaving {
                let f = t[i * width + e]
                if f != 0 { for j in 0..<width { t[i * width + j] -= f * t[leaving * width + j] } }
            }
            let f = cost[e]
            for j in 0..<width { cost[j] -= f * t[leaving * width + j] }
            basis[leaving] = e
            pivots += 1
            sinceRefresh += 1
        }

        // The answer from the basis itself: x_B = B⁻¹ b and y = B⁻ᵀ c_B.
        var basisMatrix = Matrix(rows: m, cols: m)
        for (k, j) in basis.enumerated() { basisMatrix.setColumn(k, full.column(j)) }
        let xB = try Matrix.solve(basisMatrix, full.columns((width - 1)..<width)).storage
        let infeasibility = zip(basis, xB).reduce(0) { $0 + ($1.0 >= n ? max($1.1, 0) : 0) }
        let bNorm = max(Vector.maxAbs(b), 1e-300)
        if infeasibility <= feasibilityTolerance * bNorm {
            var s = [Double](repeating: 0, count: n)
            for (k, j) in basis.enumerated() where j < n { s[j] = max(xB[k], 0) }
            return .feasible(s: s)
        }
        let cB = basis.map { $0 >= n ? 1.0 : 0.0 }
        let y = try Matrix.solve(basisMatrix.transposed, Matrix(rows: m, cols: 1, columnMajor: cB)).storage
        // z = −y, undoing the row sign flips.
        return .infeasible(z: (0..<m).map { -signs[$0] * y[$0] })
    }
}
