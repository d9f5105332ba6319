import CLapack
import LinearAlgebra

/// `min ‖b − A x‖ subject to x ≥ 0` by Lawson and Hanson's active-set method (Solving Least Squares
/// Problems, 1974, ch. 23), with an optional early stop: as soon as the residual norm is at most `target`,
/// the current feasible x is returned. The method's residual falls monotonically, so a stop at the target
/// certifies `min ‖b − A x‖ ≤ target` without solving to the end.
///
/// The passive columns' least-squares problems use a QR factorization (Gram–Schmidt, orthogonalised twice)
/// grown by one column per step and recomputed when columns leave. A is m×k, column-major, held by the caller.
public struct NonnegativeLeastSquares {
    /// How a solve ended.
    public enum Outcome: Equatable {
        /// ‖b − A x‖ ≤ target with x ≥ 0 (possibly before the optimum).
        case reachedTarget
        /// x is optimal (the KKT conditions hold to round-off) and its residual is above the target.
        case optimal
        /// The step limit was reached first; x is feasible, its residual above the target.
        case stepLimit
    }

    /// The result: x ≥ 0 (k entries, zero outside the passive set), its residual b − A x and how the solve ended.
    public struct Solution {
        public let x: [Double]
        public let residual: [Double]
        public let residualNorm: Double
        public let outcome: Outcome
        /// Columns added to the passive set (outer steps).
        public let steps: Int
    }

    /// Solves for the m×k matrix at `a` (leading dimension m) and b (m entries).
    /// - Parameters:
    ///   - target: stop once ‖b − A x‖ ≤ target (0: solve to optimality).
    ///   - maxSteps: limit on outer steps (default 3·k + 10).
    public static func solve(a: UnsafePointer<Double>, rows m: Int, cols k: Int, b: [Double], target: Double = 0,
                             maxSteps: Int? = nil) -> Solution {
        precondition(b.count == m)
        var x = [Double](repeating: 0, count: k)
        var residual = b
        var norm = Vector.norm(residual)
        if norm <= target || k == 0 || m == 0 {
            return Solution(x: x, residual: residual, residualNorm: norm, outcome: norm <= target ? .reachedTarget : .optimal, steps: 0)
        }
        var columnScale = [Double](repeating: 0, count: k)
        for j in 0..<k { columnScale[j] = cblas_dnrm2(Int32(m), a + j * m, 1) }
        let limit = maxSteps ?? (3 * k + 10)
        var passive: [Int] = []
        var inPassive = [Bool](repeating: false, count: k)
        // Columns that proved numerically dependent on the passive set: skipped until the set changes.
        var excluded = [Bool](repeating: false, count: k)
        var qr = GrowingQR(rows: m)
        var gradient = [Double](repeating: 0, count: k)
        var steps = 0
        while steps < limit {
            // w = Aᵀ(b − A x): the steepest descent directions of ½‖b − A x‖².
            residual.withUnsafeBufferPointer { rp in
                gradient.withUnsafeMutableBufferPointer { gp in
                    RawKernels.gemv(.transpose, m: m, n: k, alpha: 1, a: a, lda: m, x: rp.baseAddress!, beta: 0,
                                    y: gp.baseAddress!)
                }
            }
            var best = -1, bestValue = 0.0
            for j in 0..<k where !inPassive[j] && !excluded[j] && columnScale[j] > 0 {
                // Compare the directional derivatives of unit columns; round-off level values are zero.
                let v = gradient[j] / columnScale[j]
                if v > bestValue && v > 1e-13 * norm { best = j; bestValue = v }
            }
            if best < 0 {
                return Solution(x: x, residual: residual, residualNorm: norm, outcome: .optimal, steps: steps)
            }
            steps += 1
            if !qr.append(a + best * m) {
                excluded[best] = true
                continue
            }
            passive.append(best)
            inPassive[best] = true
            var z = qr.solve(b)
            // Step back from z towards x until every passive coefficient is positive (the inner loop): the
            // coefficient that reaches zero first leaves, with any other at zero.
            while z.contains(where: { $0 <= 0 }) {
                var alpha = 1.0, first = -1
                for (p, j) in passive.enumerated() where z[p] <= 0 {
                    let ratio = x[j] - z[p] > 0 ? x[j] / (x[j] - z[p]) : 0
                    if first < 0 || ratio < alpha { alpha = ratio; first = p }
                }
                for (p, j) in passive.enumerated() { x[j] += alpha * (z[p] - x[j]) }
                x[passive[first]] = 0
                let leaving = passive.filter { x[$0] <= 0 }
                // A column that leaves at once after entering would enter again: skip it until the set changes.
                let bounced = leaving == [best]
                for j in leaving { x[j] = 0; inPassive[j] = false }
                passive.removeAll { !inPassive[$0] }
                qr = GrowingQR(rows: m)
                var kept: [Int] = []
                for j in passive {
                    if qr.append(a + j * m) { kept.append(j) } else { x[j] = 0; inPassive[j] = false }
                }
                passive = kept
                if !bounced { for j in 0..<k { excluded[j] = false } }
                excluded[best] = bounced || excluded[best]
                z = qr.solve(b)
            }
            for (p, j) in passive.enumerated() { x[j] = z[p] }
            // The residual from A and x directly (not from the factorization), so that it is the true one.
            residual = b
            residual.withUnsafeMutableBufferPointer { rp in
                for j in passive { cblas_daxpy(Int32(m), -x[j], a + j * m, 1, rp.baseAddress!, 1) }
            }
            norm = Vector.norm(residual)
            if norm <= target {
                return Solution(x: x, residual: residual, residualNorm: norm, outcome: .reachedTarget, steps: steps)
            }
        }
        return Solution(x: x, residual: residual, residualNorm: norm, outcome: .stepLimit, steps: steps)
    }
}

