import LinearAlgebra
import ModelKinds

/// One arrangement pattern as the solver sees it: which rows are active, the signs Sᵢ = 2Dᵢ − I,
/// and for the normalized model the map Tᵢ = VᵢΣᵢ⁻¹ (d×rᵢ) with DᵢX Tᵢ = Uᵢ.
struct PatternBlock {
    /// hᵢ as 0/1 doubles (length n).
    let mask: [Double]
    /// Sᵢ's diagonal, ±1 (length n).
    let sign: [Double]
    /// Indices of the active rows.
    let active: [Int]
    /// Tᵢ, d×rᵢ column-major; nil means the identity (rᵢ = d).
    let map: [Double]?
    /// rᵢ, the dimension of the blocks of this pattern.
    let rank: Int
}

/// One norm block: variables (t, w) with t ≥ ‖w‖ (a second-order cone), optionally the ReLU
/// cone SᵢX Tᵢ w ≥ 0, entering the equality rows as `sign · DᵢX Tᵢ w`.
struct NormBlock {
    let pattern: Int
    let sign: Double
    let dim: Int
    /// Offset of t in x; w occupies the next `dim` entries.
    let x: Int
    /// Offset of the block's second-order cone (t, w) in the slack vector.
    let soc: Int
    /// Offset of its n ReLU-cone rows in the slack vector, if it has them.
    let lp: Int?
}

/// The approx program's residual: n free variables r, entering the equality rows as −√β r, with the
/// quadratic objective term ‖r‖² = ½ rᵀ(2I)r (the objective is divided by β). The solver handles this
/// term natively (as Clarabel does) rather than through a cone t ≥ ‖r‖², whose boundary would limit
/// the steps near the optimum.
struct ResidualBlock {
    /// Offset of r in x.
    let x: Int
    /// √β.
    let scale: Double
}

/// The conic form `min ½xᵀPx + cᵀx s.t. Ax = b, Gx + s = h, s ∈ K` of a `GroupNormProgram` (P ≠ 0
/// for approx only, see `ResidualBlock` and `quadratic`), with the
/// structured products by A, Aᵀ, G and Gᵀ. K is one nonnegative orthant (all ReLU-cone rows,
/// contiguous) followed by second-order cones. Nothing here forms A or G.
struct ProgramBlocks {
    let n: Int
    let d: Int
    /// X, n×d column-major.
    let X: [Double]
    let patterns: [PatternBlock]
    let blocks: [NormBlock]
    let residual: ResidualBlock?
    /// Index of the skip pattern (all rows active, no map), if the model is skip.
    let skipBlock: Int?
    let nx: Int
    let ns: Int
    /// The nonnegative-orthant rows of s.
    let lpRange: Range<Int>
    /// The second-order cones of s: (offset, dimension).
    let socSegments: [(offset: Int, dim: Int)]
    let c: [Double]
    let b: [Double]
    let h: [Double]
    /// The objective of the solved form is the program's divided by this (β for approx, else 1).
    let objectiveScale: Double
    /// Whether every block without ReLU cones lacks a map (so the Hadamard form of the Schur complement applies).
    let model: LearnedModel
    let formulation: Formulation
    /// For each pattern of the program: its internal pattern (j ≥ 0), a repeat of internal pattern j
    /// (−1 − j, reported as zeros), or nil when merged into the skip block.
    let representative: [Int?]
    /// How per-block work is split across cores (from the caller's BLAS thread count).
    let parallelism: BlockParallelism

