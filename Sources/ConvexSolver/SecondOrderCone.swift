/// The cone K = (nonnegative orthant) × (second-order cones) of the conic form, and the
/// Nesterov–Todd scaling at a pair (s, z) of interior points.
///
/// Second-order cone of dimension m: { (t, w) ∈ R × R^(m−1) : t ≥ ‖w‖ }, with J = diag(1, −I).
/// The NT scaling is W = η W̄, W̄ = [w̄₀ w̄₁ᵀ; w̄₁ I + w̄₁w̄₁ᵀ/(1+w̄₀)], w̄ᵀJw̄ = 1, so that
/// W z = W⁻¹ s = λ and W² = η²(2w̄w̄ᵀ − J). On the orthant W = diag(√(s/z)).
struct ConeGeometry {
    let lpRange: Range<Int>
    let segments: [(offset: Int, dim: Int)]
    let size: Int

    /// The identity element e (ones on the orthant, (1, 0, …, 0) on each second-order cone).
    var identity: [Double] {
        var e = [Double](repeating: 0, count: size)
        for i in lpRange { e[i] = 1 }
        for (o, _) in segments { e[o] = 1 }
        return e
    }

    /// Smallest "eigenvalue" of v with respect to K (min over the orthant entries and t − ‖w‖).
    func minimumEigenvalue(_ v: [Double]) -> Double {
        var m = Double.infinity
        for i in lpRange { m = min(m, v[i]) }
        for (o, dim) in segments {
            var ss = 0.0
            for j in 1..<dim { ss += v[o + j] * v[o + j] }
            m = min(m, v[o] - ss.squareRoot())
        }
        return m
    }

    /// Moves v into the interior as in CVXOPT/ECOS: v + (1 + α) e when α = −min eigenvalue ≥ 0.
    func shiftIntoInterior(_ v: inout [Double]) {
        let alpha = -minimumEigenvalue(v)
        if alpha >= 0 {
            for i in lpRange { v[i] += 1 + alpha }
            for (o, _) in segments { v[o] += 1 + alpha }
        }
    }

    /// uᵀv restricted to the cone coordinates (all of them).
    func dot(_ u: [Double], _ v: [Double]) -> Double {
        var s = 0.0
        for i in 0..<size { s += u[i] * v[i] }
        return s
    }

    /// Jordan product u ∘ v.
    func product(_ u: [Double], _ v: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: size)
        for i in lpRange { out[i] = u[i] * v[i] }
        for (o, dim) in segments {
            var s = 0.0
            for j in 0..<dim { s += u[o + j] * v[o + j] }
            out[o] = s
            for j in 1..<dim { out[o + j] = u[o] * v[o + j] + v[o] * u[o + j] }
        }
        return out
    }

    /// Solves λ ∘ u = v for u (λ in the interior).
    func inverseProduct(_ lambda: [Double], _ v: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: size)
        for i in lpRange { out[i] = v[i] / lambda[i] }
        for (o, dim) in segments {
            let l0 = lambda[o]
            var l1v1 = 0.0, l1l1 = 0.0
            for j in 1..<dim { l1v1 += lambda[o + j] * v[o + j]; l1l1 += lambda[o + j] * lambda[o + j] }
            let det = (l0 - l1l1.squareRoot()) * (l0 + l1l1.squareRoot())
            let u0 = (l0 * v[o] - l1v1) / det
            out[o] = u0
            for j in 1..<dim { out[o + j] = (v[o + j] - u0 * lambda[o + j]) / l0 }
        }
        return out
    }

    /// Largest α ≤ `cap` with v + α dv in K (v interior).
    func maxStep(_ v: [Double], _ dv: [Double], cap: Double) -> Double {
        var alpha = cap
        for i in lpRange where dv[i] < 0 {
            alpha = min(alpha, -v[i] / dv[i])
        }
        for (o, dim) in segments {
            let s0 = v[o], d0 = dv[o]
            var s1s1 = 0.0, s1d1 = 0.0, d1d1 = 0.0
            for j in 1..<dim {
                s1s1 += v[o + j] * v[o + j]
                s1d1 += v[o + j] * dv[o + j]
                d1d1 += dv[o + j] * dv[o + j]
            }
            // f(α) = a α² + 2 b α + c, f(0) = c > 0; find the smallest positive root.
            let a = d0 * d0 - d1d1
            let b = s0 * d0 - s1d1
            let c = max((s0 - s1s1.squareRoot()) * (s0 + s1s1.squareRoot()), 0)
            let disc = b * b - a * c
            var root = Double.infinity
            if a < 0 {
                let sq = max(disc, 0).squareRoot()
                root = b > 0 ? (b + sq) / (-a) : c / (sq - b)
            } else if a > 0 {
                if b < 0 && disc >= 0 { root = c / (-b + disc.squareRoot()) }
            } else if b < 0 {
                root = c / (-2 * b)
            }
            // Guard against the t ≥ 0 branch for a cone that starts at its apex direction.
            if d0 < 0 { root = min(root, -s0 / d0) }
            if root.isNaN { root = 0 }
            alpha = min(alpha, root)
        }
        return max(alpha, 0)
    }
}

