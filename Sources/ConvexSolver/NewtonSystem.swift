import Foundation
import LinearAlgebra

/// The Newton system of the interior-point method,
///
///     [ 0  Aᵀ  Gᵀ ] [dx]   [p]
///     [ A  0   0  ] [dy] = [q]
///     [ G  0  −W² ] [dz]   [r],
///
/// solved by eliminating dz (dz = W⁻²(G dx − r)), then dx block by block
/// (H = GᵀW⁻²G is block diagonal with one (rᵢ+1)×(rᵢ+1) block per norm block), leaving ONE n×n
/// Schur complement M = A H⁻¹ Aᵀ, factored by Cholesky. The blocks of M are never formed from A:
/// for norm blocks without ReLU cones, H⁻¹ = W² is known in closed form and
/// DᵢX(η²(I + 2w̄₁w̄₁ᵀ))XᵀDᵢ = η²·(XXᵀ ∘ hᵢhᵢᵀ) + rank one, summed over blocks as
/// XXᵀ ∘ (H diag(η²) Hᵀ) + a low-rank syrk; blocks with ReLU cones contribute
/// X_act Kᵢ X_actᵀ on the active rows, Kᵢ the sum of their (H⁻¹)_ww.
/// Iterative refinement on the full system removes the error of the regularised Schur factor.
final class NewtonSystem {
    let prog: ProgramBlocks
    let geometry: ConeGeometry
    let settings: SolverSettings
    /// XXᵀ (n×n, full), for the Hadamard form.
    private let gram: [Double]
    /// For each pattern, its norm blocks.
    private let blocksOfPattern: [[Int]]
    /// Cholesky factors of H for blocks with ReLU cones ((1+dim)² each, lower, t first).
    private var factors: [[Double]]
    /// Cholesky factor of the regularised Schur complement.
    private var schur: [Double]
    private(set) var scaling: NTScaling
    /// The unfactored Schur complement of the last factorization (kept only in verbose mode, for checks).
    private var assembled: [Double] = []

    /// Verbose-mode check: max |M e_j − A H⁻¹ Aᵀ e_j| / max|M| over a few columns j.
    func schurConsistency() throws -> Double {
        let n = prog.n
        guard assembled.count == n * n else { return .nan }
        var worst = 0.0
        var scale = 0.0
        for v in assembled { scale = max(scale, abs(v)) }
        for j in stride(from: 0, to: n, by: max(1, n / 5)) {
            var e = [Double](repeating: 0, count: n)
            e[j] = 1
            var aty = [Double](repeating: 0, count: prog.nx)
            prog.adjoint(y: e, z: nil, into: &aty)
            let h = try applyHInverse(aty)
            var ax = [Double](repeating: 0, count: n)
            var gx = [Double](repeating: 0, count: prog.ns)
            prog.forward(h, ax: &ax, gx: &gx)
            for i in j..<n { worst = max(worst, abs(ax[i] - assembled[i + j * n])) }
        }
        return worst / scale
    }

    init(prog: ProgramBlocks, geometry: ConeGeometry, settings: SolverSettings) {
        self.prog = prog
        self.geometry = geometry
        self.settings = settings
        let n = prog.n, d = prog.d
        var g = [Double](repeating: 0, count: n * n)
        prog.X.withUnsafeBufferPointer { xp in
            g.withUnsafeMutableBufferPointer { gp in
                RawKernels.syrkLower(.none, n: n, k: d, alpha: 1, a: xp.baseAddress!, lda: n, beta: 0,
                                     c: gp.baseAddress!, ldc: n)
            }
        }
        for j in 0..<n { for i in (j + 1)..<max(j + 1, n) { g[j + i * n] = g[i + j * n] } }
        gram = g
        var bop = [[Int]](repeating: [], count: prog.patterns.count)
        for (k, b) in prog.blocks.enumerated() { bop[b.pattern].append(k) }
        blocksOfPattern = bop
        factors = prog.blocks.map { $0.lp == nil ? [] : [Double](repeating: 0, count: $0.dim * $0.dim) }
        schur = [Double](repeating: 0, count: n * n)
        scaling = NTScaling(identity: geometry)
    }

    // MARK: Factorization