/// A thin QR factorization Q R of columns appended one at a time (classical Gram–Schmidt applied twice,
/// which keeps Q orthonormal to round-off), for the passive sets of `NonnegativeLeastSquares`.
struct GrowingQR {
    let rows: Int
    /// Q, rows × count, column-major.
    private(set) var q: [Double] = []
    /// R, upper triangular, column j stored at `r[j]` (its j + 1 entries).
    private(set) var r: [[Double]] = []
    var count: Int { r.count }

    init(rows: Int) { self.rows = rows }

    /// Appends column `col` (rows entries); false, leaving the factorization unchanged, when it is
    /// numerically in the span of the columns already there.
    mutating func append(_ col: UnsafePointer<Double>) -> Bool {
        let m = rows, k = count
        if k >= m { return false }
        var v = Array(UnsafeBufferPointer(start: col, count: m))
        let original = Vector.norm(v)
        if original == 0 { return false }
        var coefficients = [Double](repeating: 0, count: k + 1)
        if k > 0 {
            var c = [Double](repeating: 0, count: k)
            for _ in 0..<2 {
                q.withUnsafeBufferPointer { qp in
                    v.withUnsafeMutableBufferPointer { vp in
                        c.withUnsafeMutableBufferPointer { cp in
                            RawKernels.gemv(.transpose, m: m, n: k, alpha: 1, a: qp.baseAddress!, lda: m,
                                            x: vp.baseAddress!, beta: 0, y: cp.baseAddress!)
                            RawKernels.gemv(.none, m: m, n: k, alpha: -1, a: qp.baseAddress!, lda: m,
                                            x: cp.baseAddress!, beta: 1, y: vp.baseAddress!)
                        }
                    }
                }
                for i in 0..<k { coefficients[i] += c[i] }
            }
        }
        let rest = Vector.norm(v)
        if !(rest > 1e-10 * original) { return false }
        coefficients[k] = rest
        for i in 0..<m { v[i] /= rest }
        q += v
        r.append(coefficients)
        return true
    }

    /// The least-squares coefficients of b on the columns: R⁻¹ Qᵀ b.
    func solve(_ b: [Double]) -> [Double] {
        let m = rows, k = count
        if k == 0 { return [] }
        var c = [Double](repeating: 0, count: k)
        q.withUnsafeBufferPointer { qp in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    RawKernels.gemv(.transpose, m: m, n: k, alpha: 1, a: qp.baseAddress!, lda: m, x: bp.baseAddress!,
                                    beta: 0, y: cp.baseAddress!)
                }
            }
        }
        for j in stride(from: k - 1, through: 0, by: -1) {
            c[j] /= r[j][j]
            for i in 0..<j { c[i] -= r[j][i] * c[j] }
        }
        return c
    }
}