    init(_ program: GroupNormProgram, parallelism: BlockParallelism = .current()) throws {
        let n = program.n, d = program.d
        self.n = n; self.d = d
        self.parallelism = parallelism
        self.X = program.X.storage
        self.model = program.model
        self.formulation = program.formulation
        // Identical blocks make the Newton systems singular (and the split of weight between them is
        // arbitrary), so each distinct pattern is solved once; a repeated pattern, and under skip/relaxed
        // the all-ones pattern (whose block is the skip block w₀), get zero weights in the result.
        var pats: [PatternBlock] = []
        var representative: [Int?] = []
        var firstIndex: [[Bool]: Int] = [:]
        var mergedIntoSkip: [Bool] = []
        for h in program.patterns {
            let allOnes = h.allSatisfy { $0 }
            if program.model == .skip && program.formulation == .relaxed && allOnes {
                representative.append(nil); mergedIntoSkip.append(true); continue
            }
            mergedIntoSkip.append(false)
            if let j = firstIndex[h] { representative.append(-1 - j); continue }
            firstIndex[h] = pats.count
            representative.append(pats.count)
            let mask = h.map { $0 ? 1.0 : 0.0 }
            let sign = h.map { $0 ? 1.0 : -1.0 }
            let active = h.indices.filter { h[$0] }
            pats.append(PatternBlock(mask: mask, sign: sign, active: active, map: nil, rank: d))
        }
        if program.model == .normalized {
            // The bases Tᵢ, one small factorization per pattern, in parallel chunks.
            let maps = ResultSlots<Result<([Double], Int), Error>>(count: pats.count)
            let patterns = pats
            parallelism.forEachChunk(of: pats.count) { range in
                for i in range {
                    maps[i] = Result { try Self.normalizedMap(X: program.X, active: patterns[i].active) }
                }
            }
            for (i, result) in maps.values.enumerated() {
                let (map, rank) = try result.get()
                let p = pats[i]
                pats[i] = PatternBlock(mask: p.mask, sign: p.sign, active: p.active, map: map, rank: rank)
            }
        }
        // representative[i]: j ≥ 0 solves pattern i as internal pattern j; −1 − j repeats internal
        // pattern j (zero weights); nil is merged into the skip block.
        self.representative = representative
        let internalCount = pats.count
        var skip: Int? = nil
        if program.model == .skip {
            skip = pats.count
            pats.append(PatternBlock(mask: Array(repeating: 1, count: n), sign: Array(repeating: 1, count: n),
                                     active: Array(0..<n), map: nil, rank: d))
        }
        self.patterns = pats
        self.skipBlock = skip
        let layout = Layout(patterns: pats, internalCount: internalCount, skip: skip, formulation: program.formulation,
                            n: n, residualScale: program.beta.squareRoot())
        (blocks, residual, nx, ns, lpRange, socSegments, c, h) = layout.parts
        self.b = program.y
        self.objectiveScale = program.formulation == .approx ? program.beta : 1
    }

    /// The same program restricted to some of its internal patterns (all blocks of each kept pattern, with
    /// their ReLU-cone rows), keeping the skip block and the approx residual: the subproblem of
    /// `WorkingSetSolve`. The maps Tᵢ are shared, not recomputed. `representative` of the result lists the
    /// kept patterns.
    init(restricting full: ProgramBlocks, to kept: [Int]) {
        n = full.n; d = full.d; X = full.X
        model = full.model; formulation = full.formulation; parallelism = full.parallelism
        var pats = kept.map { full.patterns[$0] }
        var skip: Int? = nil
        if let s = full.skipBlock { skip = pats.count; pats.append(full.patterns[s]) }
        patterns = pats
        skipBlock = skip
        representative = kept.indices.map { $0 }
        let layout = Layout(patterns: pats, internalCount: kept.count, skip: skip, formulation: full.formulation,
                            n: n, residualScale: full.residual?.scale ?? 1)
        (blocks, residual, nx, ns, lpRange, socSegments, c, h) = layout.parts
        self.b = full.b
        objectiveScale = full.objectiveScale
    }

    /// Where the variables and slacks of each block go: every norm block (t, w) (the skip block first),
    /// then the approx residual r; slacks: the blocks' cones (t, w), then all ReLU-cone rows.
    private struct Layout {
        var blocks: [NormBlock] = []
        var residual: ResidualBlock? = nil
        var nx = 0
        var ns = 0
        var lpRange = 0..<0
        var socSegments: [(offset: Int, dim: Int)] = []

        init(patterns pats: [PatternBlock], internalCount: Int, skip: Int?, formulation: Formulation, n: Int,
             residualScale: Double) {
            let withCones = formulation != .relaxed
            var xOff = 0, socOff = 0
            var pending: [(pattern: Int, sign: Double, dim: Int, lp: Bool)] = []
            if let s = skip { pending.append((s, 1, pats[s].rank, false)) }
            for i in 0..<internalCount {
                let r = pats[i].rank
                if formulation == .relaxed {
                    pending.append((i, 1, r, false))
                } else {
                    pending.append((i, 1, r, true))
                    pending.append((i, -1, r, true))
                }
            }
            let socTotal = pending.reduce(0) { $0 + 1 + $1.dim }
            var lpOff = socTotal
            for b in pending {
                let lp: Int? = (withCones && b.lp) ? lpOff : nil
                if lp != nil { lpOff += n }
                blocks.append(NormBlock(pattern: b.pattern, sign: b.sign, dim: b.dim, x: xOff, soc: socOff, lp: lp))
                socSegments.append((socOff, 1 + b.dim))
                xOff += 1 + b.dim
                socOff += 1 + b.dim
            }
            // The ReLU-cone rows follow the cones directly so that they form one contiguous range.
            lpRange = socTotal..<lpOff
            ns = lpOff
            if formulation == .approx {
                residual = ResidualBlock(x: xOff, scale: residualScale)
                xOff += n
            }
            nx = xOff
        }