    /// Factors the system at the scaling W.
    /// - Throws: `LinearAlgebraError` when a block or the Schur complement cannot be factored.
    func factor(_ w: NTScaling) throws {
        scaling = w
        let n = prog.n, d = prog.d
        var m = [Double](repeating: 0, count: n * n)
        try m.withUnsafeMutableBufferPointer { mp in
            let M = mp.baseAddress!
            addClosedFormBlocks(M)
            for (i, blocks) in blocksOfPattern.enumerated() {
                let withCones = blocks.filter { prog.blocks[$0].lp != nil }
                let mapped = blocks.filter { prog.blocks[$0].lp == nil && prog.patterns[i].map != nil }
                if withCones.isEmpty && mapped.isEmpty { continue }
                let r = prog.patterns[i].rank
                if r == 0 { 
                    for k in withCones { try factorBlock(k, kSum: nil) }
                    continue
                }
                var kmat = [Double](repeating: 0, count: r * r)
                for k in withCones { try factorBlock(k, kSum: &kmat) }
                for k in mapped { addClosedFormInverse(k, into: &kmat) }
                for j in 0..<r { for i2 in (j + 1)..<max(j + 1, r) { kmat[j + i2 * r] = kmat[i2 + j * r] } }
                var kd = kmat
                if let t = prog.patterns[i].map {
                    kd = congruence(t, rows: d, cols: r, kmat)
                }
                try addCongruence(M, pattern: i, k: kd)
            }
            if let res = prog.residual {
                let seg = prog.socSegments.count - 1
                let e = w.eta[seg]
                let add = res.scale * res.scale * e * e / 4
                for i in 0..<n { M[i + i * n] += add }
            }
            var maxDiag = 0.0
            for i in 0..<n { maxDiag = max(maxDiag, M[i + i * n]) }
            // Cholesky of M; when M is numerically singular (e.g. a row no pattern reaches), retry with
            // a growing diagonal shift. Iterative refinement in `solve` corrects for the shift.
            var shift = settings.schurRegularization * max(maxDiag, 1e-300)
            var copy = [Double](repeating: 0, count: n * n)
            for i in 0..<(n * n) { copy[i] = M[i] }
            if settings.verbose { assembled = copy }
            for i in 0..<n { M[i + i * n] += shift }
            while true {
                do {
                    try RawKernels.choleskyLower(n: n, a: M, lda: n)
                    break
                } catch {
                    shift = shift == 0 ? 1e-14 * max(maxDiag, 1e-300) : shift * 100
                    if shift > 1e-4 * max(maxDiag, 1e-300) { throw error }
                    for i in 0..<(n * n) { M[i] = copy[i] }
                    for i in 0..<n { M[i + i * n] += shift }
                }
            }
        }
        schur = m
    }

    /// Blocks without ReLU cones and without a map: M += XXᵀ ∘ (Hm diag(η²) Hmᵀ) + Σ a aᵀ,
    /// a = √2 η hᵢ ∘ (X w̄₁).
    private func addClosedFormBlocks(_ M: UnsafeMutablePointer<Double>) {
        let n = prog.n, d = prog.d
        let simple = prog.blocks.indices.filter { prog.blocks[$0].lp == nil && prog.patterns[prog.blocks[$0].pattern].map == nil }
        if simple.isEmpty { return }
        let kc = simple.count
        var hm = [Double](repeating: 0, count: n * kc)
        var wb = [Double](repeating: 0, count: d * kc)
        for (col, k) in simple.enumerated() {
            let blk = prog.blocks[k]
            let e = scaling.eta[k]
            let mask = prog.patterns[blk.pattern].mask
            for i in 0..<n { hm[i + col * n] = e * mask[i] }
            for j in 0..<d { wb[j + col * d] = scaling.wbar[blk.soc + 1 + j] }
        }
        var theta = [Double](repeating: 0, count: n * n)
        hm.withUnsafeBufferPointer { hp in
            theta.withUnsafeMutableBufferPointer { tp in
                RawKernels.syrkLower(.none, n: n, k: kc, alpha: 1, a: hp.baseAddress!, lda: n, beta: 0,
                                     c: tp.baseAddress!, ldc: n)
            }
        }
        for j in 0..<n { for i in j..<n { M[i + j * n] += gram[i + j * n] * theta[i + j * n] } }
        // Low-rank part: columns √2 η hᵢ ∘ (X w̄₁).
        var a = [Double](repeating: 0, count: n * kc)
        prog.X.withUnsafeBufferPointer { xp in
            wb.withUnsafeBufferPointer { wp in
                a.withUnsafeMutableBufferPointer { ap in
                    RawKernels.gemm(.none, .none, m: n, n: kc, k: d, alpha: 1, a: xp.baseAddress!, lda: n,
                                    b: wp.baseAddress!, ldb: d, beta: 0, c: ap.baseAddress!, ldc: n)
                }
            }
        }
        let root2 = 2.0.squareRoot()
        for col in 0..<kc { for i in 0..<n { a[i + col * n] *= root2 * hm[i + col * n] } }
        a.withUnsafeBufferPointer { ap in
            RawKernels.syrkLower(.none, n: n, k: kc, alpha: 1, a: ap.baseAddress!, lda: n, beta: 1, c: M, ldc: n)
        }
    }

