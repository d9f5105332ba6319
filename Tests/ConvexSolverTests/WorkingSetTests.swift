import ConvexSolver
import Foundation
import LinearAlgebra
import ModelKinds
import Testing

/// Programs with many patterns are solved on a working set first (`SolverSettings.workingSet`). These tests
/// compare that path with the direct solve of the whole program and check its answers independently.
@Suite struct WorkingSetTests {
    /// A relaxed program (n = 100, d = 10) with 80 patterns: y from one planted ReLU neuron (sparse optimum) or, with `noisy`,
    /// Gaussian labels (dense optimum: many patterns carry weight, several rounds or the direct solve).
    static func program(_ model: LearnedModel, noisy: Bool, seed: UInt64, formulation: Formulation = .relaxed,
                        n: Int = 100, d: Int = 10) throws -> GroupNormProgram {
        var rng = TestRandom(seed: seed)
        let X = rng.matrix(n, d, scale: 1 / Double(n).squareRoot())
        let u = (0..<d).map { _ in rng.gaussian() }
        let planted = X.times(u).map { max($0, 0) }
        let y = noisy ? (0..<n).map { _ in rng.gaussian() / Double(n).squareRoot() } : planted
        var patterns = [planted.map { $0 > 0 }]
        patterns += rng.patterns(X, count: 120).filter { $0 != patterns[0] }
        return try GroupNormProgram(model: model, formulation: formulation, X: X, y: y, patterns: Array(patterns.prefix(80)))
    }

    static func solve(_ program: GroupNormProgram, workingSet: Bool) throws -> SolverResult {
        var settings = SolverSettings()
        settings.workingSet = workingSet
        return try InteriorPointSolver(settings: settings).solve(program)
    }

    /// Both paths end `solved` at the same objective, and the working-set answer is checked from its blocks:
    /// the fit reproduces y and the objective is the sum of the returned norms.
    @Test(arguments: [LearnedModel.plain, .skip, .normalized], [false, true])
    func agreesWithTheDirectSolve(_ model: LearnedModel, noisy: Bool) throws {
        let program = try Self.program(model, noisy: noisy, seed: 41)
        let fast = try Self.solve(program, workingSet: true)
        let direct = try Self.solve(program, workingSet: false)
        #expect(fast.status == .solved)
        #expect(direct.status == .solved)
        #expect(abs(fast.objective - direct.objective) <= 1e-8 * max(1, direct.objective))
        let fit = Check.fit(program, fast.solution)
        #expect(Vector.maxAbs(Vector.subtract(fit, program.y)) <= 1e-8 * (1 + Vector.norm(program.y)))
        #expect(abs(Check.objective(program, fast.solution) - fast.objective) <= 1e-12 * max(1, fast.objective))
        #expect(fast.residuals.dual <= 1e-9 * (1 + Double(program.patterns.count).squareRoot()))
    }

    /// With a planted neuron the optimum uses few patterns: the working set finishes on its own (the patterns
    /// left out of it carry exact zeros, which a direct interior-point solve never returns).
    @Test(arguments: [LearnedModel.plain, .normalized])
    func sparseOptimumFinishesOnTheWorkingSet(_ model: LearnedModel) throws {
        let program = try Self.program(model, noisy: false, seed: 42)
        let fast = try Self.solve(program, workingSet: true)
        let direct = try Self.solve(program, workingSet: false)
        let exactZeros = { (r: SolverResult) in (r.solution.w ?? []).filter { $0.allSatisfy { $0 == 0 } }.count }
        #expect(fast.status == .solved)
        #expect(exactZeros(fast) >= program.patterns.count / 2)
        #expect(exactZeros(direct) == 0)
    }