/// Nesterov–Todd scaling of K at (s, z).
struct NTScaling {
    let geometry: ConeGeometry
    /// Orthant: √(s/z) per row (indexed like the slack vector; other entries unused).
    var diag: [Double]
    /// Per second-order cone: η.
    var eta: [Double]
    /// w̄, stored at the cone offsets (other entries unused).
    var wbar: [Double]
    /// λ = W z = W⁻¹ s.
    var lambda: [Double]

    /// The identity scaling (W = I), used to compute the starting point.
    init(identity geometry: ConeGeometry) {
        self.geometry = geometry
        diag = [Double](repeating: 1, count: geometry.size)
        eta = [Double](repeating: 1, count: geometry.segments.count)
        wbar = geometry.identity
        lambda = geometry.identity
    }

    /// NT scaling at interior s, z. Returns nil when a point left the interior numerically.
    init?(geometry: ConeGeometry, s: [Double], z: [Double]) {
        self.geometry = geometry
        diag = [Double](repeating: 1, count: geometry.size)
        lambda = [Double](repeating: 0, count: geometry.size)
        wbar = [Double](repeating: 0, count: geometry.size)
        eta = [Double](repeating: 1, count: geometry.segments.count)
        for i in geometry.lpRange {
            guard s[i] > 0, z[i] > 0 else { return nil }
            diag[i] = (s[i] / z[i]).squareRoot()
            lambda[i] = (s[i] * z[i]).squareRoot()
        }
        for (k, (o, dim)) in geometry.segments.enumerated() {
            var s1 = 0.0, z1 = 0.0
            for j in 1..<dim { s1 += s[o + j] * s[o + j]; z1 += z[o + j] * z[o + j] }
            let sJs = (s[o] - s1.squareRoot()) * (s[o] + s1.squareRoot())
            let zJz = (z[o] - z1.squareRoot()) * (z[o] + z1.squareRoot())
            guard sJs > 0, zJz > 0, s[o] > 0, z[o] > 0 else { return nil }
            let sn = sJs.squareRoot(), zn = zJz.squareRoot()
            var sz = 0.0
            for j in 0..<dim { sz += s[o + j] * z[o + j] }
            let gamma = ((1 + sz / (sn * zn)) / 2).squareRoot()
            wbar[o] = (s[o] / sn + z[o] / zn) / (2 * gamma)
            for j in 1..<dim { wbar[o + j] = (s[o + j] / sn - z[o + j] / zn) / (2 * gamma) }
            eta[k] = (sn / zn).squareRoot()
        }
        lambda = apply(z, power: 1)
    }

    /// W^power v for power ∈ {1, −1, 2, −2}.
    func apply(_ v: [Double], power: Int) -> [Double] {
        var out = [Double](repeating: 0, count: geometry.size)
        switch power {
        case 1: for i in geometry.lpRange { out[i] = diag[i] * v[i] }
        case -1: for i in geometry.lpRange { out[i] = v[i] / diag[i] }
        case 2: for i in geometry.lpRange { out[i] = diag[i] * diag[i] * v[i] }
        default: for i in geometry.lpRange { out[i] = v[i] / (diag[i] * diag[i]) }
        }
        for (k, (o, dim)) in geometry.segments.enumerated() {
            let e = eta[k]
            let w0 = wbar[o]
            switch power {
            case 1, -1:
                var w1v1 = 0.0
                for j in 1..<dim { w1v1 += wbar[o + j] * v[o + j] }
                if power == 1 {
                    out[o] = e * (w0 * v[o] + w1v1)
                    let coef = v[o] + w1v1 / (1 + w0)
                    for j in 1..<dim { out[o + j] = e * (v[o + j] + coef * wbar[o + j]) }
                } else {
                    out[o] = (w0 * v[o] - w1v1) / e
                    let coef = v[o] - w1v1 / (1 + w0)
                    for j in 1..<dim { out[o + j] = (v[o + j] - coef * wbar[o + j]) / e }
                }
            case 2:
                // η²(2 w̄ (w̄ᵀv) − J v)
                var wv = 0.0
                for j in 0..<dim { wv += wbar[o + j] * v[o + j] }
                let e2 = e * e
                out[o] = e2 * (2 * w0 * wv - v[o])
                for j in 1..<dim { out[o + j] = e2 * (2 * wbar[o + j] * wv + v[o + j]) }
            default:
                // η⁻²(2 J w̄ (w̄ᵀ J v) − J v)
                var wJv = w0 * v[o]
                for j in 1..<dim { wJv -= wbar[o + j] * v[o + j] }
                let ie2 = 1 / (e * e)
                out[o] = ie2 * (2 * w0 * wJv - v[o])
                for j in 1..<dim { out[o + j] = ie2 * (-2 * wbar[o + j] * wJv + v[o + j]) }
            }
        }
        return out
    }
}