    /// (H⁻¹)_ww = η²(I + 2w̄₁w̄₁ᵀ) of a block without ReLU cones, added to `k` (lower triangle used).
    private func addClosedFormInverse(_ k: Int, into kmat: inout [Double]) {
        let blk = prog.blocks[k]
        let r = blk.dim
        let e2 = scaling.eta[k] * scaling.eta[k]
        for j in 0..<r {
            let wj = scaling.wbar[blk.soc + 1 + j]
            kmat[j + j * r] += e2
            for i in j..<r { kmat[i + j * r] += 2 * e2 * scaling.wbar[blk.soc + 1 + i] * wj }
        }
    }

    /// Factors a block with ReLU cones. With t eliminated first, H = W⁻² + [0 0; 0 TᵀXᵀΛXT] reduces to
    /// S = TᵀXᵀΛXT + η⁻²I − γ w̄₁w̄₁ᵀ, γ = 2η⁻²/(1 + 2‖w̄₁‖²) (using w̄ᵀJw̄ = 1), formed directly:
    /// eliminating t numerically from W⁻² = η⁻²(2ggᵀ − J) would cancel catastrophically near the
    /// cone boundary. Stores the Cholesky factor of S and adds (H⁻¹)_ww = S⁻¹ to `kSum`.
    private func factorBlock(_ k: Int, kSum: UnsafeMutablePointer<Double>?) throws {
        let blk = prog.blocks[k]
        let pat = prog.patterns[blk.pattern]
        let n = prog.n, d = prog.d, r = blk.dim
        guard let lp = blk.lp, r > 0 else { return }
        // XᵀΛX with Λ = z/s = 1/diag² on the block's ReLU rows.
        var xs = [Double](repeating: 0, count: n * d)
        for j in 0..<d {
            for i in 0..<n { xs[i + j * n] = prog.X[i + j * n] / scaling.diag[lp + i] }
        }
        var cmat = [Double](repeating: 0, count: d * d)
        xs.withUnsafeBufferPointer { xp in
            cmat.withUnsafeMutableBufferPointer { cp in
                RawKernels.syrkLower(.transpose, n: d, k: n, alpha: 1, a: xp.baseAddress!, lda: n, beta: 0,
                                     c: cp.baseAddress!, ldc: d)
            }
        }
        if let t = pat.map {
            for j in 0..<d { for i in (j + 1)..<max(j + 1, d) { cmat[j + i * d] = cmat[i + j * d] } }
            cmat = congruenceTranspose(t, rows: d, cols: r, cmat)
        }
        let ie2 = 1 / (scaling.eta[k] * scaling.eta[k])
        var w1sq = 0.0
        for j in 1...r { w1sq += scaling.wbar[blk.soc + j] * scaling.wbar[blk.soc + j] }
        let gamma = 2 * ie2 / (1 + 2 * w1sq)
        var smat = [Double](repeating: 0, count: r * r)
        for j in 0..<r {
            let wj = scaling.wbar[blk.soc + 1 + j]
            for i in j..<r { smat[i + j * r] = cmat[i + j * r] - gamma * scaling.wbar[blk.soc + 1 + i] * wj }
            smat[j + j * r] += ie2
        }
        var factor = smat
        var shift = 0.0
        var maxDiag = 0.0
        for j in 0..<r { maxDiag = max(maxDiag, smat[j + j * r]) }
        while true {
            do {
                try factor.withUnsafeMutableBufferPointer { hp in
                    try RawKernels.choleskyLower(n: r, a: hp.baseAddress!, lda: r)
                }
                break
            } catch {
                // Not numerically positive definite: retry with a small diagonal shift (the
                // iterative refinement of the Newton system corrects the perturbation).
                shift = shift == 0 ? 1e-14 * maxDiag : shift * 100
                if shift > 1e-6 * maxDiag { throw error }
                factor = smat
                for j in 0..<r { factor[j + j * r] += shift }
            }
        }
        factors[k] = factor
        guard let kSum else { return }
        var inv = factor
        try inv.withUnsafeMutableBufferPointer { lp in try RawKernels.choleskyInverse(n: r, l: lp.baseAddress!, ldl: r) }
        for j in 0..<r { for i in j..<r { kSum[i + j * r] += inv[i + j * r] } }
    }