        /// Everything `ProgramBlocks` takes from the layout, with c (1 on each block's t) and h (= 0).
        var parts: ([NormBlock], ResidualBlock?, Int, Int, Range<Int>, [(offset: Int, dim: Int)], [Double], [Double]) {
            var c = [Double](repeating: 0, count: nx)
            for b in blocks { c[b.x] = 1 }
            return (blocks, residual, nx, ns, lpRange, socSegments, c, [Double](repeating: 0, count: ns))
        }
    }

    /// Tᵢ = VᵢΣᵢ⁻¹ from the thin SVD of DᵢX restricted to its active rows (the zero rows change nothing),
    /// keeping singular values above the threshold of docs/science.md §2. Well-conditioned blocks (κ² ≤ 1e4) take the
    /// eigendecomposition of their d×d Gram matrix instead (σ² = λ, the same V): a few times cheaper, and
    /// its error, ε·κ² ≤ 1e−12 relative, is far below what the solve resolves.
    static func normalizedMap(X: Matrix, active: [Int]) throws -> ([Double], Int) {
        let d = X.cols
        if active.isEmpty { return ([], 0) }
        let sub = Self.gatherRows(X, active)
        if active.count >= d, let map = gramMap(sub) { return (map, d) }
        let svd = try SingularValueDecomposition(sub, kind: .thin)
        let kept = svd.singularValues.filter { $0 > GroupNormProgram.normalizedRankThreshold }.count
        var t = [Double](repeating: 0, count: d * kept)
        for j in 0..<kept {
            let s = svd.singularValues[j]
            for k in 0..<d { t[k + j * d] = svd.vt[j, k] / s }
        }
        return (t, kept)
    }

    /// VΣ⁻¹ (singular values in descending order, all kept) from the eigendecomposition of AᵀA, or nil when
    /// A (rows ≥ cols) is not well conditioned enough for that (λ_min < 1e−4 λ_max) or it fails.
    static func gramMap(_ a: Matrix) -> [Double]? {
        let rows = a.rows, d = a.cols
        var gram = Matrix(rows: d, cols: d)
        a.storage.withUnsafeBufferPointer { ap in
            gram.storage.withUnsafeMutableBufferPointer { gp in
                RawKernels.syrkLower(.transpose, n: d, k: rows, alpha: 1, a: ap.baseAddress!, lda: rows, beta: 0,
                                     c: gp.baseAddress!, ldc: d)
            }
        }
        guard let eig = try? SymmetricEigen(gram), let lmax = eig.values.last, let lmin = eig.values.first,
              lmax > 0, lmin >= 1e-4 * lmax,
              lmin.squareRoot() > 1e6 * GroupNormProgram.normalizedRankThreshold else { return nil }
        var t = [Double](repeating: 0, count: d * d)
        for j in 0..<d {
            let src = d - 1 - j
            let inv = 1 / eig.values[src].squareRoot()
            for k in 0..<d { t[k + j * d] = eig.vectors.storage[k + src * d] * inv }
        }
        return t
    }

    static func gatherRows(_ X: Matrix, _ rows: [Int]) -> Matrix {
        var m = Matrix(rows: rows.count, cols: X.cols)
        for j in 0..<X.cols {
            for (k, i) in rows.enumerated() { m.storage[k + j * rows.count] = X.storage[i + j * X.rows] }
        }
        return m
    }

    /// Second-order-cone degree plus orthant rows: the ν of the barrier.
    var degree: Int { lpRange.count + socSegments.count }

