import LinearAlgebra

/// The linear program behind the all-ones decision, solved by a primal–dual interior-point
/// method (Mehrotra predictor–corrector) on its (d+1)×(d+1) normal equations.
///
/// For X (n×d, full column rank, 1 ∉ range X) the pair of programs
///
///     (P)  min s     s.t.  X u + s·1 ≥ 0,  1ᵀX u + n s = 1          (variables u ∈ Rᵈ, s ∈ R)
///     (D)  max t     s.t.  Xᵀλ = 0,  1ᵀλ = 1,  λ ≥ t·1               (λ ∈ Rⁿ)
///
/// are both feasible and bounded, with equal optima s* = t*. When s* ≤ 0, u* ≠ 0 has X u* ≥ 0;
/// when t* > 0, λ* > 0 with Xᵀλ* = 0 (Stiemke's certificate that no u ≠ 0 has X u ≥ 0).
struct HalfSpaceProgram {
    struct Solution {
        /// Primal u and s.
        var u: [Double]
        var s: Double
        /// The (D) variable λ = (multipliers of X u + s·1 ≥ 0) − y·1, and t = −y.
        var lambda: [Double]
        var t: Double
        var iterations: Int
        var converged: Bool
    }

    /// Relative tolerance on residuals and on the complementarity gap.
    var tolerance = 1e-10
    var maxIterations = 100

    /// Solves (P)/(D) for `x`. Requires [X 1] to have full column rank (the caller checks).
    func solve(_ x: Matrix) throws -> Solution {
        let n = x.rows, d = x.cols
        let m = d + 1
        // F = [X 1] (n×m); the program in standard form: min cᵀv s.t. a·v = 1, −F v + z = 0, z ≥ 0.
        var f = Matrix(rows: n, cols: m)
        f.storage.replaceSubrange(0..<(n * d), with: x.storage)
        for i in 0..<n { f[i, d] = 1 }
        var a = f.times([Double](repeating: 1, count: n), .transpose)  // [Xᵀ1; n]
        a[d] = Double(n)
        var c = [Double](repeating: 0, count: m)
        c[d] = 1

        var v = [Double](repeating: 0, count: m)
        var y = 0.0
        var z = [Double](repeating: 1, count: n)
        var lam = [Double](repeating: 1, count: n)
        let scale = max(1, f.maxAbs)
        var iteration = 0
        var converged = false

        while iteration < maxIterations {
            // Residuals: dual rd = c − Fᵀλ + a y, primal rp = a·v − 1, rg = −F v + z.
            let ftl = f.times(lam, .transpose)
            let rd = (0..<m).map { c[$0] - ftl[$0] + a[$0] * y }
            let rp = Vector.dot(a, v) - 1
            let fv = f.times(v)
            let rg = (0..<n).map { -fv[$0] + z[$0] }
            let mu = Vector.dot(z, lam) / Double(n)
            if Vector.maxAbs(rd) <= tolerance * scale && abs(rp) <= tolerance
                && Vector.maxAbs(rg) <= tolerance * scale && mu <= tolerance {
                converged = true
                break
            }
            // Normal matrix H = Fᵀ diag(λ/z) F and its Cholesky factor.
            let dScale = (0..<n).map { lam[$0] / z[$0] }
            var fd = f
            for j in 0..<m { for i in 0..<n { fd[i, j] *= dScale[i].squareRoot() } }
            // Near convergence D spans many orders of magnitude; a tiny diagonal shift keeps the
            // factorization alive (the answer is certified by the caller, not trusted).
            var h = Matrix.gram(fd, .transpose)
            let shift = 1e-14 * (0..<m).reduce(0) { max($0, h[$1, $1]) }
            for j in 0..<m { h[j, j] += shift }
            guard let chol = try? Cholesky(h) else { break }
            let hInvA = try chol.solve(a)
            let aHInvA = Vector.dot(a, hInvA)

            // Solves the Newton system for a complementarity target rc (Λ Δz + Z Δλ = rc).
            func direction(_ rc: [Double]) throws -> (dv: [Double], dy: Double, dz: [Double], dl: [Double]) {
                // Δλ = D(rg − F Δv) + Z⁻¹ rc, D = Λ Z⁻¹.
                // Eliminating Δz and Δλ: (Fᵀ D F) Δv + a Δy = r with r = −rd + Fᵀ(D rg + Z⁻¹ rc).
                let w = (0..<n).map { dScale[$0] * rg[$0] + rc[$0] / z[$0] }
                let ftw = f.times(w, .transpose)
                let r = (0..<m).map { -rd[$0] + ftw[$0] }
                let hInvR = try chol.solve(r)
                // a·Δv = −rp with Δv = H⁻¹(r − a Δy).
                let dy = (rp + Vector.dot(a, hInvR)) / aHInvA
                let dv = (0..<m).map { hInvR[$0] - hInvA[$0] * dy }
                let fdv = f.times(dv)
                let dl = (0..<n).map { dScale[$0] * (-fdv[$0] + rg[$0]) + rc[$0] / z[$0] }
                let dz = (0..<n).map { (rc[$0] - z[$0] * dl[$0]) / lam[$0] }
                return (dv, dy, dz, dl)
            }
            func stepLength(_ dz: [Double], _ dl: [Double]) -> Double {
                var alpha = 1.0
                for i in 0..<n {
                    if dz[i] < 0 { alpha = min(alpha, -z[i] / dz[i]) }
                    if dl[i] < 0 { alpha = min(alpha, -lam[i] / dl[i]) }
                }
                return alpha
            }
            // Predictor (affine scaling), then Mehrotra's corrector.
            let affine = try direction((0..<n).map { -z[$0] * lam[$0] })
            let alphaAff = stepLength(affine.dz, affine.dl)
            var muAff = 0.0
            for i in 0..<n { muAff += (z[i] + alphaAff * affine.dz[i]) * (lam[i] + alphaAff * affine.dl[i]) }
            muAff /= Double(n)
            let sigma = pow(muAff / mu, 3)
            let rc = (0..<n).map { -z[$0] * lam[$0] + sigma * mu - affine.dz[$0] * affine.dl[$0] }
            let step = try direction(rc)
            let alpha = min(1, 0.99 * stepLength(step.dz, step.dl))
            for j in 0..<m { v[j] += alpha * step.dv[j] }
            y += alpha * step.dy
            for i in 0..<n {
                z[i] += alpha * step.dz[i]
                lam[i] += alpha * step.dl[i]
            }
            iteration += 1
        }
        return Solution(u: Array(v[0..<d]), s: v[d], lambda: lam.map { $0 - y }, t: -y,
                        iterations: iteration, converged: converged)
    }
}

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