    /// T K Tᵀ for T rows×cols, K cols×cols (full): a rows×rows full matrix.
    private func congruence(_ t: [Double], rows: Int, cols: Int, _ k: [Double]) -> [Double] {
        var tk = [Double](repeating: 0, count: rows * cols)
        var out = [Double](repeating: 0, count: rows * rows)
        t.withUnsafeBufferPointer { tp in
            k.withUnsafeBufferPointer { kp in
                tk.withUnsafeMutableBufferPointer { tkp in
                    RawKernels.gemm(.none, .none, m: rows, n: cols, k: cols, alpha: 1, a: tp.baseAddress!, lda: rows,
                                    b: kp.baseAddress!, ldb: cols, beta: 0, c: tkp.baseAddress!, ldc: rows)
                }
            }
            tk.withUnsafeBufferPointer { tkp in
                out.withUnsafeMutableBufferPointer { op in
                    RawKernels.gemm(.none, .transpose, m: rows, n: rows, k: cols, alpha: 1, a: tkp.baseAddress!, lda: rows,
                                    b: tp.baseAddress!, ldb: rows, beta: 0, c: op.baseAddress!, ldc: rows)
                }
            }
        }
        return out
    }

    /// Tᵀ C T for T rows×cols, C rows×rows (full): a cols×cols full matrix.
    private func congruenceTranspose(_ t: [Double], rows: Int, cols: Int, _ c: [Double]) -> [Double] {
        var ct = [Double](repeating: 0, count: rows * cols)
        var out = [Double](repeating: 0, count: cols * cols)
        t.withUnsafeBufferPointer { tp in
            c.withUnsafeBufferPointer { cp in
                ct.withUnsafeMutableBufferPointer { ctp in
                    RawKernels.gemm(.none, .none, m: rows, n: cols, k: rows, alpha: 1, a: cp.baseAddress!, lda: rows,
                                    b: tp.baseAddress!, ldb: rows, beta: 0, c: ctp.baseAddress!, ldc: rows)
                }
            }
            ct.withUnsafeBufferPointer { ctp in
                out.withUnsafeMutableBufferPointer { op in
                    RawKernels.gemm(.transpose, .none, m: cols, n: cols, k: rows, alpha: 1, a: tp.baseAddress!, lda: rows,
                                    b: ctp.baseAddress!, ldb: rows, beta: 0, c: op.baseAddress!, ldc: cols)
                }
            }
        }
        return out
    }

