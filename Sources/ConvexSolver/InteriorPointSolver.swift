import Foundation
import LinearAlgebra
import ModelKinds

/// Primal–dual interior-point solver for the group-norm programs of docs/science.md §2.
///
/// The program is put in conic form `min ½xᵀPx + cᵀx s.t. Ax = b, Gx + s = h, s ∈ K` (`ProgramBlocks`;
/// P ≠ 0 only for approx, 2I on its residual variables) and
/// solved through the homogeneous self-dual embedding (as ECOS/CVXOPT do): iterates
/// (x, y, z, s, τ, κ) with Nesterov–Todd scaling on the second-order cones and Mehrotra's
/// predictor–corrector. The embedding detects infeasibility: a Farkas certificate ends the solve
/// with `.primalInfeasible`. Every Newton step is solved by `NewtonSystem`: per-block factorizations
/// of size rᵢ+1 and one n×n Cholesky. Programs with many patterns go through `WorkingSetSolve` first (a
/// subproblem on a few patterns, its answer checked on the whole program; the iteration limit applies to each
/// interior-point solve, and the result counts the iterations of all of them).
///
/// Threading: the solver itself is sequential; BLAS uses the threads the caller set with
/// `BLASThreads.set`. Results differ across thread counts only by round-off (on a working set, round-off
/// can also change which rounds are taken; the answers then agree to the tolerance).
public struct InteriorPointSolver: Sendable {
    /// Tolerances and limits.
    public var settings: SolverSettings

    /// A solver with the given settings (defaults: `SolverSettings()`).
    public init(settings: SolverSettings = SolverSettings()) {
        self.settings = settings
    }

    /// Solves the program. Never throws for numerical trouble: that is `.numericalError`.
    /// - Throws: `ProgramError` only when the normalized bases cannot be computed (SVD failure).
    public func solve(_ program: GroupNormProgram) throws -> SolverResult {
        let start = DispatchTime.now()
        let prog: ProgramBlocks
        do { prog = try ProgramBlocks(program) } catch {
            throw ProgramError("cannot set up the program: \(error)")
        }
        var result: SolverResult
        switch WorkingSetSolve(prog: prog, settings: settings).run() {
        case .finished(let state, let status):
            result = state.result(status: status, program: program)
        case .abandoned(let spent):
            let (state, status) = IterationState.solve(prog, settings: settings)
            if status == .maxIterations || status == .numericalError, state.meetsTolerances(settings.acceptableTolerance) {
                result = state.result(status: .solved, program: program)
                result.acceptedAfter = status
            } else {
                result = state.result(status: status, program: program)
            }
            result.iterations += spent
        }
        if result.status != .solved, program.zeroRowWithNonzeroLabel != nil { result.status = .primalInfeasible }
        result.seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return result
    }
}

/// The iterates of the homogeneous embedding and the main loop.
struct IterationState {
    let prog: ProgramBlocks
    let geometry: ConeGeometry
    var x: [Double]
    var y: [Double]
    var z: [Double]
    var s: [Double]
    var tau = 1.0
    var kappa = 1.0
    var iterations = 0
    var metrics = Metrics()

    struct Metrics {
        var primalResidual = Double.infinity
        var coneResidual = Double.infinity
        var dualResidual = Double.infinity
        var primalCost = Double.nan
        var dualCost = Double.nan
        var gap = Double.infinity
    }

