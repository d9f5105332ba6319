import Foundation
import LinearAlgebra

/// Programs with many patterns, `min Σₖ ‖wₖ‖ s.t. Σₖ Aₖwₖ (− √β r) = y` (with ReLU cones Gₖwₖ ≤ 0 in exact
/// and approx programs), on a working set of patterns.
///
/// At the optimum only the blocks whose dual constraint is active carry weight, and on the paper's instances
/// those are a handful to a quarter of the patterns. So the interior-point method first solves the program
/// restricted to a working set S (the patterns most correlated with y, enough of them for their ranks to
/// cover y twice over), then checks the whole program: its point is the subproblem's, with zero weights (and
/// slacks) outside S, and there a dual that is feasible exactly when the block's dual constraint holds:
/// - a block without ReLU cones (relaxed, and the skip block) gets zₖ = (max(τ, ‖gₖ‖), gₖ) with gₖ = Aₖᵀy;
/// - a block with ReLU cones (exact, approx) has the constraint ‖gₖ − Cₖμ‖ ≤ τ for some multipliers μ ≥ 0 of
///   its cone rows (Cₖ = (SₖXTₖ)ᵀ): μ = 0 when ‖gₖ‖ ≤ τ already, else the non-negative least-squares
///   problem min ‖gₖ − Cₖμ‖ over μ ≥ 0 (`NonnegativeLeastSquares`, stopped as soon as the residual is ≤ τ);
///   the block gets z = (max(τ, ‖gₖ − Cₖμ‖), gₖ − Cₖμ) on its cone and μ on its ReLU rows.
/// The full program's own stopping tests (`IterationState.evaluate`) decide: when they pass, that point is the
/// answer — the same tests, tolerances and certificates as a direct solve. Otherwise the patterns that
/// violate their dual constraint most join S and the subproblem is solved again. A Farkas certificate of the
/// subproblem is checked the same way (with τ replaced by 0). When S would grow past half of the patterns,
/// or a subproblem ends in another status, the caller solves the full program directly.
struct WorkingSetSolve {
    let prog: ProgramBlocks
    let settings: SolverSettings

    /// Programs with fewer internal patterns than this are solved directly.
    static let minimumPatterns = 32
    /// The first working set has at least this many patterns.
    static let initialPatterns = 8
    /// A round adds the worst violators, at most enough to multiply the working set by this. (When the solution
    /// is dense, e.g. noisy labels, 100–150 of 400 patterns: 8, 32, 128 and a last round with the few
    /// remaining violators, where doubling took six rounds.)
    static let growth = 4
    /// Programs with ReLU cones: when more than this fraction of the patterns left out violate their dual
    /// constraint after a round, the optimum is dense (noisy labels: a fifth to a quarter of the patterns carry
    /// weight at (400, 100), and they are not the ones most correlated with y), rounds would cost as much as the
    /// direct solve, each taking 25–45 iterations: solve directly.
    static let denseFraction = 0.75
    /// At most this many rounds (subproblem solves).
    static let maxRounds = 8
    /// A round's iteration limit (or `SolverSettings.maxIterations` when lower): a subproblem that has not
    /// converged by then is given up for the direct solve, which has the whole limit.
    static let roundIterationLimit = 100

    /// How the working-set solve ended.
    enum Outcome {
        /// The full program's point and its status, `.solved` or `.primalInfeasible`, checked on the full program.
        /// Its iteration count is that of all rounds together.
        case finished(IterationState, SolverStatus)
        /// Not applicable or given up (the set would grow past half of the patterns, or a subproblem ended in
        /// another status, e.g. its iteration limit): solve the full program directly. Carries the iterations spent.
        case abandoned(iterations: Int)
    }

    /// Number of internal patterns (the skip block excluded).
    private var patternCount: Int { prog.skipBlock ?? prog.patterns.count }

