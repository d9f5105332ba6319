import Foundation
import LinearAlgebra

/// Relaxed programs, `min Σₖ ‖wₖ‖ s.t. Σₖ Aₖwₖ = y`, on a working set of blocks.
///
/// At the optimum only the blocks whose dual constraint ‖Aₖᵀλ‖ ≤ 1 is active carry weight, and on the
/// paper's instances those are a handful out of hundreds. So the interior-point method first solves the
/// program restricted to a working set S (the blocks most correlated with y, enough of them for their ranks
/// to cover y twice over), then checks the whole program: its point is the subproblem's, with zero weights
/// (and slacks) outside S and there the dual zₖ = (max(τ, ‖Aₖᵀy‖), Aₖᵀy), which is feasible exactly when
/// the block's dual constraint holds. The full program's own stopping tests (`IterationState.evaluate`) decide:
/// when they pass, that point is the answer — the same tests, tolerances and certificates as a direct solve.
/// Otherwise the blocks that violate their dual constraint most join S and the subproblem is solved again.
/// A Farkas certificate of the subproblem is checked the same way (Aₖᵀy = 0 outside S makes it one of the
/// full program). When S would grow past half of the blocks, or a subproblem ends in another status, the
/// caller solves the full program directly.
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
    /// At most this many rounds (subproblem solves).
    static let maxRounds = 8

    /// How the working-set solve ended.
    enum Outcome {
        /// The full program's point and its status: `.solved` or `.primalInfeasible`, checked on the full program,
        /// or `.maxIterations` when the rounds used up the iteration limit.
        case finished(IterationState, SolverStatus)
        /// Not applicable or given up: solve the full program directly, with what is left of the iteration limit.
        /// Carries the iterations spent.
        case abandoned(iterations: Int)
    }

    /// Number of internal patterns (the skip block excluded).
    private var patternCount: Int { prog.skipBlock ?? prog.patterns.count }

    func run() -> Outcome {
        guard settings.workingSet, prog.formulation == .relaxed, patternCount >= Self.minimumPatterns else { return .abandoned(iterations: 0) }
        var blockOf = [Int](repeating: -1, count: prog.patterns.count)
        for (k, blk) in prog.blocks.enumerated() { blockOf[blk.pattern] = k }
        // Scores ‖Aₖᵀy‖: the first working set takes the highest until their ranks add up to 2n.
        let scores = blockNorms(prog.adjoint(ys: [prog.b], zs: nil)[0])
        let order = (0..<patternCount).sorted { scores[blockOf[$0]] > scores[blockOf[$1]] }
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
            // The iteration limit holds for all rounds together (and the direct solve after them).
            var budget = settings
            budget.maxIterations = settings.maxIterations - spent
            let (state, status) = IterationState.solve(ProgramBlocks(restricting: prog, to: kept), settings: budget)
            spent += state.iterations
            if status == .maxIterations {
                // The limit is reached: report it, with the subproblem's last iterate in the whole program.
                var (full, _) = lift(state, dual: state.y, kept: kept, blockOf: blockOf, certificate: false)
                _ = full.evaluate(settings: settings)
                full.iterations = spent
                return .finished(full, .maxIterations)
            }
            guard status == .solved || status == .primalInfeasible else {
                if settings.verbose {
                    FileHandle.standardError.write("  working set round \(round): \(kept.count) of \(patternCount) patterns, subproblem \(status) after \(state.iterations) iterations: solving the full program\n".data(using: .utf8)!)
                }
                break
            }
            // The subproblem's dual is the analytic centre of its optimal face, which need not respect the
            // constraints of the patterns left out. The optimal face also holds its projection onto the span of
            // the blocks carrying weight (same Aₖᵀy there, same bᵀy as y ∈ that span); that is the minimum-norm
            // certificate of the irrepresentable condition, feasible for the whole program whenever recovery
            // holds. Try it first.
            var candidates = [state.y]
            if status == .solved, let projected = projectedDual(state, kept: kept, blockOf: blockOf) {
                candidates.insert(projected, at: 0)
            }
            var excess = [Double](repeating: 0, count: patternCount)
            var finished: (IterationState, SolverStatus)? = nil
            for (c, dual) in candidates.enumerated() {
                var (full, image) = lift(state, dual: dual, kept: kept, blockOf: blockOf,
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
                // Blocks outside S whose dual constraint fails under this dual (‖Aₖᵀy‖ > τ; for a certificate,
                // Aₖᵀy ≠ 0), by how much.
                let norms = blockNorms(image)
                let limit = status == .solved ? state.tau : 0
                for i in 0..<patternCount where norms[blockOf[i]] > limit {
                    excess[i] = max(excess[i], norms[blockOf[i]] - limit)
                }
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
            kept += violators.prefix(max(Self.initialPatterns, (Self.growth - 1) * kept.count))
        }
        return .abandoned(iterations: spent)
    }

    /// The subproblem's dual projected onto the span of the blocks that carry weight (‖wₖ‖ above 1e−6 of the
    /// largest; their columns Aₖ stacked, fewer than n of them), or nil when there is nothing to project.
    private func projectedDual(_ state: IterationState, kept: [Int], blockOf: [Int]) -> [Double]? {
        let sub = state.prog
        let norms = sub.blocks.map { blk in
            Vector.norm(Array(state.x[(blk.x + 1)..<(blk.x + 1 + blk.dim)]))
        }
        guard let largest = norms.max(), largest > 0 else { return nil }
        var columns: [Double] = []
        for (k, sblk) in sub.blocks.enumerated() where norms[k] > 1e-6 * largest {
            let fullPattern = sblk.pattern < kept.count ? kept[sblk.pattern] : prog.skipBlock!
            columns += prog.blockColumns(blockOf[fullPattern])
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

    /// ‖(v)ₖ‖ over each block's w entries.
    private func blockNorms(_ v: [Double]) -> [Double] {
        prog.blocks.map { blk in
            var ss = 0.0
            for j in 0..<blk.dim { ss += v[blk.x + 1 + j] * v[blk.x + 1 + j] }
            return ss.squareRoot()
        }
    }

    /// The full program's point from the subproblem's: its blocks copied, zero weights and slacks elsewhere,
    /// and there zₖ = (max(τ, ‖Aₖᵀy‖), Aₖᵀy) (for a Farkas certificate, (‖Aₖᵀy‖, Aₖᵀy)); also Aᵀy.
    private func lift(_ state: IterationState, dual: [Double], kept: [Int], blockOf: [Int], certificate: Bool)
        -> (IterationState, [Double]) {
        let sub = state.prog
        let geometry = ConeGeometry(lpRange: prog.lpRange, segments: prog.socSegments, size: prog.ns)
        var full = IterationState(prog: prog, geometry: geometry)
        full.y = dual
        full.tau = state.tau
        full.kappa = state.kappa
        for i in 0..<prog.nx { full.x[i] = 0 }
        for i in 0..<prog.ns { full.s[i] = 0 }
        let aty = prog.adjoint(ys: [dual], zs: nil)[0]
        for (blk, norm) in zip(prog.blocks, blockNorms(aty)) {
            full.z[blk.soc] = certificate ? norm : max(state.tau, norm)
            for j in 0..<blk.dim { full.z[blk.soc + 1 + j] = aty[blk.x + 1 + j] }
        }
        // The subproblem's blocks: sub pattern j is full pattern kept[j]; the skip block maps to the skip block.
        // Their z is the subproblem's where the dual is unchanged there (Aₖᵀy the same to round-off).
        for sblk in sub.blocks {
            let fullPattern = sblk.pattern < kept.count ? kept[sblk.pattern] : prog.skipBlock!
            let fblk = prog.blocks[blockOf[fullPattern]]
            var change = 0.0, size = 0.0
            for j in 0..<sblk.dim {
                change = max(change, abs(state.z[sblk.soc + 1 + j] - full.z[fblk.soc + 1 + j]))
                size = max(size, abs(state.z[sblk.soc + 1 + j]))
            }
            let keepZ = change <= 1e-12 * max(size, state.tau)
            for j in 0...sblk.dim {
                full.x[fblk.x + j] = state.x[sblk.x + j]
                full.s[fblk.soc + j] = state.s[sblk.soc + j]
                if keepZ { full.z[fblk.soc + j] = state.z[sblk.soc + j] }
            }
        }
        return (full, aty)
    }
}