    /// Row 0 is inactive in every pattern (no skip connection) and y₀ = 1: the subproblems' Farkas
    /// certificates are checked on the whole program, which is infeasible too.
    @Test func unreachableLabelIsPrimalInfeasible() throws {
        var rng = TestRandom(seed: 43)
        let X = rng.matrix(40, 4)
        var patterns = rng.patterns(X, count: 120)
        for i in patterns.indices { patterns[i][0] = false }
        patterns = Array(Set(patterns)).sorted { $0.description < $1.description }
        #expect(patterns.count >= 32)
        var y = X.times([1, -1, 0.5, 0.25]).map { max($0, 0) }
        y[0] = 1
        let program = try GroupNormProgram(model: .plain, formulation: .relaxed, X: X, y: y, patterns: patterns)
        #expect(try Self.solve(program, workingSet: true).status == .primalInfeasible)
        #expect(try Self.solve(program, workingSet: false).status == .primalInfeasible)
    }

    /// The iteration limit holds for each interior-point solve: a round that reaches it hands over to the direct
    /// solve, whose status is the answer's, and the result counts the iterations of both.
    @Test(arguments: [false, true])
    func iterationLimitHoldsPerSolve(noisy: Bool) throws {
        let program = try Self.program(.plain, noisy: noisy, seed: 44)
        var settings = SolverSettings()
        settings.maxIterations = 3
        let result = try InteriorPointSolver(settings: settings).solve(program)
        settings.workingSet = false
        let direct = try InteriorPointSolver(settings: settings).solve(program)
        #expect(result.status == .maxIterations)
        #expect(direct.status == .maxIterations)
        #expect(result.iterations == 6)
    }

    /// Exact and approx programs (ReLU cones; the left-out blocks' duals need cone multipliers, found by
    /// non-negative least squares): the same status and objective as the direct solve, the fit and the cones
    /// checked from the returned blocks. n = 60, d = 6, 80 patterns; planted (sparse optimum) or Gaussian labels.
    @Test(arguments: [LearnedModel.plain, .skip, .normalized], [Formulation.exact, .approx])
    func coneProgramsAgreeWithTheDirectSolve(_ model: LearnedModel, _ formulation: Formulation) throws {
        for noisy in [false, true] {
            let program = try Self.program(model, noisy: noisy, seed: 45, formulation: formulation, n: 60, d: 6)
            let fast = try Self.solve(program, workingSet: true)
            let direct = try Self.solve(program, workingSet: false)
            #expect(fast.status == direct.status, "\(model) \(formulation) noisy \(noisy)")
            if formulation == .approx { #expect(fast.status == .solved) }  // always feasible
            guard fast.status == .solved, direct.status == .solved else { continue }
            #expect(abs(fast.objective - direct.objective) <= 1e-6 * direct.objective, "\(model) \(formulation) noisy \(noisy)")
            #expect(abs(Check.objective(program, fast.solution) - fast.objective) <= 1e-10 * fast.objective)
            #expect(Check.coneViolation(program, fast.solution) <= 1e-9 * (1 + Vector.maxAbs(program.X.storage)))
            if formulation == .exact {
                let fit = Check.fit(program, fast.solution)
                #expect(Vector.maxAbs(Vector.subtract(fit, program.y)) <= 1e-8 * (1 + Vector.norm(program.y)))
            }
        }
    }

    /// A planted neuron: an exact program finishes on the working set, with exact zeros in the blocks left out.
    @Test(arguments: [LearnedModel.plain, .normalized])
    func sparseExactOptimumFinishesOnTheWorkingSet(_ model: LearnedModel) throws {
        let program = try Self.program(model, noisy: false, seed: 46, formulation: .exact, n: 60, d: 6)
        let fast = try Self.solve(program, workingSet: true)
        #expect(fast.status == .solved)
        let zeros = zip(fast.solution.u ?? [], fast.solution.v ?? []).filter { u, v in
            u.allSatisfy { $0 == 0 } && v.allSatisfy { $0 == 0 }
        }.count
        #expect(zeros >= program.patterns.count / 2)
    }
}