    func run() -> Outcome {
        guard settings.workingSet, patternCount >= Self.minimumPatterns else { return .abandoned(iterations: 0) }
        var blocksOf = [[Int]](repeating: [], count: prog.patterns.count)
        for (k, blk) in prog.blocks.enumerated() { blocksOf[blk.pattern].append(k) }
        // Scores ‖Aₖᵀy‖ (the same for a pattern's two signed blocks): the first working set takes the highest
        // until their ranks add up to 2n.
        let scores = blockNorms(prog.adjoint(ys: [prog.b], zs: nil)[0])
        let order = (0..<patternCount).sorted { scores[blocksOf[$0][0]] > scores[blocksOf[$1][0]] }
        var kept: [Int] = []
        var rankSum = prog.skipBlock.map { prog.patterns[$0].rank } ?? 0
        for i in order where kept.count < Self.initialPatterns || rankSum < 2 * prog.n {
            kept.append(i)
            rankSum += prog.patterns[i].rank
        }
        var spent = 0
        for round in 1...Self.maxRounds {
            if 2 * kept.count > patternCount { break }
            kept.sort()
            // Each round has its own iteration limit, and the direct solve after them the whole one, so that the
            // working set never turns a program a direct solve finishes into `maxIterations`.
            var roundSettings = settings
            roundSettings.maxIterations = min(settings.maxIterations, Self.roundIterationLimit)
            let (state, status) = IterationState.solve(ProgramBlocks(restricting: prog, to: kept), settings: roundSettings)
            spent += state.iterations
            guard status == .solved || status == .primalInfeasible else {
                if settings.verbose {
                    FileHandle.standardError.write("  working set round \(round): \(kept.count) of \(patternCount) patterns, subproblem \(status) after \(state.iterations) iterations: solving the full program\n".data(using: .utf8)!)
                }
                break
            }
            // The subproblem's dual is the analytic centre of its optimal face, which need not respect the
            // constraints of the patterns left out. In a relaxed program the optimal face also holds its
            // projection onto the span of the blocks carrying weight (same Aₖᵀy there, same bᵀy as y ∈ that
            // span); that is the minimum-norm certificate of the irrepresentable condition, feasible for the
            // whole program whenever recovery holds. Try it first. (With ReLU cones the kept blocks' duals
            // involve their cone multipliers, and the approx dual is unique: the subproblem's own is used.)
            var candidates = [state.y]
            if status == .solved, !prog.hasReluCones, let projected = projectedDual(state, kept: kept, blocksOf: blocksOf) {
                candidates.insert(projected, at: 0)
            }
            var excess = [Double](repeating: 0, count: patternCount)
            var finished: (IterationState, SolverStatus)? = nil
            for (c, dual) in candidates.enumerated() {
                var (full, violation) = lift(state, dual: dual, kept: kept, blocksOf: blocksOf,
                                             certificate: status == .primalInfeasible)
                let (verdict, _) = full.evaluate(settings: settings)
                if settings.verbose {
                    let which = c + 1 < candidates.count ? "projected dual" : "subproblem's dual"
                    FileHandle.standardError.write(
                        "  working set round \(round): \(kept.count) of \(patternCount) patterns, subproblem \(status) after \(state.iterations) iterations; full program with the \(which): \(verdict.map { "\($0)" } ?? "not yet")\n"
                            .data(using: .utf8)!)
                }
                if verdict == status {
                    full.iterations = spent
                    finished = (full, status)
                    break
                }
                for i in 0..<patternCount { excess[i] = max(excess[i], violation[i]) }
            }
            if let finished { return .finished(finished.0, finished.1) }
            // The patterns outside S that violate their dual constraint under either dual, worst first.
            var inSet = [Bool](repeating: false, count: patternCount)
            for i in kept { inSet[i] = true }
            let violators = (0..<patternCount).filter { !inSet[$0] && excess[$0] > 0 }.sorted { excess[$0] > excess[$1] }
            if violators.isEmpty { break }
            if settings.verbose {
                FileHandle.standardError.write("  \(violators.count) patterns violate their dual constraint\n".data(using: .utf8)!)
            }
            if prog.hasReluCones, Double(violators.count) > Self.denseFraction * Double(patternCount - kept.count) { break }
            kept += violators.prefix(max(Self.initialPatterns, (Self.growth - 1) * kept.count))
        }
        return .abandoned(iterations: spent)
    }