    /// M[act, act] += X_act K X_actᵀ (K d×d symmetric, full), by Cholesky of K, trmm and syrk
    /// (or two gemms when K is not numerically positive definite).
    private func addCongruence(_ M: UnsafeMutablePointer<Double>, pattern i: Int, k: [Double]) throws {
        let n = prog.n, d = prog.d
        let act = prog.patterns[i].active
        let na = act.count
        if na == 0 { return }
        var xa = [Double](repeating: 0, count: na * d)
        for j in 0..<d { for (kk, row) in act.enumerated() { xa[kk + j * na] = prog.X[row + j * n] } }
        var ma = [Double](repeating: 0, count: na * na)
        var l = k
        let ok: Bool = l.withUnsafeMutableBufferPointer { lp in
            (try? RawKernels.choleskyLower(n: d, a: lp.baseAddress!, lda: d)) != nil
        }
        if ok {
            l.withUnsafeBufferPointer { lp in
                xa.withUnsafeMutableBufferPointer { xp in
                    RawKernels.trmmRightLower(.none, m: na, n: d, alpha: 1, l: lp.baseAddress!, ldl: d,
                                              b: xp.baseAddress!, ldb: na)
                }
            }
            xa.withUnsafeBufferPointer { xp in
                ma.withUnsafeMutableBufferPointer { mp in
                    RawKernels.syrkLower(.none, n: na, k: d, alpha: 1, a: xp.baseAddress!, lda: na, beta: 0,
                                         c: mp.baseAddress!, ldc: na)
                }
            }
        } else {
            var b = [Double](repeating: 0, count: na * d)
            xa.withUnsafeBufferPointer { xp in
                k.withUnsafeBufferPointer { kp in
                    b.withUnsafeMutableBufferPointer { bp in
                        RawKernels.gemm(.none, .none, m: na, n: d, k: d, alpha: 1, a: xp.baseAddress!, lda: na,
                                        b: kp.baseAddress!, ldb: d, beta: 0, c: bp.baseAddress!, ldc: na)
                    }
                }
                b.withUnsafeBufferPointer { bp in
                    ma.withUnsafeMutableBufferPointer { mp in
                        RawKernels.gemm(.none, .transpose, m: na, n: na, k: d, alpha: 1, a: bp.baseAddress!, lda: na,
                                        b: xp.baseAddress!, ldb: na, beta: 0, c: mp.baseAddress!, ldc: na)
                    }
                }
            }
        }
        for jj in 0..<na {
            let cj = act[jj] * n
            for ii in jj..<na { M[act[ii] + cj] += ma[ii + jj * na] }
        }
    }

    // MARK: Solves

    /// x ← H⁻¹ f, block by block.
    func applyHInverse(_ f: [Double]) throws -> [Double] {
        var out = f
        for (k, blk) in prog.blocks.enumerated() {
            let m = blk.dim + 1
            if blk.lp != nil {
                // x_w = S⁻¹(f_w − ρ f_t), x_t = f_t/h_tt − ρᵀx_w with h_tt = η⁻²(1 + 2‖w̄₁‖²),
                // ρ = h_tw/h_tt = −2 w̄₀ w̄₁/(1 + 2‖w̄₁‖²).
                let r = blk.dim
                let o = blk.soc
                var w1sq = 0.0
                for j in 1..<m { w1sq += scaling.wbar[o + j] * scaling.wbar[o + j] }
                let denom = 1 + 2 * w1sq
                let htt = denom / (scaling.eta[k] * scaling.eta[k])
                let ft = f[blk.x]
                let rhoScale = -2 * scaling.wbar[o] / denom
                for j in 1..<m { out[blk.x + j] = f[blk.x + j] - rhoScale * scaling.wbar[o + j] * ft }
                if r > 0 {
                    try factors[k].withUnsafeBufferPointer { lp in
                        try out.withUnsafeMutableBufferPointer { op in
                            try RawKernels.choleskySolve(n: r, nrhs: 1, l: lp.baseAddress!, ldl: r,
                                                         b: op.baseAddress! + blk.x + 1, ldb: r)
                        }
                    }
                }
                var rx = 0.0
                for j in 1..<m { rx += rhoScale * scaling.wbar[o + j] * out[blk.x + j] }
                out[blk.x] = ft / htt - rx
            } else {
                // W² f = η²(2 w̄ (w̄ᵀf) − J f).
                let e2 = scaling.eta[k] * scaling.eta[k]
                var wf = 0.0
                for j in 0..<m { wf += scaling.wbar[blk.soc + j] * f[blk.x + j] }
                out[blk.x] = e2 * (2 * scaling.wbar[blk.soc] * wf - f[blk.x])
                for j in 1..<m { out[blk.x + j] = e2 * (2 * scaling.wbar[blk.soc + j] * wf + f[blk.x + j]) }
            }
        }
        if let res = prog.residual {
            // H = η⁻²(diag(0, 4I) + 2 g gᵀ), g = (w̄₀ − w̄₁, −2 w̄₂:).
            let n = prog.n
            let seg = prog.socSegments.count - 1
            let e2 = scaling.eta[seg] * scaling.eta[seg]
            let o = res.cone
            let g0 = scaling.wbar[o] - scaling.wbar[o + 1]
            let ft = f[res.x]
            let gx = e2 * ft / (2 * g0)
            var grx = 0.0
            for i in 0..<n {
                let gr = -2 * scaling.wbar[o + 2 + i]
                let xr = e2 * (f[res.x + 1 + i] - gr * ft / g0) / 4
                out[res.x + 1 + i] = xr
                grx += gr * xr
            }
            out[res.x] = (gx - grx) / g0
        }
        return out
    }

