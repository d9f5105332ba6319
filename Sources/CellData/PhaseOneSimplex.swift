/// Feasibility of `{ s ≥ 0 : A s = b }` by the phase-one simplex method on a dense tableau with
/// Bland's rule (which cannot cycle, so the method always terminates).
///
/// Used for small exact decisions (the all-ones pattern), not for the learners' programs.
struct PhaseOneSimplex {
    /// The outcome of phase one.
    enum Outcome {
        /// A feasible point.
        case feasible(s: [Double])
        /// A Farkas certificate `z` with `Aᵀz ≥ 0` and `bᵀz < 0`, proving infeasibility.
        case infeasible(z: [Double])
    }

    /// Pivot tolerance: entries smaller than this (relative to the largest of A) are treated as zero.
    var pivotTolerance = 1e-11
    /// Phase one declares feasibility when the sum of artificials is at most this (relative to ‖b‖∞).
    var feasibilityTolerance = 1e-9
    /// Safety bound on pivots (Bland's rule terminates, this only guards against a bug).
    var maxPivots = 1_000_000

    /// `a` is given row by row (m rows of length `n`); `b` has m entries.
    func solve(a: [[Double]], b: [Double]) -> Outcome {
        let m = a.count
        let n = a.first?.count ?? 0
        let width = n + m + 1  // structural, artificial, right-hand side
        var t = [Double](repeating: 0, count: m * width)
        let scale = max(a.joined().reduce(0) { max($0, abs($1)) }, 1e-300)
        for i in 0..<m {
            let sign: Double = b[i] < 0 ? -1 : 1  // make b ≥ 0
            for j in 0..<n { t[i * width + j] = sign * a[i][j] / scale }
            t[i * width + n + i] = 1
            t[i * width + width - 1] = sign * b[i] / scale
        }
        var basis = (0..<m).map { n + $0 }
        // Objective row: reduced costs of min Σ artificials. For artificial columns they start at 0.
        var cost = [Double](repeating: 0, count: width)
        for j in 0..<n { cost[j] = -(0..<m).reduce(0) { $0 + t[$1 * width + j] } }
        cost[width - 1] = -(0..<m).reduce(0) { $0 + t[$1 * width + width - 1] }

        var pivots = 0
        while pivots < maxPivots {
            // Bland: the lowest-index column with a negative reduced cost enters.
            guard let entering = (0..<(n + m)).first(where: { cost[$0] < -pivotTolerance }) else { break }
            var leaving = -1
            var bestRatio = Double.infinity
            for i in 0..<m {
                let aij = t[i * width + entering]
                if aij > pivotTolerance {
                    let ratio = t[i * width + width - 1] / aij
                    if ratio < bestRatio - 1e-15 || (abs(ratio - bestRatio) <= 1e-15 && basis[i] < basis[leaving]) {
                        bestRatio = ratio
                        leaving = i
                    }
                }
            }
            if leaving < 0 { break }  // cannot happen in phase one (objective bounded below)
            let pivot = t[leaving * width + entering]
            for j in 0..<width { t[leaving * width + j] /= pivot }
            for i in 0..<m where i != leaving {
                let f = t[i * width + entering]
                if f != 0 { for j in 0..<width { t[i * width + j] -= f * t[leaving * width + j] } }
            }
            let f = cost[entering]
            for j in 0..<width { cost[j] -= f * t[leaving * width + j] }
            basis[leaving] = entering
            pivots += 1
        }
        let infeasibility = -cost[width - 1]  // Σ artificials at the optimum (in scaled units)
        let bNorm = max(b.reduce(0) { max($0, abs($1)) } / scale, 1e-300)
        if infeasibility <= feasibilityTolerance * bNorm {
            var s = [Double](repeating: 0, count: n)
            for i in 0..<m where basis[i] < n { s[basis[i]] = max(t[i * width + width - 1], 0) }
            return .feasible(s: s)
        }
        // Simplex multipliers: reduced cost of artificial i is 1 − yᵢ, so yᵢ = 1 − cost[n + i];
        // z = −y (undoing the row sign flips) is the Farkas certificate.
        var z = [Double](repeating: 0, count: m)
        for i in 0..<m {
            let sign: Double = b[i] < 0 ? -1 : 1
            z[i] = -sign * (1 - cost[n + i])
        }
        return .infeasible(z: z)
    }
}