    /// The subproblem's dual projected onto the span of the blocks that carry weight (‖wₖ‖ above 1e−6 of the
    /// largest; their columns Aₖ stacked, fewer than n of them), or nil when there is nothing to project.
    private func projectedDual(_ state: IterationState, kept: [Int], blocksOf: [[Int]]) -> [Double]? {
        let sub = state.prog
        let norms = sub.blocks.map { blk in
            Vector.norm(Array(state.x[(blk.x + 1)..<(blk.x + 1 + blk.dim)]))
        }
        guard let largest = norms.max(), largest > 0 else { return nil }
        var columns: [Double] = []
        for (k, sblk) in sub.blocks.enumerated() where norms[k] > 1e-6 * largest {
            columns += prog.blockColumns(fullBlock(of: sblk, sub: sub, kept: kept, blocksOf: blocksOf))
        }
        let m = columns.count / prog.n
        guard m > 0, m < prog.n,
              let svd = try? SingularValueDecomposition(Matrix(rows: prog.n, cols: m, columnMajor: columns), kind: .thin),
              let top = svd.singularValues.first, top > 0 else { return nil }
        let rank = svd.singularValues.filter { $0 > 1e-10 * top }.count
        var out = [Double](repeating: 0, count: prog.n)
        for j in 0..<rank {
            let u = svd.u.column(j)
            let c = Vector.dot(u, state.y)
            for i in 0..<prog.n { out[i] += c * u[i] }
        }
        return out
    }

    /// The full program's block of subproblem block `sblk`: the same sign of pattern kept[j] (sub pattern j),
    /// or the skip block.
    private func fullBlock(of sblk: NormBlock, sub: ProgramBlocks, kept: [Int], blocksOf: [[Int]]) -> Int {
        let fullPattern = sblk.pattern < kept.count ? kept[sblk.pattern] : prog.skipBlock!
        return blocksOf[fullPattern].first { prog.blocks[$0].sign == sblk.sign }!
    }

    /// ‖(v)ₖ‖ over each block's w entries.
    private func blockNorms(_ v: [Double]) -> [Double] {
        prog.blocks.map { blk in
            var ss = 0.0
            for j in 0..<blk.dim { ss += v[blk.x + 1 + j] * v[blk.x + 1 + j] }
            return ss.squareRoot()
        }
    }

    /// The dual of one block left out of the working set: its cone part z = (t, w) before t is set, the
    /// multipliers μ of its ReLU rows (empty without them), and by how much ‖w‖ exceeds the limit.
    private struct LeftOutDual {
        var w: [Double]
        var mu: [Double]
        var excess: Double
    }

    /// The duals of pattern i's blocks under the dual y (g = Aₖᵀy of each block in `aty`): w = g − Cμ with
    /// μ ≥ 0 as small as needed for ‖w‖ ≤ limit (μ = 0 without ReLU cones or when ‖g‖ ≤ limit already).
    private func leftOutDuals(pattern i: Int, blocks: [Int], aty: [Double], limit: Double) -> [LeftOutDual] {
        var cone: [Double]? = nil
        return blocks.map { k in
            let blk = prog.blocks[k]
            let g = Array(aty[(blk.x + 1)..<(blk.x + 1 + blk.dim)])
            let norm = Vector.norm(g)
            guard blk.lp != nil, norm > limit, blk.dim > 0 else {
                return LeftOutDual(w: g, mu: blk.lp == nil ? [] : [Double](repeating: 0, count: prog.n), excess: norm - limit)
            }
            if cone == nil { cone = prog.coneRowsTransposed(pattern: i) }
            let nnls = cone!.withUnsafeBufferPointer { cp in
                NonnegativeLeastSquares.solve(a: cp.baseAddress!, rows: blk.dim, cols: prog.n, b: g, target: limit)
            }
            return LeftOutDual(w: nnls.residual, mu: nnls.x, excess: nnls.residualNorm - limit)
        }
    }