    private func schurSolve(_ v: [Double]) throws -> [Double] {
        var out = v
        try schur.withUnsafeBufferPointer { sp in
            try out.withUnsafeMutableBufferPointer { op in
                try RawKernels.choleskySolve(n: prog.n, nrhs: 1, l: sp.baseAddress!, ldl: prog.n,
                                             b: op.baseAddress!, ldb: prog.n)
            }
        }
        return out
    }

    private func solveOnce(_ p: [Double], _ q: [Double], _ r: [Double]) throws -> ([Double], [Double], [Double]) {
        let v = scaling.apply(r, power: -2)
        var f = [Double](repeating: 0, count: prog.nx)
        prog.adjoint(y: nil, z: v, into: &f)
        for i in 0..<prog.nx { f[i] += p[i] }
        let hf = try applyHInverse(f)
        var ax = [Double](repeating: 0, count: prog.n)
        var gx = [Double](repeating: 0, count: prog.ns)
        prog.forward(hf, ax: &ax, gx: &gx)
        for i in 0..<prog.n { ax[i] -= q[i] }
        let dy = try schurSolve(ax)
        var aty = [Double](repeating: 0, count: prog.nx)
        prog.adjoint(y: dy, z: nil, into: &aty)
        for i in 0..<prog.nx { f[i] -= aty[i] }
        let dx = try applyHInverse(f)
        prog.forward(dx, ax: &ax, gx: &gx)
        for i in 0..<prog.ns { gx[i] -= r[i] }
        let dz = scaling.apply(gx, power: -2)
        return (dx, dy, dz)
    }

    /// Solves the Newton system with iterative refinement.
    func solve(_ p: [Double], _ q: [Double], _ r: [Double]) throws -> (dx: [Double], dy: [Double], dz: [Double]) {
        var (dx, dy, dz) = try solveOnce(p, q, r)
        let rhsNorm = max(Vector.norm(p), Vector.norm(q), Vector.norm(r), 1e-300)
        var lastErr = Double.infinity
        for _ in 0..<settings.refinementSteps {
            // Residual of the unreduced system.
            var ex = [Double](repeating: 0, count: prog.nx)
            prog.adjoint(y: dy, z: dz, into: &ex)
            for i in 0..<prog.nx { ex[i] = p[i] - ex[i] }
            var ax = [Double](repeating: 0, count: prog.n)
            var gx = [Double](repeating: 0, count: prog.ns)
            prog.forward(dx, ax: &ax, gx: &gx)
            let w2dz = scaling.apply(dz, power: 2)
            var ey = q, ez = r
            for i in 0..<prog.n { ey[i] -= ax[i] }
            for i in 0..<prog.ns { ez[i] -= gx[i] - w2dz[i] }
            let err = max(Vector.maxAbs(ex), Vector.maxAbs(ey), Vector.maxAbs(ez))
            if settings.verbose {
                FileHandle.standardError.write(String(format: "      refine err %.2e (x %.2e y %.2e z %.2e) rhs %.2e\n", err, Vector.maxAbs(ex), Vector.maxAbs(ey), Vector.maxAbs(ez), rhsNorm).data(using: .utf8)!)
            }
            if err <= 1e-14 * rhsNorm || err >= 0.9 * lastErr { break }
            lastErr = err
            let (cx, cy, cz) = try solveOnce(ex, ey, ez)
            for i in 0..<prog.nx { dx[i] += cx[i] }
            for i in 0..<prog.n { dy[i] += cy[i] }
            for i in 0..<prog.ns { dz[i] += cz[i] }
        }
        return (dx, dy, dz)
    }
}