    /// Runs `body` over all blocks, in parallel chunks when the blocks carry maps Tᵢ (normalized: a
    /// d×rᵢ product per block, the bulk of a pass); otherwise the per-block work is a copy, done at once.
    private func forEachBlockChunk(_ body: @Sendable (Range<Int>) -> Void) {
        if model == .normalized {
            parallelism.forEachChunk(of: blocks.count, minimum: 64, body)
        } else {
            body(0..<blocks.count)
        }
    }

    /// Tₖ wₖ of block k for `count` vectors (vector j's block at `x + j·nx + offset`), into columns
    /// `out + j·ldo` (d entries each).
    private func mapped(_ x: UnsafePointer<Double>, count: Int, block k: Int, into out: UnsafeMutablePointer<Double>, ldo: Int) {
        let blk = blocks[k]
        let w = x + blk.x + 1
        if let t = patterns[blk.pattern].map {
            if blk.dim == 0 {
                for j in 0..<count { for i in 0..<d { out[i + j * ldo] = 0 } }
                return
            }
            t.withUnsafeBufferPointer { tp in
                if count == 1 {
                    RawKernels.gemv(.none, m: d, n: blk.dim, alpha: 1, a: tp.baseAddress!, lda: d, x: w, beta: 0, y: out)
                } else {
                    RawKernels.gemm(.none, .none, m: d, n: count, k: blk.dim, alpha: 1, a: tp.baseAddress!, lda: d,
                                    b: w, ldb: nx, beta: 0, c: out, ldc: ldo)
                }
            }
        } else {
            for j in 0..<count { for i in 0..<d { out[i + j * ldo] = w[i + j * nx] } }
        }
    }

    /// Block k's rows of Aᵀy + Gᵀz for `count` vectors: `p + j·ldp` is the block's column of
    /// Xᵀ·(signed, masked y and cone z) for vector j, written to `out + j·nx`.
    private func adjointBlock(_ k: Int, count: Int, p src: UnsafePointer<Double>, ldp: Int, z zs: [[Double]]?,
                              into op: UnsafeMutablePointer<Double>) {
        let blk = blocks[k]
        if let t = patterns[blk.pattern].map {
            if blk.dim > 0 {
                t.withUnsafeBufferPointer { tp in
                    if count == 1 {
                        RawKernels.gemv(.transpose, m: d, n: blk.dim, alpha: 1, a: tp.baseAddress!, lda: d,
                                        x: src, beta: 0, y: op + blk.x + 1)
                    } else {
                        RawKernels.gemm(.transpose, .none, m: blk.dim, n: count, k: d, alpha: 1, a: tp.baseAddress!, lda: d,
                                        b: src, ldb: ldp, beta: 0, c: op + blk.x + 1, ldc: nx)
                    }
                }
            }
        } else {
            for j in 0..<count { for i in 0..<d { op[blk.x + 1 + i + j * nx] = src[i + j * ldp] } }
        }
        for j in 0..<count {
            let o = op + j * nx
            o[blk.x] = 0
            if let zv = zs?[j] {
                for i in 0...blk.dim { o[blk.x + i] -= zv[blk.soc + i] }
            }
        }
    }

    /// Block k's columns of A, sign · Dₖ X Tₖ (n × dim, column-major; Tₖ = I without a map).
    func blockColumns(_ k: Int) -> [Double] {
        let blk = blocks[k]
        let pat = patterns[blk.pattern]
        var out = [Double](repeating: 0, count: n * blk.dim)
        if blk.dim == 0 { return out }
        if let t = pat.map {
            X.withUnsafeBufferPointer { xp in
                t.withUnsafeBufferPointer { tp in
                    out.withUnsafeMutableBufferPointer { op in
                        RawKernels.gemm(.none, .none, m: n, n: blk.dim, k: d, alpha: 1, a: xp.baseAddress!, lda: n,
                                        b: tp.baseAddress!, ldb: d, beta: 0, c: op.baseAddress!, ldc: n)
                    }
                }
            }
        } else {
            for i in 0..<(n * d) { out[i] = X[i] }
        }
        for j in 0..<blk.dim { for i in 0..<n { out[i + j * n] *= blk.sign * pat.mask[i] } }
        return out
    }