    /// The full program's point from the subproblem's: its blocks copied, zero weights and slacks elsewhere,
    /// and there the duals of `leftOutDuals` with t = max(τ, ‖w‖) (for a Farkas certificate, ‖w‖ and limit 0).
    /// Also, per internal pattern, by how much its dual constraint fails (≤ 0 where it holds).
    private func lift(_ state: IterationState, dual: [Double], kept: [Int], blocksOf: [[Int]], certificate: Bool)
        -> (IterationState, [Double]) {
        let sub = state.prog
        let geometry = ConeGeometry(lpRange: prog.lpRange, segments: prog.socSegments, size: prog.ns)
        var full = IterationState(prog: prog, geometry: geometry)
        full.y = dual
        full.tau = state.tau
        full.kappa = state.kappa
        for i in 0..<prog.nx { full.x[i] = 0 }
        for i in 0..<prog.ns { full.s[i] = 0; full.z[i] = 0 }
        let aty = prog.adjoint(ys: [dual], zs: nil)[0]
        let limit = certificate ? 0 : state.tau
        var inSet = [Bool](repeating: false, count: prog.patterns.count)
        for i in kept { inSet[i] = true }
        if let s = prog.skipBlock { inSet[s] = true }
        // Relaxed programs: every block's dual from Aₖᵀy (kept blocks keep the subproblem's where it agrees,
        // below). With ReLU cones only the blocks left out need one (a least-squares solve each), in parallel.
        let targets = (0..<prog.patterns.count).filter { !prog.hasReluCones || !inSet[$0] }
        let slots = ResultSlots<[LeftOutDual]>(count: targets.count)
        prog.parallelism.forEachChunk(of: targets.count) { range in
            for t in range {
                let i = targets[t]
                slots[t] = leftOutDuals(pattern: i, blocks: blocksOf[i], aty: aty, limit: limit)
            }
        }
        var violation = [Double](repeating: 0, count: patternCount)
        for (t, duals) in slots.values.enumerated() {
            let i = targets[t]
            for (k, dual) in zip(blocksOf[i], duals) {
                let blk = prog.blocks[k]
                let norm = Vector.norm(dual.w)
                full.z[blk.soc] = certificate ? norm : max(state.tau, norm)
                for j in 0..<blk.dim { full.z[blk.soc + 1 + j] = dual.w[j] }
                if let lp = blk.lp { for j in 0..<prog.n { full.z[lp + j] = dual.mu[j] } }
                if i < patternCount { violation[i] = max(violation[i], dual.excess) }
            }
        }
        // The subproblem's blocks. Relaxed: their z is the subproblem's where the dual is unchanged there
        // (Aₖᵀy the same to round-off); with ReLU cones the dual is the subproblem's own, z is copied.
        for sblk in sub.blocks {
            let fblk = prog.blocks[fullBlock(of: sblk, sub: sub, kept: kept, blocksOf: blocksOf)]
            var keepZ = true
            if !prog.hasReluCones {
                var change = 0.0, size = 0.0
                for j in 0..<sblk.dim {
                    change = max(change, abs(state.z[sblk.soc + 1 + j] - full.z[fblk.soc + 1 + j]))
                    size = max(size, abs(state.z[sblk.soc + 1 + j]))
                }
                keepZ = change <= 1e-12 * max(size, state.tau)
            }
            for j in 0...sblk.dim {
                full.x[fblk.x + j] = state.x[sblk.x + j]
                full.s[fblk.soc + j] = state.s[sblk.soc + j]
                if keepZ { full.z[fblk.soc + j] = state.z[sblk.soc + j] }
            }
            if let slp = sblk.lp, let flp = fblk.lp {
                for j in 0..<prog.n {
                    full.s[flp + j] = state.s[slp + j]
                    full.z[flp + j] = state.z[slp + j]
                }
            }
        }
        if let fr = prog.residual, let sr = sub.residual {
            for j in 0..<prog.n { full.x[fr.x + j] = state.x[sr.x + j] }
        }
        return (full, violation)
    }
}
