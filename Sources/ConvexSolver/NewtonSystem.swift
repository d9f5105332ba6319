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
/// Schur complement M = A H⁻¹ Aᵀ. Nothing of size (variables)² is ever formed:
/// - blocks without ReLU cones: H⁻¹ = W² in closed form; DᵢX(η²(I + 2w̄₁w̄₁ᵀ))XᵀDᵢ summed over
///   blocks is XXᵀ ∘ (Hm diag(η²) Hmᵀ) plus a low-rank syrk (normalized: η² UᵢUᵢᵀ from precomputed
///   projectors);
/// - blocks with ReLU cones: t is eliminated analytically, leaving S = S₀ − γw̄₁w̄₁ᵀ with
///   S₀ = TᵀXᵀΛXT + η⁻²I (d×d, from one syrk over the row-scaled X; Sᵢ² = I), and
///   S⁻¹ = S₀⁻¹ + c q qᵀ; the pattern adds X_act (Σ S⁻¹) X_actᵀ on its active rows only;
/// - blocks on their cone boundary have huge rank-one terms c q̃ q̃ᵀ; the largest are kept out of M
///   as extra unknowns of an augmented (n+k)×(n+k) symmetric-indefinite system, so the Newton step
///   stays accurate to the end (see `solveOnce`).
/// Iterative refinement on the unreduced system cleans up the rest. (A dx is always formed by a pass over the
/// data, never from M₀: with badly scaled data, e.g. the `cubic` design, M₀'s rounding would otherwise go
/// uncorrected and the primal residual drift upward near the optimum.)
final class NewtonSystem: @unchecked Sendable {
    // @unchecked Sendable: during the parallel phases of `factor` and `applyHInverse` the shared
    // state is only read; every worker writes its own `FactorWorker` or its own slice of the output.
    let prog: ProgramBlocks
    let geometry: ConeGeometry
    let settings: SolverSettings
    /// XXᵀ (n×n, full), for the Hadamard form.
    private let gram: [Double]
    /// For each pattern, its norm blocks.
    private let blocksOfPattern: [[Int]]
    /// For blocks with ReLU cones: S₀⁻¹ (packed lower triangle), see `factorBlock`.
    private let factors: PackedBlockFactors
    /// Cholesky factor of the regularised Schur complement.
    private var schur: [Double]
    private(set) var scaling: NTScaling
    /// The unfactored Schur complement of the last factorization (kept only in verbose mode, for checks).
    private var assembled: [Double] = []
    /// Per block with ReLU cones: (H⁻¹)_ww = S₀⁻¹ + c q qᵀ; `factors` holds chol(S₀), these q and c.
    private var rankOneQ: [[Double]]
    private var rankOneC: [Double]
    /// Rank-one terms of M too large to add to it without ruining its conditioning (blocks on the
    /// boundary of their cone near the optimum): M = M₀ + V Vᵀ, handled by Sherman–Morrison–Woodbury.
    private var candidates: [(weight: Double, block: Int, column: [Double], c: Double)] = []
    /// Per block: whether its rank-one term c q̃ q̃ᵀ of H⁻¹ is carried by an extra unknown of the
    /// augmented Schur system (then `applyHInverse(moderate: true)` leaves it out).
    private var isBig: [Bool]
    /// For the big blocks, in augmented order: block index, q̃ (full (t, w) vector), ‖A q̃‖.
    private var bigBlocks: [Int] = []
    private var bigQ: [[Double]] = []
    private var bigNorm: [Double] = []
    private var bigColumns: [Double] = []
    private var bigCount = 0
    /// LDLᵀ factor and pivots of the augmented system (when bigCount > 0).
    private var augmented: [Double] = []
    private var augmentedPivots: [Int32] = []
    /// A rank-one term c·v vᵀ goes to V when its weight exceeds this multiple of the block's base scale.
    private let bigThreshold = 100.0
    /// Iterative refinement stops once the residual of the Newton system is below this, relative to
    /// the largest right-hand-side entry, or when a step no longer halves it (the residual is then at
    /// the rounding floor of its own evaluation). 1e−10 leaves the iterations, objectives (to ~1e−12) and
    /// final residuals of the benchmark programs as they are with 1e−12, with 15–20% fewer passes.
    var refinementTolerance = 1e-10
    /// At most this many columns in V; smaller ones are added to M₀.
    private let maxBigColumns = 64

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
            let h = applyHInverse(aty)
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
        factors = PackedBlockFactors(blocks: prog.blocks)
        schur = [Double](repeating: 0, count: n * n)
        scaling = NTScaling(identity: geometry)
        rankOneQ = prog.blocks.map { $0.lp == nil ? [] : [Double](repeating: 0, count: $0.dim) }
        rankOneC = [Double](repeating: 0, count: prog.blocks.count)
        isBig = [Bool](repeating: false, count: prog.blocks.count)
    }

    /// hᵢ ∘ (X Tᵢ q) for pattern i (an n-vector).
    private func maskedImage(pattern i: Int, _ q: [Double]) -> [Double] {
        let n = prog.n, d = prog.d
        let pat = prog.patterns[i]
        var tq = q
        if let t = pat.map {
            tq = [Double](repeating: 0, count: d)
            t.withUnsafeBufferPointer { tp in
                q.withUnsafeBufferPointer { qp in
                    tq.withUnsafeMutableBufferPointer { op in
                        RawKernels.gemv(.none, m: d, n: pat.rank, alpha: 1, a: tp.baseAddress!, lda: d, x: qp.baseAddress!,
                                        beta: 0, y: op.baseAddress!)
                    }
                }
            }
        }
        // X (T q) over all rows with one contiguous gemv, then the mask: cheaper than strided dot products
        // over the active rows alone.
        var full = [Double](repeating: 0, count: n)
        prog.X.withUnsafeBufferPointer { xp in
            tq.withUnsafeBufferPointer { qp in
                full.withUnsafeMutableBufferPointer { fp in
                    RawKernels.gemv(.none, m: n, n: d, alpha: 1, a: xp.baseAddress!, lda: n, x: qp.baseAddress!,
                                    beta: 0, y: fp.baseAddress!)
                }
            }
        }
        var out = [Double](repeating: 0, count: n)
        for i2 in pat.active { out[i2] = full[i2] }
        return out
    }

    // MARK: Factorization

    /// Factors the system at the scaling W.
    /// - Throws: `LinearAlgebraError` when a block or the Schur complement cannot be factored.
    func factor(_ w: NTScaling) throws {
        scaling = w
        let n = prog.n
        var m = [Double](repeating: 0, count: n * n)
        candidates.removeAll(keepingCapacity: true)
        // Per-pattern work (block factorizations, congruences) in parallel chunks.
        let patternCount = blocksOfPattern.count
        if prog.model == .normalized && prog.formulation == .relaxed {
            if projectors.isEmpty { computeProjectors() }
            // hₖ ∘ (X Tₖ w̄₁ₖ) for every block at once (the rank-one terms of `addProjectorBlock`).
            var wbar1 = [Double](repeating: 0, count: prog.nx)
            for blk in prog.blocks { for j in 0..<blk.dim { wbar1[blk.x + 1 + j] = w.wbar[blk.soc + 1 + j] } }
            projectorImages = prog.maskedBlockImages(wbar1)
        }
        let workers = (0..<min(prog.parallelism.workers, max(1, patternCount))).map { _ in FactorWorker(n: n) }
        let chunk = (patternCount + workers.count - 1) / max(1, workers.count)
        prog.parallelism.run(workers.count) { wi in
            let worker = workers[wi]
            do {
                try worker.m.withUnsafeMutableBufferPointer { mp in
                    for i in (wi * chunk)..<min(patternCount, (wi + 1) * chunk) {
                        try self.factorPattern(i, worker: worker, M: mp.baseAddress!)
                    }
                }
            } catch {
                worker.failure = error
            }
        }
        var lowRank: [Double] = []
        for worker in workers {
            if let failure = worker.failure { throw failure }
            for j in 0..<n { for i in j..<n { m[i + j * n] += worker.m[i + j * n] } }
            for r in worker.blockResults {
                rankOneQ[r.k] = r.q; rankOneC[r.k] = r.c
            }
            candidates += worker.candidates
            lowRank += worker.lowRank
        }
        try m.withUnsafeMutableBufferPointer { mp in
            let M = mp.baseAddress!
            addClosedFormBlocks(M)
            if !lowRank.isEmpty {
                let cols = lowRank.count / n
                lowRank.withUnsafeBufferPointer { lp in
                    RawKernels.syrkLower(.none, n: n, k: cols, alpha: 1, a: lp.baseAddress!, lda: n, beta: 1, c: M, ldc: n)
                }
            }
            if let res = prog.residual {
                // The residual r has H = P = 2I (no cone rows): A_r H⁻¹ A_rᵀ = β/2 · I.
                let add = res.scale * res.scale / 2
                for i in 0..<n { M[i + i * n] += add }
            }
            // The largest rank-one terms stay outside M₀ (as V); the rest are added to it.
            candidates.sort { $0.weight > $1.weight }
            bigCount = min(candidates.count, maxBigColumns)
            bigColumns = [Double](repeating: 0, count: n * bigCount)
            for k in isBig.indices { isBig[k] = false }
            bigBlocks = []; bigQ = []; bigNorm = []
            for (c, cand) in candidates.enumerated() {
                if c < bigCount {
                    for i in 0..<n { bigColumns[i + c * n] = cand.column[i] }
                    let k = cand.block
                    let blk = prog.blocks[k]
                    isBig[k] = true
                    bigBlocks.append(k)
                    var norm2 = 0.0
                    for i in 0..<n { norm2 += cand.column[i] * cand.column[i] }
                    bigNorm.append((norm2 / cand.c).squareRoot())
                    let o = blk.soc
                    if blk.lp != nil {
                        // q̃ = (−ρᵀq, q), ρ = −2 w̄₀ w̄₁ / (1 + 2‖w̄₁‖²).
                        let q = rankOneQ[k]
                        var w1sq = 0.0, w1q = 0.0
                        for j in 0..<blk.dim {
                            w1sq += scaling.wbar[o + 1 + j] * scaling.wbar[o + 1 + j]
                            w1q += scaling.wbar[o + 1 + j] * q[j]
                        }
                        let rhoq = -2 * scaling.wbar[o] * w1q / (1 + 2 * w1sq)
                        bigQ.append([-rhoq] + q)
                    } else {
                        bigQ.append(Array(scaling.wbar[o..<(o + 1 + blk.dim)]))
                    }
                } else {
                    for j in 0..<n where cand.column[j] != 0 {
                        let vj = cand.column[j]
                        for i in j..<n { M[i + j * n] += cand.column[i] * vj }
                    }
                }
            }
            var maxDiag = 0.0
            for i in 0..<n { maxDiag = max(maxDiag, M[i + i * n]) }
            // Cholesky of M₀; when M is numerically singular (e.g. a row no pattern reaches), retry with
            // a growing diagonal shift (`GrowingDiagonalShift`).
            var copy = [Double](repeating: 0, count: n * n)
            for i in 0..<(n * n) { copy[i] = M[i] }
            if settings.verbose {
                assembled = copy
                for c in 0..<bigCount {
                    for j in 0..<n { for i in j..<n { assembled[i + j * n] += bigColumns[i + c * n] * bigColumns[j + c * n] } }
                }
            }
            if bigCount == 0 {
                try GrowingDiagonalShift.factor(initial: settings.schurRegularization * max(maxDiag, 1e-300),
                                                scale: maxDiag) { shift in
                    for i in 0..<(n * n) { M[i] = copy[i] }
                    for i in 0..<n { M[i + i * n] += shift }
                    try RawKernels.choleskyLower(n: n, a: M, lda: n)
                }
            }
        }
        if bigCount == 0 {
            schur = m
            return
        }
        // M = M₀ + V Vᵀ with V = Û Σ (unit columns Û): solve the augmented system
        //     [ M₀  Û    ] [dy]   [u]
        //     [ Ûᵀ  −Σ⁻² ] [ζ ] = [0]
        // by a Bunch–Kaufman LDLᵀ. Unlike Sherman–Morrison–Woodbury this stays backward stable when
        // Σ is huge (blocks on their cone boundary) and M₀ is ill-conditioned.
        let k = bigCount, na = n + k
        var aug = [Double](repeating: 0, count: na * na)
        for j in 0..<n { for i in j..<n { aug[i + j * na] = m[i + j * n] } }
        for c in 0..<k {
            var norm2 = 0.0
            for i in 0..<n { norm2 += bigColumns[i + c * n] * bigColumns[i + c * n] }
            let norm = norm2.squareRoot()
            for i in 0..<n { aug[(n + c) + i * na] = norm > 0 ? bigColumns[i + c * n] / norm : 0 }
            aug[(n + c) + (n + c) * na] = norm > 0 ? -1 / norm2 : -1
        }
        var piv = [Int32](repeating: 0, count: na)
        // An exactly singular M₀ (e.g. a row no block reaches: all its entries are zero) stops the LDLᵀ at a
        // zero pivot; as for the Cholesky above, retry with a growing shift of M₀'s diagonal.
        var maxDiag = 0.0
        for i in 0..<n { maxDiag = max(maxDiag, m[i + i * n]) }
        augmented = try GrowingDiagonalShift.factor(scale: maxDiag) { shift in
            var trial = aug
            for i in 0..<n { trial[i + i * na] += shift }
            try trial.withUnsafeMutableBufferPointer { ap in
                try piv.withUnsafeMutableBufferPointer { pp in
                    try RawKernels.symmetricIndefiniteFactor(n: na, a: ap.baseAddress!, lda: na, pivots: pp.baseAddress!)
                }
            }
            return trial
        }
        augmentedPivots = piv
    }

    /// The Schur-complement contribution of pattern i's blocks, into the worker's M.
    private func factorPattern(_ i: Int, worker: FactorWorker, M: UnsafeMutablePointer<Double>) throws {
        let d = prog.d
        let blocks = blocksOfPattern[i]
        let withCones = blocks.filter { prog.blocks[$0].lp != nil }
        let mapped = blocks.filter { prog.blocks[$0].lp == nil && prog.patterns[i].map != nil }
        if withCones.isEmpty && mapped.isEmpty { return }
        let r = prog.patterns[i].rank
        if withCones.isEmpty && r > 0 {
            // Normalized/relaxed: (H⁻¹)_ww = η²I + rank one, so the block adds η² UᵢUᵢᵀ (a fixed
            // projector, precomputed once) plus a rank-one term.
            for k in mapped { addProjectorBlock(M, k, worker: worker) }
            return
        }
        if r == 0 { return }
        var kmat = [Double](repeating: 0, count: r * r)
        for k in withCones { try factorBlock(k, kSum: &kmat, worker: worker) }
        for k in mapped { addClosedFormInverse(k, into: &kmat, worker: worker) }
        for j in 0..<r { for i2 in (j + 1)..<max(j + 1, r) { kmat[j + i2 * r] = kmat[i2 + j * r] } }
        var kd = kmat
        if let t = prog.patterns[i].map {
            kd = congruence(t, rows: d, cols: r, kmat)
        }
        try addCongruence(M, pattern: i, k: kd)
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
        // Blocks near their cone boundary (2‖w̄₁‖² large) go to V instead of M₀.
        for (col, k) in simple.enumerated() {
            let blk = prog.blocks[k]
            var w1sq = 0.0
            for j in 0..<blk.dim { w1sq += scaling.wbar[blk.soc + 1 + j] * scaling.wbar[blk.soc + 1 + j] }
            if 2 * w1sq > bigThreshold {
                candidates.append((2 * w1sq, k, Array(a[(col * n)..<((col + 1) * n)]), 2 * scaling.eta[k] * scaling.eta[k]))
                for i in 0..<n { a[i + col * n] = 0 }
            }
        }
        a.withUnsafeBufferPointer { ap in
            RawKernels.syrkLower(.none, n: n, k: kc, alpha: 1, a: ap.baseAddress!, lda: n, beta: 1, c: M, ldc: n)
        }
    }

    /// Normalized/relaxed: hₖ ∘ (X Tₖ w̄₁ₖ) of every block at the current scaling (n×blocks), from `factor`.
    private var projectorImages: [Double] = []
    /// Packed lower triangles of Pᵢ = UᵢUᵢᵀ on the active rows (normalized/relaxed patterns; computed by
    /// the first `factor`). Memory Σ|hᵢ|(|hᵢ|+1)/2 doubles.
    private var projectors: [[Double]] = []
    /// What one worker of the parallel factorization produces (private to it until the merge).
    final class FactorWorker: @unchecked Sendable {
        var scratch: [Double] = []
        var blockResults: [(k: Int, q: [Double], c: Double)] = []
        var candidates: [(weight: Double, block: Int, column: [Double], c: Double)] = []
        var lowRank: [Double] = []
        var m: [Double]
        var failure: Error?
        init(n: Int) { m = [Double](repeating: 0, count: n * n) }
    }

    /// Computes every pattern's projector, in parallel chunks.
    private func computeProjectors() {
        let count = prog.patterns.count
        let results = ResultSlots<[Double]>(count: count)
        prog.parallelism.forEachChunk(of: count) { range in
            for i in range { results[i] = self.makeProjector(i) }
        }
        projectors = results.values
    }

    private func makeProjector(_ i: Int) -> [Double] {
        let n = prog.n, d = prog.d
        let pat = prog.patterns[i]
        let act = pat.active, na = act.count, r = pat.rank
        guard let t = pat.map, na > 0, r > 0 else { return [] }
        var xa = [Double](repeating: 0, count: na * d)
        for j in 0..<d { for (kk, row) in act.enumerated() { xa[kk + j * na] = prog.X[row + j * n] } }
        var u = [Double](repeating: 0, count: na * r)
        xa.withUnsafeBufferPointer { xp in
            t.withUnsafeBufferPointer { tp in
                u.withUnsafeMutableBufferPointer { up in
                    RawKernels.gemm(.none, .none, m: na, n: r, k: d, alpha: 1, a: xp.baseAddress!, lda: na,
                                    b: tp.baseAddress!, ldb: d, beta: 0, c: up.baseAddress!, ldc: na)
                }
            }
        }
        var full = [Double](repeating: 0, count: na * na)
        u.withUnsafeBufferPointer { up in
            full.withUnsafeMutableBufferPointer { fp in
                RawKernels.syrkLower(.none, n: na, k: r, alpha: 1, a: up.baseAddress!, lda: na, beta: 0,
                                     c: fp.baseAddress!, ldc: na)
            }
        }
        var packed = [Double]()
        packed.reserveCapacity(na * (na + 1) / 2)
        for j in 0..<na { for ii in j..<na { packed.append(full[ii + j * na]) } }
        return packed
    }

    /// A normalized/relaxed block: M += η² Pᵢ, and its rank-one term 2η²(UᵢTᵢw̄₁)(…)ᵀ goes to V or `lowRank`.
    private func addProjectorBlock(_ M: UnsafeMutablePointer<Double>, _ k: Int, worker: FactorWorker) {
        let n = prog.n
        let blk = prog.blocks[k]
        let act = prog.patterns[blk.pattern].active
        let e2 = scaling.eta[k] * scaling.eta[k]
        let packed = projectors[blk.pattern]  // computed by `factor` before its parallel phase
        packed.withUnsafeBufferPointer { pp in
            var idx = 0
            for jj in 0..<act.count {
                let cj = act[jj] * n
                for ii in jj..<act.count {
                    M[act[ii] + cj] += e2 * pp[idx]
                    idx += 1
                }
            }
        }
        let w1 = Array(scaling.wbar[(blk.soc + 1)..<(blk.soc + 1 + blk.dim)])
        let w1sq = w1.reduce(0) { $0 + $1 * $1 }
        let root = (2 * e2).squareRoot()
        let col = projectorImages[(k * n)..<((k + 1) * n)].map { $0 * root }
        if 2 * w1sq > bigThreshold {
            worker.candidates.append((2 * w1sq, k, col, 2 * e2))
        } else {
            worker.lowRank += col
        }
    }

    /// (H⁻¹)_ww = η²(I + 2w̄₁w̄₁ᵀ) of a block without ReLU cones, added to `k` (lower triangle used).
    private func addClosedFormInverse(_ k: Int, into kmat: inout [Double], worker: FactorWorker) {
        let blk = prog.blocks[k]
        let r = blk.dim
        let e2 = scaling.eta[k] * scaling.eta[k]
        let w1 = Array(scaling.wbar[(blk.soc + 1)..<(blk.soc + 1 + r)])
        let w1sq = w1.reduce(0) { $0 + $1 * $1 }
        for j in 0..<r { kmat[j + j * r] += e2 }
        if 2 * w1sq > bigThreshold {
            let col = maskedImage(pattern: blk.pattern, w1).map { $0 * (2 * e2).squareRoot() }
            worker.candidates.append((2 * w1sq, k, col, 2 * e2))
        } else {
            for j in 0..<r { for i in j..<r { kmat[i + j * r] += 2 * e2 * w1[i] * w1[j] } }
        }
    }

    /// Factors a block with ReLU cones. With t eliminated first, H = W⁻² + [0 0; 0 C], C = TᵀXᵀΛXT,
    /// reduces to S = S₀ − γ w̄₁w̄₁ᵀ with S₀ = C + η⁻²I and γ = 2η⁻²/(1 + 2‖w̄₁‖²) (using w̄ᵀJw̄ = 1).
    /// Near the cone boundary S is nearly singular, so it is never factored: S⁻¹ = S₀⁻¹ + c q qᵀ with
    /// q = S₀⁻¹w̄₁ and c = γ / (1/(1 + 2‖w̄₁‖²) + γη² qᵀC w̄₁), a sum of positive terms (no cancellation).
    /// Stores chol(S₀), q and c; adds S₀⁻¹ (and c q qᵀ unless it goes to V) to `kSum`.
    private func factorBlock(_ k: Int, kSum: UnsafeMutablePointer<Double>?, worker: FactorWorker) throws {
        let blk = prog.blocks[k]
        let pat = prog.patterns[blk.pattern]
        let n = prog.n, d = prog.d, r = blk.dim
        guard let lp = blk.lp, r > 0 else { return }
        // XᵀΛX with Λ = z/s = 1/diag² on the block's ReLU rows.
        if worker.scratch.count != n * d { worker.scratch = [Double](repeating: 0, count: n * d) }
        scaling.diag.withUnsafeBufferPointer { dp in
            prog.X.withUnsafeBufferPointer { xp in
                worker.scratch.withUnsafeMutableBufferPointer { sp in
                    // √Λ = 1/diag per row; column by column (contiguous, vectorisable).
                    var root = [Double](repeating: 0, count: n)
                    for i in 0..<n { root[i] = 1 / dp[lp + i] }
                    root.withUnsafeBufferPointer { rp in
                        for j in 0..<d {
                            let src = xp.baseAddress! + j * n, dst = sp.baseAddress! + j * n
                            for i in 0..<n { dst[i] = src[i] * rp[i] }
                        }
                    }
                }
            }
        }
        var cmat = [Double](repeating: 0, count: d * d)
        worker.scratch.withUnsafeBufferPointer { xp in
            cmat.withUnsafeMutableBufferPointer { cp in
                RawKernels.syrkLower(.transpose, n: d, k: n, alpha: 1, a: xp.baseAddress!, lda: n, beta: 0,
                                     c: cp.baseAddress!, ldc: d)
            }
        }
        for j in 0..<d { for i in (j + 1)..<max(j + 1, d) { cmat[j + i * d] = cmat[i + j * d] } }
        if let t = pat.map { cmat = congruence(t, rows: d, cols: r, cmat, transposed: true) }
        let e2 = scaling.eta[k] * scaling.eta[k]
        let w1 = Array(scaling.wbar[(blk.soc + 1)..<(blk.soc + 1 + r)])
        let w1sq = w1.reduce(0) { $0 + $1 * $1 }
        let gamma = 2 / e2 / (1 + 2 * w1sq)
        // S₀ is positive definite, but near the optimum its scalings span so many orders of magnitude that
        // its Cholesky can fail numerically (normalized approx at n = d): retry with a growing shift.
        var maxDiag = 0.0
        for j in 0..<r { maxDiag = max(maxDiag, cmat[j + j * r] + 1 / e2) }
        let factor = try GrowingDiagonalShift.factor(scale: maxDiag) { shift in
            var trial = cmat
            for j in 0..<r { trial[j + j * r] += 1 / e2 + shift }
            try trial.withUnsafeMutableBufferPointer { hp in
                try RawKernels.choleskyLower(n: r, a: hp.baseAddress!, lda: r)
            }
            return trial
        }
        // S₀⁻¹ explicitly: applying it later is one product, with no triangular solves.
        // S₀⁻¹ = L⁻ᵀL⁻¹ = X Xᵀ with X = L⁻ᵀ from one Level-3 solve against the identity, then one syrk:
        // faster at these sizes than dpotri, whose triangular inverse runs unblocked.
        var lit = [Double](repeating: 0, count: r * r)
        for j in 0..<r { lit[j + j * r] = 1 }
        factor.withUnsafeBufferPointer { fp in
            lit.withUnsafeMutableBufferPointer { xp in
                RawKernels.trsmRightLower(.transpose, m: r, n: r, alpha: 1, l: fp.baseAddress!, ldl: r,
                                          b: xp.baseAddress!, ldb: r)
            }
        }
        var inv = [Double](repeating: 0, count: r * r)
        lit.withUnsafeBufferPointer { xp in
            inv.withUnsafeMutableBufferPointer { ip in
                RawKernels.syrkLower(.none, n: r, k: r, alpha: 1, a: xp.baseAddress!, lda: r, beta: 0,
                                     c: ip.baseAddress!, ldc: r)
            }
        }
        // Stored packed (lower triangle), in place in the shared buffer (this worker's block only): half
        // the memory, and applying it is memory-bound anyway.
        let packed = factors[block: k]
        var idx = 0
        for j in 0..<r { for i in j..<r { packed[idx] = inv[i + j * r]; idx += 1 } }
        var q = [Double](repeating: 0, count: r)
        w1.withUnsafeBufferPointer { wp in
            q.withUnsafeMutableBufferPointer { qp in
                RawKernels.packedSymmetricMultiply(n: r, alpha: 1, packedLower: packed, x: wp.baseAddress!,
                                                   beta: 0, y: qp.baseAddress!)
            }
        }
        var qcw = 0.0
        for j in 0..<r {
            // C is symmetric: read column j (contiguous) instead of row j.
            var cw = 0.0
            for i in 0..<r { cw += cmat[i + j * r] * w1[i] }
            qcw += q[j] * cw
        }
        let c = gamma / (1 / (1 + 2 * w1sq) + gamma * e2 * max(qcw, 0))
        worker.blockResults.append((k, q, c))
        guard let kSum else { return }
        for j in 0..<r { for i in j..<r { kSum[i + j * r] += inv[i + j * r] } }
        let weight = c * q.reduce(0) { $0 + $1 * $1 } / e2
        if weight > bigThreshold {
            // The column is A q̃ = sign · hᵢ∘(X Tᵢ q) (the sign matters in the augmented system).
            let col = maskedImage(pattern: blk.pattern, q).map { $0 * c.squareRoot() * blk.sign }
            worker.candidates.append((weight, k, col, c))
        } else {
            for j in 0..<r { for i in j..<r { kSum[i + j * r] += c * q[i] * q[j] } }
        }
    }

    /// A M Aᵀ with A = T (`transposed` false; M cols×cols, result rows×rows) or A = Tᵀ
    /// (`transposed` true; M rows×rows, result cols×cols), for T rows×cols; all full, column-major.
    private func congruence(_ t: [Double], rows: Int, cols: Int, _ m: [Double], transposed: Bool = false) -> [Double] {
        let outer = transposed ? cols : rows, inner = transposed ? rows : cols
        var am = [Double](repeating: 0, count: outer * inner)
        var out = [Double](repeating: 0, count: outer * outer)
        t.withUnsafeBufferPointer { tp in
            m.withUnsafeBufferPointer { mp in
                am.withUnsafeMutableBufferPointer { amp in
                    RawKernels.gemm(transposed ? .transpose : .none, .none, m: outer, n: inner, k: inner, alpha: 1,
                                    a: tp.baseAddress!, lda: rows, b: mp.baseAddress!, ldb: inner, beta: 0,
                                    c: amp.baseAddress!, ldc: outer)
                }
            }
            am.withUnsafeBufferPointer { amp in
                out.withUnsafeMutableBufferPointer { op in
                    RawKernels.gemm(.none, transposed ? .none : .transpose, m: outer, n: outer, k: inner, alpha: 1,
                                    a: amp.baseAddress!, lda: outer, b: tp.baseAddress!, ldb: rows, beta: 0,
                                    c: op.baseAddress!, ldc: outer)
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
    /// With `moderate`, the big blocks' rank-one terms c q̃ q̃ᵀ are left out (H⁻¹ − c q̃ q̃ᵀ = B).
    func applyHInverse(_ f: [Double], moderate: Bool = false) -> [Double] {
        applyHInverse([f], moderate: moderate)[0]
    }

    /// H⁻¹ fⱼ for several vectors: each block's factor is read once for all of them, and the blocks are
    /// split across the workers.
    func applyHInverse(_ fs: [[Double]], moderate: Bool = false) -> [[Double]] {
        let nx = prog.nx, count = fs.count
        let flatIn = count == 1 ? fs[0] : Array(fs.joined())
        var flatOut = flatIn
        flatIn.withUnsafeBufferPointer { ip in
            flatOut.withUnsafeMutableBufferPointer { op in
                let src = SharedReadOnlyBuffer(base: ip.baseAddress!), dst = SharedBuffer(base: op.baseAddress!)
                prog.parallelism.forEachChunk(of: prog.blocks.count, minimum: 64) { range in
                    var small = [Double](repeating: 0, count: self.prog.d)
                    for k in range {
                        for j in 0..<count {
                            self.applyBlockInverse(k, f: src.base + j * nx, into: dst.base + j * nx, moderate: moderate,
                                                   scratch: &small)
                        }
                    }
                }
            }
        }
        var outs = (0..<count).map { j in count == 1 ? flatOut : Array(flatOut[(j * nx)..<((j + 1) * nx)]) }
        if let res = prog.residual {
            // The residual r: H = P = 2I.
            for j in 0..<count { for i in 0..<prog.n { outs[j][res.x + i] = fs[j][res.x + i] / 2 } }
        }
        return outs
    }

    /// Block k's part of H⁻¹ f (reads f's block, writes out's block).
    private func applyBlockInverse(_ k: Int, f: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>,
                                   moderate: Bool, scratch small: inout [Double]) {
        let blk = prog.blocks[k]
        let m = blk.dim + 1
        let skipRankOne = moderate && isBig[k]
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
                // S⁻¹v = S₀⁻¹v + c q (qᵀv).
                var qv = 0.0
                for j in 0..<r { qv += rankOneQ[k][j] * out[blk.x + 1 + j] }
                for j in 0..<r { small[j] = out[blk.x + 1 + j] }
                small.withUnsafeBufferPointer { sp in
                    RawKernels.packedSymmetricMultiply(n: r, alpha: 1, packedLower: factors[block: k],
                                                       x: sp.baseAddress!, beta: 0, y: out + blk.x + 1)
                }
                if !skipRankOne {
                    let cq = rankOneC[k] * qv
                    for j in 0..<r { out[blk.x + 1 + j] += cq * rankOneQ[k][j] }
                }
            }
            var rx = 0.0
            for j in 1..<m { rx += rhoScale * scaling.wbar[o + j] * out[blk.x + j] }
            out[blk.x] = ft / htt - rx
        } else {
            // W² f = η²(2 w̄ (w̄ᵀf) − J f); the moderate part is −η² J f.
            let e2 = scaling.eta[k] * scaling.eta[k]
            var wf = 0.0
            if !skipRankOne { for j in 0..<m { wf += scaling.wbar[blk.soc + j] * f[blk.x + j] } }
            out[blk.x] = e2 * (2 * scaling.wbar[blk.soc] * wf - f[blk.x])
            for j in 1..<m { out[blk.x + j] = e2 * (2 * scaling.wbar[blk.soc + j] * wf + f[blk.x + j]) }
        }
    }

    /// Solves the (augmented) Schur system; returns dy and the extra unknowns ζ′.
    private func schurSolve(_ v: [Double], extra: [Double]) throws -> ([Double], [Double]) {
        let n = prog.n
        if bigCount == 0 {
            var out = v
            try schur.withUnsafeBufferPointer { sp in
                try out.withUnsafeMutableBufferPointer { op in
                    try RawKernels.choleskySolve(n: n, nrhs: 1, l: sp.baseAddress!, ldl: n, b: op.baseAddress!, ldb: n)
                }
            }
            return (out, [])
        }
        let na = n + bigCount
        var rhs = v + extra
        try augmented.withUnsafeBufferPointer { ap in
            try augmentedPivots.withUnsafeBufferPointer { pp in
                try rhs.withUnsafeMutableBufferPointer { rp in
                    try RawKernels.symmetricIndefiniteSolve(n: na, nrhs: 1, factor: ap.baseAddress!, ldf: na,
                                                            pivots: pp.baseAddress!, b: rp.baseAddress!, ldb: na)
                }
            }
        }
        return (Array(rhs[0..<n]), Array(rhs[n...]))
    }

    /// One solve: H⁻¹ = B + Σ_big c q̃ q̃ᵀ, and with ζ the big blocks' coefficients
    ///     [ M₀  Q    ] [dy]   [A B f − q]
    ///     [ Qᵀ  −1/c ] [ζ ] = [q̃ᵀ f    ],   Q = A q̃ (columns scaled to unit norm),
    /// dx = B(f − Aᵀdy) − Σ ζ q̃: the large rank-one terms never appear explicitly.
    private func solveOnce(_ rhs: [NewtonRightHandSide]) throws -> [NewtonSolution] {
        let nx = prog.nx, n = prog.n, ns = prog.ns
        let vs = rhs.map { scaling.apply($0.r, power: -2) }
        var fs = prog.adjoint(ys: nil, zs: vs)
        for (j, b) in rhs.enumerated() { for i in 0..<nx { fs[j][i] += b.p[i] } }
        let hfs = applyHInverse(fs, moderate: true)
        let images = prog.forward(hfs, cones: false)
        var dys: [[Double]] = [], zetas: [[Double]] = []
        for (j, b) in rhs.enumerated() {
            var ax = images[j].ax
            for i in 0..<n { ax[i] -= b.q[i] }
            var extra = [Double](repeating: 0, count: bigCount)
            for (c, k) in bigBlocks.enumerated() {
                let x0 = prog.blocks[k].x
                var dot = 0.0
                for (i, qi) in bigQ[c].enumerated() { dot += qi * fs[j][x0 + i] }
                extra[c] = dot / bigNorm[c]
            }
            let (dy, zeta) = try schurSolve(ax, extra: extra)
            dys.append(dy); zetas.append(zeta)
        }
        let atys = prog.adjoint(ys: dys, zs: nil)
        for j in rhs.indices { for i in 0..<nx { fs[j][i] -= atys[j][i] } }
        var dxs = applyHInverse(fs, moderate: true)
        for j in rhs.indices {
            for (c, k) in bigBlocks.enumerated() {
                let x0 = prog.blocks[k].x
                let xi = -zetas[j][c] / bigNorm[c]
                for (i, qi) in bigQ[c].enumerated() { dxs[j][x0 + i] += xi * qi }
            }
        }
        let products = prog.forward(dxs)
        return rhs.indices.map { j in
            var gxr = products[j].gx
            for i in 0..<ns { gxr[i] -= rhs[j].r[i] }
            let dz = scaling.apply(gxr, power: -2)
            return NewtonSolution(dx: dxs[j], dy: dys[j], dz: dz, adx: products[j].ax, gdx: products[j].gx, atdy: atys[j])
        }
    }

    /// Solves the Newton system with iterative refinement (at most `settings.refinementSteps` steps, or
    /// none when `refine` is false). Also returns A dx, G dx and Aᵀdy.
    func solve(_ p: [Double], _ q: [Double], _ r: [Double], refine: Bool = true) throws -> NewtonSolution {
        try solve([NewtonRightHandSide(p: p, q: q, r: r)], refine: refine)[0]
    }

    /// Solves the Newton system for several right-hand sides at once (one pass over the data serves them
    /// all), each refined until its own residual is small or stops falling.
    func solve(_ rhs: [NewtonRightHandSide], refine: Bool = true) throws -> [NewtonSolution] {
        var sols = try solveOnce(rhs)
        let rhsNorms = rhs.map { max(Vector.maxAbs($0.p), Vector.maxAbs($0.q), Vector.maxAbs($0.r), 1e-300) }
        var lastErr = [Double](repeating: .infinity, count: rhs.count)
        var active = Array(rhs.indices)
        for _ in 0..<(refine ? settings.refinementSteps : 0) {
            if active.isEmpty { break }
            // Residuals of the unreduced system (A dx, G dx and Aᵀdy are carried along, by linearity).
            // Without ReLU cones Gᵀdz needs no product by X or the maps, and Aᵀdy is known: no pass.
            let products: [[Double]]
            if prog.hasReluCones {
                products = prog.adjoint(ys: active.map { sols[$0].dy }, zs: active.map { sols[$0].dz })
            } else {
                products = zip(active, prog.adjoint(ys: nil, zs: active.map { sols[$0].dz })).map { j, gtz in
                    var sum = gtz
                    for i in 0..<prog.nx { sum[i] += sols[j].atdy[i] }
                    return sum
                }
            }
            var corrections: [NewtonRightHandSide] = []
            var stillActive: [Int] = []
            for (a, j) in active.enumerated() {
                let sol = sols[j], b = rhs[j]
                var ex = products[a]
                for i in 0..<prog.nx { ex[i] = b.p[i] - ex[i] }
                if let pdx = prog.quadratic(sol.dx) { for i in 0..<prog.nx { ex[i] -= pdx[i] } }
                let w2dz = scaling.apply(sol.dz, power: 2)
                var ey = b.q, ez = b.r
                for i in 0..<prog.n { ey[i] -= sol.adx[i] }
                for i in 0..<prog.ns { ez[i] -= sol.gdx[i] - w2dz[i] }
                let err = max(Vector.maxAbs(ex), Vector.maxAbs(ey), Vector.maxAbs(ez))
                if settings.verbose {
                    FileHandle.standardError.write(String(format: "      refine err %.2e (x %.2e y %.2e z %.2e) rhs %.2e\n", err, Vector.maxAbs(ex), Vector.maxAbs(ey), Vector.maxAbs(ez), rhsNorms[j]).data(using: .utf8)!)
                }
                if err <= refinementTolerance * rhsNorms[j] || err >= 0.5 * lastErr[j] {
                    sols[j].adjointImage = products[a]
                    continue
                }
                lastErr[j] = err
                corrections.append(NewtonRightHandSide(p: ex, q: ey, r: ez))
                stillActive.append(j)
            }
            if stillActive.isEmpty { break }
            let steps = try solveOnce(corrections)
            for (a, j) in stillActive.enumerated() { sols[j].add(steps[a]) }
            active = stillActive
        }
        return sols
    }
}

/// A right-hand side (p, q, r) of the Newton system.
struct NewtonRightHandSide {
    var p: [Double]
    var q: [Double]
    var r: [Double]
}

/// A solution of the Newton system and the products the iteration needs from it.
struct NewtonSolution {
    var dx: [Double]
    var dy: [Double]
    var dz: [Double]
    /// A dx.
    var adx: [Double]
    /// G dx.
    var gdx: [Double]
    /// Aᵀdy.
    var atdy: [Double]
    /// Aᵀdy + Gᵀdz when the last refinement check was made at this very solution (else nil).
    var adjointImage: [Double]? = nil

    /// Adds a correction (all parts are linear in the right-hand side).
    mutating func add(_ c: NewtonSolution) {
        adjointImage = nil
        for i in dx.indices { dx[i] += c.dx[i]; atdy[i] += c.atdy[i] }
        for i in dy.indices { dy[i] += c.dy[i]; adx[i] += c.adx[i] }
        for i in dz.indices { dz[i] += c.dz[i]; gdx[i] += c.gdx[i] }
    }
}