    /// (SₖX Tₖ)ᵀ of pattern k, rₖ × n column-major: column j is Sₖⱼ Tₖᵀxⱼ. The ReLU-cone rows of a block
    /// enter Gᵀz as −(this)·z (docs/science.md §2: SₖX Tₖ w ≥ 0).
    func coneRowsTransposed(pattern k: Int) -> [Double] {
        let pat = patterns[k]
        let r = pat.rank
        var out = Self.unfilled(r * n)
        if r == 0 { return out }
        X.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { op in
                if let t = pat.map {
                    t.withUnsafeBufferPointer { tp in
                        RawKernels.gemm(.transpose, .transpose, m: r, n: n, k: d, alpha: 1, a: tp.baseAddress!, lda: d,
                                        b: xp.baseAddress!, ldb: n, beta: 0, c: op.baseAddress!, ldc: r)
                    }
                } else {
                    for j in 0..<n { for i in 0..<d { op[i + j * d] = xp[j + i * n] } }
                }
                for j in 0..<n where pat.sign[j] < 0 { for i in 0..<r { op[i + j * r] = -op[i + j * r] } }
            }
        }
        return out
    }

    /// `ax ← A x` (n entries) and `gx ← G x` (ns entries).
    func forward(_ x: [Double], ax: inout [Double], gx: inout [Double]) {
        let r = forward([x])[0]
        ax = r.ax
        gx = r.gx
    }

    /// A xⱼ and G xⱼ for several vectors at once: each map Tᵢ is read once for all of them, and the
    /// product by X is one matrix product.
    /// With `cones` false only A xⱼ is formed (gx is empty).
    func forward(_ xs: [[Double]], cones: Bool = true) -> [(ax: [Double], gx: [Double])] {
        let nb = blocks.count, count = xs.count
        let z = blockProducts(xs.count == 1 ? xs[0] : Array(xs.joined()), count: count)
        var results: [(ax: [Double], gx: [Double])] = []
        for j in 0..<count {
            var ax = [Double](repeating: 0, count: n)
            var gx = [Double](repeating: 0, count: cones ? ns : 0)
            let x = xs[j]
            z.withUnsafeBufferPointer { zp in
                ax.withUnsafeMutableBufferPointer { axp in
                    gx.withUnsafeMutableBufferPointer { gp in
                        for k in 0..<nb {
                            let blk = blocks[k]
                            let pat = patterns[blk.pattern]
                            let col = zp.baseAddress! + (j * nb + k) * n
                            let sgn = blk.sign
                            for i in pat.active { axp[i] += sgn * col[i] }
                            if !cones { continue }
                            for i in 0...blk.dim { gp[blk.soc + i] = -x[blk.x + i] }
                            if let lp = blk.lp {
                                pat.sign.withUnsafeBufferPointer { sp in
                                    for i in 0..<n { gp[lp + i] = -sp[i] * col[i] }
                                }
                            }
                        }
                    }
                }
            }
            if let r = residual {
                for i in 0..<n { ax[i] -= r.scale * x[r.x + i] }
            }
            results.append((ax, gx))
        }
        return results
    }

    /// hₖ ∘ (X Tₖ wₖ) for every block k (an n×blocks matrix, column k for block k; no sign), where wₖ is
    /// block k's part of `x`.
    func maskedBlockImages(_ x: [Double]) -> [Double] {
        var z = blockProducts(x, count: 1)
        for (k, blk) in blocks.enumerated() {
            let mask = patterns[blk.pattern].mask
            for i in 0..<n { z[i + k * n] *= mask[i] }
        }
        return z
    }

    /// X Tₖ wₖ for every block k and each of the `count` vectors stored one after the other in `flat`
    /// (an n × (blocks·count) matrix, column j·blocks + k).
    private func blockProducts(_ flat: [Double], count: Int) -> [Double] {
        let nb = blocks.count
        // Every entry of q (maps or copies) and z (a β = 0 product) is written below: no zero fill.
        var q = Self.unfilled(d * nb * count)
        var z = Self.unfilled(n * nb * count)
        flat.withUnsafeBufferPointer { xp in
            q.withUnsafeMutableBufferPointer { qp in
                let src = SharedReadOnlyBuffer(base: xp.baseAddress!), dst = SharedBuffer(base: qp.baseAddress!)
                let ldq = nb * d
                forEachBlockChunk { range in
                    for k in range { self.mapped(src.base, count: count, block: k, into: dst.base + k * self.d, ldo: ldq) }
                }
            }
        }
        X.withUnsafeBufferPointer { xp in
            q.withUnsafeBufferPointer { qp in
                z.withUnsafeMutableBufferPointer { zp in
                    RawKernels.gemm(.none, .none, m: n, n: nb * count, k: d, alpha: 1, a: xp.baseAddress!, lda: n,
                                    b: qp.baseAddress!, ldb: d, beta: 0, c: zp.baseAddress!, ldc: n)
                }
            }
        }
        return z
    }

    /// `out ← Aᵀ yv + Gᵀ zv` (either may be nil).
    func adjoint(y yv: [Double]?, z zv: [Double]?, into out: inout [Double]) {
        out = adjoint(ys: yv.map { [$0] }, zs: zv.map { [$0] })[0]
    }

    /// Aᵀyⱼ + Gᵀzⱼ for several pairs at once (`ys` or `zs` may be nil, else both have one entry per pair).
    func adjoint(ys: [[Double]]?, zs: [[Double]]?) -> [[Double]] {
        let nb = blocks.count
        let count = ys?.count ?? zs?.count ?? 0
        var flat = [Double](repeating: 0, count: nx * count)
        if ys == nil && !hasReluCones {
            // Only the cones' −z: no product by X or the maps.
            for j in 0..<count {
                for k in 0..<nb {
                    let blk = blocks[k]
                    for i in 0...blk.dim { flat[j * nx + blk.x + i] = -(zs?[j][blk.soc + i] ?? 0) }
                }
            }
        } else {
            var rmat = [Double](repeating: 0, count: n * nb * count)
            var p = Self.unfilled(d * nb * count)  // a β = 0 product writes all of it
            rmat.withUnsafeMutableBufferPointer { rp in
                for j in 0..<count {
                    for k in 0..<nb {
                        let blk = blocks[k]
                        let pat = patterns[blk.pattern]
                        let col = rp.baseAddress! + (j * nb + k) * n
                        if let yv = ys?[j] {
                            for i in pat.active { col[i] = blk.sign * yv[i] }
                        }
                        if let zv = zs?[j], let lp = blk.lp {
                            for i in 0..<n { col[i] -= pat.sign[i] * zv[lp + i] }
                        }
                    }
                }
            }
            X.withUnsafeBufferPointer { xp in
                rmat.withUnsafeBufferPointer { rp in
                    p.withUnsafeMutableBufferPointer { pp in
                        RawKernels.gemm(.transpose, .none, m: d, n: nb * count, k: n, alpha: 1, a: xp.baseAddress!, lda: n,
                                        b: rp.baseAddress!, ldb: n, beta: 0, c: pp.baseAddress!, ldc: d)
                    }
                }
            }
            p.withUnsafeBufferPointer { pp in
                flat.withUnsafeMutableBufferPointer { op in
                    let src = SharedReadOnlyBuffer(base: pp.baseAddress!), dst = SharedBuffer(base: op.baseAddress!)
                    let ldp = nb * d
                    forEachBlockChunk { range in
                        for k in range {
                            self.adjointBlock(k, count: count, p: src.base + k * self.d, ldp: ldp, z: zs, into: dst.base)
                        }
                    }
                }
            }
        }
        var results: [[Double]] = []
        for j in 0..<count {
            var out = count == 1 ? flat : Array(flat[(j * nx)..<((j + 1) * nx)])
            adjointResidual(y: ys?[j], z: zs?[j], into: &out)
            results.append(out)
        }
        return results
    }

    /// An array of `count` doubles whose contents the caller overwrites entirely (no zero fill: the
    /// products' work buffers are megabytes, filled on every pass).
    static func unfilled(_ count: Int) -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// Whether any block carries ReLU-cone rows (exact and approx).
    var hasReluCones: Bool { !lpRange.isEmpty }

    /// The residual block's rows of Aᵀy + Gᵀz (approx only; G has no rows there).
    private func adjointResidual(y yv: [Double]?, z zv: [Double]?, into out: inout [Double]) {
        if let r = residual {
            for i in 0..<n { out[r.x + i] = -r.scale * (yv?[i] ?? 0) }
        }
    }

    /// P x for the quadratic objective term ½xᵀPx (approx: P = 2I on the residual; nil when P = 0).
    func quadratic(_ x: [Double]) -> [Double]? {
        guard let r = residual else { return nil }
        var px = [Double](repeating: 0, count: nx)
        for i in 0..<n { px[r.x + i] = 2 * x[r.x + i] }
        return px
    }
}