    init(prog: ProgramBlocks, geometry: ConeGeometry) {
        self.prog = prog
        self.geometry = geometry
        x = [Double](repeating: 0, count: prog.nx)
        y = [Double](repeating: 0, count: prog.n)
        z = geometry.identity
        s = geometry.identity
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double { Vector.dot(a, b) }

    /// Runs the interior-point method on `prog` from the standard starting point: the final iterate and status.
    static func solve(_ prog: ProgramBlocks, settings: SolverSettings) -> (IterationState, SolverStatus) {
        let geometry = ConeGeometry(lpRange: prog.lpRange, segments: prog.socSegments, size: prog.ns)
        let system = NewtonSystem(prog: prog, geometry: geometry, settings: settings)
        var state = IterationState(prog: prog, geometry: geometry)
        let status = state.run(system: system, settings: settings)
        return (state, status)
    }

    mutating func run(system: NewtonSystem, settings: SolverSettings) -> SolverStatus {
        let n = prog.n, nx = prog.nx, ns = prog.ns
        let nu = Double(prog.degree)
        // Starting point (CVXOPT/ECOS): least-norm slacks and multipliers, shifted into the cone.
        do {
            try system.factor(NTScaling(identity: geometry))
            let primal = try system.solve([Double](repeating: 0, count: nx), prog.b, prog.h)
            x = primal.dx
            s = primal.dz.map { -$0 }
            geometry.shiftIntoInterior(&s)
            let dual = try system.solve(prog.c.map { -$0 }, [Double](repeating: 0, count: n),
                                        [Double](repeating: 0, count: ns))
            y = dual.dy
            z = dual.dz
            geometry.shiftIntoInterior(&z)
        } catch {
            return .numericalError
        }
        while true {
            let (verdict, residuals) = evaluate(settings: settings)
            if let verdict { return verdict }
            let (rx, ry, rz, rtau, px, xpx) = (residuals.rx, residuals.ry, residuals.rz, residuals.rtau, residuals.px,
                                                residuals.xpx)
            iterations += 1

            // Newton steps.
            guard let w = NTScaling(geometry: geometry, s: s, z: z) else { return .numericalError }
            do {
                try system.factor(w)
                if settings.verbose {
                    FileHandle.standardError.write(String(format: "    schur consistency %.2e\n", try system.schurConsistency()).data(using: .utf8)!)
                }
                let mu = (dot(s, z) + tau * kappa) / (nu + 1)
                let lambda = w.lambda
                // The right-hand side of the step with centring target `target` and weight η on the residuals.
                func rightHandSide(eta: Double, ds target: [Double]) -> NewtonRightHandSide {
                    let li = geometry.inverseProduct(lambda, target)
                    let wli = w.apply(li, power: 1)
                    var p = rx, q = ry, r = rz
                    for i in 0..<nx { p[i] *= -eta }
                    for i in 0..<n { q[i] *= eta }
                    for i in 0..<ns { r[i] = -eta * r[i] - wli[i] }
                    return NewtonRightHandSide(p: p, q: q, r: r)
                }
                // The constant right-hand side (−c, b, h) and the predictor's are solved together: one
                // pass over the data serves both.
                let lsq = geometry.product(lambda, lambda)
                let first = try system.solve([NewtonRightHandSide(p: prog.c.map { -$0 }, q: prog.b, r: prog.h),
                                              rightHandSide(eta: 1, ds: lsq.map { -$0 })])
                let sol2 = first[0]
                let (x2, y2, z2, gx2) = (sol2.dx, sol2.dy, sol2.dz, sol2.gdx)
                // The τ row linearised: its x coefficient is c + 2Pξ (ξ = x/τ), its τ coefficient −ξᵀPξ.
                let pxi = px.map { $0.map { $0 / tau } }
                let xiPxi = xpx / (tau * tau)
                let pxiDot = { (v: [Double]) in pxi.map { 2 * Vector.dot($0, v) } ?? 0 }
                let denom2 = dot(prog.c, x2) + dot(prog.b, y2) + dot(prog.h, z2) + pxiDot(x2) - xiPxi

                func direction(eta: Double, ds target: [Double], dkappa dk: Double, solved: NewtonSolution? = nil)
                    throws -> (dx: [Double], dy: [Double], dz: [Double], ds: [Double], dtau: Double, dkappa: Double) {
                    let sol = try solved ?? system.solve([rightHandSide(eta: eta, ds: target)])[0]
                    var (dx, dy, dz, gdx) = (sol.dx, sol.dy, sol.dz, sol.gdx)
                    let num = -eta * rtau - dk / tau - (dot(prog.c, dx) + dot(prog.b, dy) + dot(prog.h, dz) + pxiDot(dx))
                    let dtau = num / (denom2 - kappa / tau)
                    for i in 0..<nx { dx[i] += dtau * x2[i] }
                    for i in 0..<n { dy[i] += dtau * y2[i] }
                    for i in 0..<ns { dz[i] += dtau * z2[i] }
                    // Δz on the norm blocks' cones from the linearised dual equation
                    // AᵀΔy + GᵀΔz + cΔτ = −η r_x (G = −I there), so that the dual residual also falls
                    // exactly by the step; as for Δs, the solve's error goes into the centrality.
                    var rowsx = [Double](repeating: 0, count: nx)
                    if prog.hasReluCones, let image = sol.adjointImage, let image2 = sol2.adjointImage {
                        // Aᵀdy + G_ReLUᵀdz_ReLU = (Aᵀdy + Gᵀdz) + dz on the block cones (G = −I there), with
                        // Aᵀdy + Gᵀdz known from the solves' last refinement checks, by linearity.
                        for i in 0..<nx { rowsx[i] = image[i] + dtau * image2[i] }
                        for blk in prog.blocks { for j in 0...blk.dim { rowsx[blk.x + j] += dz[blk.soc + j] } }
                    } else if prog.hasReluCones {
                        var zlp = dz
                        for blk in prog.blocks { for j in 0...blk.dim { zlp[blk.soc + j] = 0 } }
                        prog.adjoint(y: dy, z: zlp, into: &rowsx)
                    } else {
                        // Aᵀ(dy + Δτ y₂), by linearity from the solves (no product by X here).
                        for i in 0..<nx { rowsx[i] = sol.atdy[i] + dtau * sol2.atdy[i] }
                    }
                    for blk in prog.blocks {
                        for j in 0...blk.dim {
                            let i = blk.x + j
                            dz[blk.soc + j] = rowsx[i] + prog.c[i] * dtau + eta * rx[i]
                        }
                    }
                    // Δs from the linearised cone equation G Δx + Δs − h Δτ = −η r_z, so that the
                    // primal cone residual falls exactly by the step (the Newton solve's error then goes into
                    // the centrality, which the next iterations correct).
                    for i in 0..<ns { gdx[i] += dtau * gx2[i] }
                    var ds = [Double](repeating: 0, count: ns)
                    for i in 0..<ns { ds[i] = -eta * rz[i] - gdx[i] + prog.h[i] * dtau }
                    let dkappa = (dk - kappa * dtau) / tau
                    return (dx, dy, dz, ds, dtau, dkappa)
                }
                func stepLength(_ ds: [Double], _ dz: [Double], _ dtau: Double, _ dkappa: Double) -> Double {
                    var a = geometry.maxStep(s, ds, cap: 1)
                    a = min(a, geometry.maxStep(z, dz, cap: 1))
                    if dtau < 0 { a = min(a, -tau / dtau) }
                    if dkappa < 0 { a = min(a, -kappa / dkappa) }
                    return a
                }

                // Predictor (affine scaling).
                let aff = try direction(eta: 1, ds: lsq.map { -$0 }, dkappa: -tau * kappa, solved: first[1])
                let alphaAff = stepLength(aff.ds, aff.dz, aff.dtau, aff.dkappa)
                let sigma = min(1, max(0, pow(1 - alphaAff, 3)))
                // Corrector (Mehrotra): −λ∘λ − (W⁻¹Δs)∘(WΔz) + σμe.
                let wids = w.apply(aff.ds, power: -1)
                let wdz = w.apply(aff.dz, power: 1)
                var target = geometry.product(wids, wdz)
                let e = geometry.identity
                for i in 0..<ns { target[i] = -lsq[i] - target[i] + sigma * mu * e[i] }
                let dk = -tau * kappa - aff.dtau * aff.dkappa + sigma * mu
                var step = try direction(eta: 1 - sigma, ds: target, dkappa: dk)
                var alphaMax = stepLength(step.ds, step.dz, step.dtau, step.dkappa)
                if alphaMax < 1e-3 {
                    // The second-order correction can spoil the step when the predictor is poor: try a
                    // plain centring direction (σ ≥ 0.5, no corrector) and keep whichever goes further.
                    let sigmaC = max(sigma, 0.5)
                    var plain = lsq.map { -$0 }
                    for i in 0..<ns { plain[i] += sigmaC * mu * e[i] }
                    let alt = try direction(eta: 1 - sigmaC, ds: plain, dkappa: -tau * kappa + sigmaC * mu)
                    let altMax = stepLength(alt.ds, alt.dz, alt.dtau, alt.dkappa)
                    if altMax > alphaMax { step = alt; alphaMax = altMax }
                }
                let alpha = min(1, settings.stepFraction * alphaMax)
                if settings.verbose {
                    FileHandle.standardError.write(String(format: "    sigma %.2e alpha_aff %.2e alpha %.2e\n", sigma, alphaAff, alpha).data(using: .utf8)!)
                }
                if !(alpha > 1e-12) { return .numericalError }
                for i in 0..<nx { x[i] += alpha * step.dx[i] }
                for i in 0..<n { y[i] += alpha * step.dy[i] }
                for i in 0..<ns { z[i] += alpha * step.dz[i]; s[i] += alpha * step.ds[i] }
                tau += alpha * step.dtau
                kappa += alpha * step.dkappa
            } catch {
                if settings.verbose { FileHandle.standardError.write("newton system failed: \(error)\n".data(using: .utf8)!) }
                return .numericalError
            }
        }
    }

    /// Residuals of the homogeneous embedding at the current point (r_x, r_y, r_z, r_τ; with the quadratic
    /// term P x and xᵀPx).
    struct EmbeddingResiduals {
        var rx: [Double]
        var ry: [Double]
        var rz: [Double]
        var rtau: Double
        var px: [Double]?
        var xpx: Double
    }

    /// Computes the residuals and `metrics` at the current point and applies the stopping tests: `.solved`,
    /// a certificate (`.primalInfeasible`, `.dualInfeasible`) or `.maxIterations`, else nil (iterate on).
    mutating func evaluate(settings: SolverSettings) -> (SolverStatus?, EmbeddingResiduals) {
        let n = prog.n, nx = prog.nx, ns = prog.ns
        let bNorm = Vector.norm(prog.b), hNorm = Vector.norm(prog.h), cNorm = Vector.norm(prog.c)
        var ax = [Double](repeating: 0, count: n)
        var gx = [Double](repeating: 0, count: ns)
        var aty = [Double](repeating: 0, count: nx)
        prog.forward(x, ax: &ax, gx: &gx)
        prog.adjoint(y: y, z: z, into: &aty)
        // With the quadratic term ½xᵀPx (approx), as in Clarabel's embedding: r_x gains P x and r_τ
        // gains xᵀPx/τ.
        let px = prog.quadratic(x)
        let xpx = px.map { dot($0, x) } ?? 0
        var rx = aty, ry = prog.b, rz = gx
        for i in 0..<nx { rx[i] += prog.c[i] * tau }
        if let px { for i in 0..<nx { rx[i] += px[i] } }
        for i in 0..<n { ry[i] = prog.b[i] * tau - ax[i] }
        for i in 0..<ns { rz[i] += s[i] - prog.h[i] * tau }
        let cx = dot(prog.c, x), by = dot(prog.b, y), hz = dot(prog.h, z)
        let rtau = kappa + cx + by + hz + xpx / tau
        let residuals = EmbeddingResiduals(rx: rx, ry: ry, rz: rz, rtau: rtau, px: px, xpx: xpx)
        guard rx.allSatisfy(\.isFinite), ry.allSatisfy(\.isFinite), rz.allSatisfy(\.isFinite), rtau.isFinite else {
            metrics = Metrics()   // no measurement of this point: it meets no tolerance
            return (.numericalError, residuals)
        }
        // Stopping tests on (x, y, z, s)/τ.
        var pres = 0.0, cres = 0.0
        for i in 0..<n { let v = ax[i] / tau - prog.b[i]; pres += v * v }
        for i in 0..<ns { let v = (gx[i] + s[i]) / tau - prog.h[i]; cres += v * v }
        var dres = 0.0
        for i in 0..<nx { let v = (aty[i] + (px?[i] ?? 0)) / tau + prog.c[i]; dres += v * v }
        metrics.primalResidual = pres.squareRoot()
        metrics.coneResidual = cres.squareRoot()
        metrics.dualResidual = dres.squareRoot()
        let half = xpx / (2 * tau * tau)
        metrics.primalCost = cx / tau + half
        metrics.dualCost = -(by + hz) / tau - half
        let sz = dot(s, z) / (tau * tau)
        metrics.gap = max(abs(metrics.primalCost - metrics.dualCost), sz)
        if settings.verbose {
            let line = String(format: "%3d pcost %+.10e dcost %+.10e gap %.2e pres %.2e cres %.2e dres %.2e tau %.2e kappa %.2e\n",
                              iterations, metrics.primalCost, metrics.dualCost, metrics.gap, metrics.primalResidual,
                              metrics.coneResidual, metrics.dualResidual, tau, kappa)
            FileHandle.standardError.write(line.data(using: .utf8)!)
        }
        if meetsTolerances(feasibility: settings.feasibilityTolerance, gapAbsolute: settings.gapToleranceAbsolute,
                           gapRelative: settings.gapToleranceRelative) {
            return (.solved, residuals)
        }
        if by + hz < 0 {
            // Farkas certificate: Aᵀy + Gᵀz = 0, z ∈ K*, bᵀy + hᵀz < 0.
            if Vector.norm(aty) / (-(by + hz)) <= settings.infeasibilityTolerance * (1 + cNorm) {
                return (.primalInfeasible, residuals)
            }
        }
        if cx < 0 {
            // Unbounded direction: Ax = 0, Gx + s = 0, s ∈ K, P x = 0, cᵀx < 0.
            var r = Vector.maxAbs(px ?? [])
            for i in 0..<n { r = max(r, abs(ax[i])) }
            for i in 0..<ns { r = max(r, abs(gx[i] + s[i])) }
            if r / (-cx) <= settings.infeasibilityTolerance * (1 + bNorm + hNorm) { return (.dualInfeasible, residuals) }
        }
        if iterations >= settings.maxIterations { return (.maxIterations, residuals) }
        return (nil, residuals)
    }

    /// Whether the point last measured by `evaluate` passes its stopping tests for `.solved` with these
    /// tolerances: primal, cone and dual residuals relative to `1 + ‖b‖`, `1 + ‖h‖`, `1 + ‖c‖`; the gap
    /// absolute or relative to `max(1, min(|primal|, |dual|))`.
    func meetsTolerances(feasibility: Double, gapAbsolute: Double, gapRelative: Double) -> Bool {
        let gapRel = metrics.gap / max(1, min(abs(metrics.primalCost), abs(metrics.dualCost)))
        return metrics.primalResidual <= feasibility * (1 + Vector.norm(prog.b))
            && metrics.coneResidual <= feasibility * (1 + Vector.norm(prog.h))
            && metrics.dualResidual <= feasibility * (1 + Vector.norm(prog.c))
            && (metrics.gap <= gapAbsolute || gapRel <= gapRelative)
    }

    /// `meetsTolerances` with one tolerance for all three tests.
    func meetsTolerances(_ tolerance: Double) -> Bool {
        meetsTolerances(feasibility: tolerance, gapAbsolute: tolerance, gapRelative: tolerance)
    }

    /// The result in the program's terms.
    func result(status: SolverStatus, program: GroupNormProgram) -> SolverResult {
        let n = prog.n
        let scale = tau > 0 ? 1 / tau : 1
        let xs = x.map { $0 * scale }
        var solution = SolutionBlocks(w0: nil, u: nil, v: nil, w: nil, firstLayerMaps: [])
        let internalCount = prog.skipBlock ?? prog.patterns.count
        var pos = [[Double]](repeating: [], count: internalCount)
        var neg = [[Double]](repeating: [], count: internalCount)
        var normSum = 0.0
        for blk in prog.blocks {
            let w = Array(xs[(blk.x + 1)..<(blk.x + 1 + blk.dim)])
            normSum += Vector.norm(w)
            if let sk = prog.skipBlock, blk.pattern == sk { solution.w0 = w; continue }
            if blk.sign > 0 { pos[blk.pattern] = w } else { neg[blk.pattern] = w }
        }
        var us: [[Double]] = [], vs: [[Double]] = [], maps: [[Double]] = []
        for rep in prog.representative {
            guard let rep else {
                us.append([Double](repeating: 0, count: prog.d)); maps.append([]); continue
            }
            if rep >= 0 {
                us.append(pos[rep]); vs.append(neg[rep]); maps.append(prog.patterns[rep].map ?? [])
            } else {
                let j = -1 - rep
                us.append([Double](repeating: 0, count: prog.patterns[j].rank))
                vs.append([Double](repeating: 0, count: prog.patterns[j].rank))
                maps.append(prog.patterns[j].map ?? [])
            }
        }
        if prog.formulation == .relaxed { solution.w = us } else { solution.u = us; solution.v = vs }
        if prog.model == .normalized { solution.firstLayerMaps = maps }
        var ax = [Double](repeating: 0, count: n)
        var gx = [Double](repeating: 0, count: prog.ns)
        prog.forward(xs, ax: &ax, gx: &gx)
        var objective = normSum
        if let res = prog.residual {
            // ‖Σ … − y‖² with the residual variable removed from the equality rows.
            var fit = 0.0
            for i in 0..<n {
                let v = ax[i] + res.scale * xs[res.x + i] - prog.b[i]
                fit += v * v
            }
            objective = fit + program.beta * normSum
        }
        var eq = 0.0
        for i in 0..<n { let v = ax[i] - prog.b[i]; eq += v * v }
        // Cone violation of the point h − Gx.
        var slack = [Double](repeating: 0, count: prog.ns)
        for i in 0..<prog.ns { slack[i] = prog.h[i] - gx[i] }
        var violation = 0.0
        for i in prog.lpRange { violation = max(violation, -slack[i]) }
        for (o, dim) in prog.socSegments {
            var ss = 0.0
            for j in 1..<dim { ss += slack[o + j] * slack[o + j] }
            violation = max(violation, ss.squareRoot() - slack[o])
        }
        let residuals = SolverResiduals(primalEquality: eq.squareRoot(), dual: metrics.dualResidual,
                                        gap: metrics.gap, coneViolation: max(violation, 0))
        let dualObjective = metrics.dualCost * prog.objectiveScale
        return SolverResult(status: status, objective: objective, dualObjective: dualObjective, solution: solution,
                            equalityDual: y.map { -$0 * scale * prog.objectiveScale }, residuals: residuals,
                            iterations: iterations, seconds: 0,
                            size: ProblemSize(variables: prog.nx, equalities: n, linearConeRows: prog.lpRange.count,
                                              secondOrderCones: prog.socSegments.count))
    }
}
