import ConvexSolver
import Foundation
import LinearAlgebra
import ModelKinds
import Testing

/// One test per way a solve can end, on small programs whose answer is known independently.
@Suite struct StatusTests {
    /// Row 0 is inactive in every pattern and there is no skip connection, so y₀ ≠ 0 cannot be matched.
    @Test(arguments: [Formulation.relaxed, .exact])
    func unreachableLabelIsPrimalInfeasible(_ formulation: Formulation) throws {
        var rng = TestRandom(seed: 11)
        let X = rng.matrix(12, 3)
        var patterns = rng.patterns(X, count: 20)
        for i in patterns.indices { patterns[i][0] = false }
        patterns = Array(Set(patterns)).sorted { $0.description < $1.description }
        var y = [Double](repeating: 0, count: 12)
        y[0] = 1
        let program = try GroupNormProgram(model: .plain, formulation: formulation, X: X, y: y, patterns: patterns)
        let result = try InteriorPointSolver().solve(program)
        #expect(result.status == .primalInfeasible)
    }

    /// y = 0: the optimum is 0 with all weights 0.
    @Test(arguments: [LearnedModel.plain, .skip, .normalized], [Formulation.exact, .relaxed, .approx])
    func zeroLabelsSolveToZero(_ model: LearnedModel, _ formulation: Formulation) throws {
        var rng = TestRandom(seed: 12)
        let X = rng.matrix(15, 4, scale: 1 / 15.0.squareRoot())
        let program = try GroupNormProgram(model: model, formulation: formulation, X: X, y: [Double](repeating: 0, count: 15),
                                           patterns: rng.patterns(X, count: 15))
        let result = try InteriorPointSolver().solve(program)
        #expect(result.status == .solved)
        #expect(abs(result.objective) <= 1e-8)
        #expect(Check.otherWeightsMaxAbs(result.solution) <= 1e-7)
        #expect(Vector.maxAbs(result.solution.w0 ?? []) <= 1e-7)
    }

    /// With two iterations allowed the solve stops there and says so.
    @Test func iterationLimitIsReported() throws {
        var rng = TestRandom(seed: 13)
        let X = rng.matrix(20, 4, scale: 1 / 20.0.squareRoot())
        let y = X.times([1, -1, 0.5, 0])
        var settings = SolverSettings()
        settings.maxIterations = 2
        let program = try GroupNormProgram(model: .skip, formulation: .exact, X: X, y: y, patterns: rng.patterns(X, count: 20))
        let result = try InteriorPointSolver(settings: settings).solve(program)
        #expect(result.status == .maxIterations)
        #expect(result.iterations == 2)
        #expect(result.acceptedAfter == nil)
    }

    /// A solve that cannot meet its tolerances (0 here: never) stops at its iteration limit or when its steps
    /// collapse; its last point counts as solved when it meets `acceptableTolerance`, and the result says after
    /// which stop. Its objective is the one a normal solve finds. With `acceptableTolerance = 0` the stop is the
    /// status.
    @Test(arguments: [(LearnedModel.skip, Formulation.exact), (.normalized, .approx), (.plain, .relaxed)])
    func stalledSolveIsAcceptedWithinTheAcceptableTolerance(_ model: LearnedModel, _ formulation: Formulation) throws {
        var rng = TestRandom(seed: 15)
        let X = rng.matrix(24, 4, scale: 1 / 24.0.squareRoot())
        let planted = [1.0, -1, 0.5, 0]
        let y = X.times(planted).map { max($0, 0) + 0.05 * rng.gaussian() }
        let program = try GroupNormProgram(model: model, formulation: formulation, X: X, y: y,
                                           patterns: rng.patterns(X, count: 24))
        let normal = try InteriorPointSolver().solve(program)
        #expect(normal.status == .solved)
        #expect(normal.acceptedAfter == nil)

        var settings = SolverSettings()
        settings.feasibilityTolerance = 0
        settings.gapToleranceAbsolute = 0
        settings.gapToleranceRelative = 0
        settings.maxIterations = 60
        let accepted = try InteriorPointSolver(settings: settings).solve(program)
        #expect(accepted.status == .solved)
        let stop = try #require(accepted.acceptedAfter)
        #expect(stop == .maxIterations || stop == .numericalError)
        #expect(abs(accepted.objective - normal.objective) <= 1e-7 * max(1, abs(normal.objective)),
                "\(accepted.objective) vs \(normal.objective)")
        #expect(accepted.residuals.gap <= 1e-8 * max(1, abs(normal.objective / (formulation == .approx ? program.beta : 1))))

        settings.acceptableTolerance = 0
        let strict = try InteriorPointSolver(settings: settings).solve(program)
        #expect(strict.status == stop, "\(strict.status)")
        #expect(strict.acceptedAfter == nil)
    }

    /// `dualInfeasible` (unbounded objective) cannot happen: every program's objective is a sum of
    /// norms (plus a square), bounded below by 0. What can be checked is the reason: the dual objective
    /// of a solved program is a certified lower bound ≥ 0 − tolerance, and no random program ends
    /// with `dualInfeasible`.
    @Test(arguments: [LearnedModel.plain, .skip, .normalized])
    func objectiveIsBoundedBelow(_ model: LearnedModel) throws {
        var rng = TestRandom(seed: 14)
        let X = rng.matrix(16, 3, scale: 0.25)
        let y = (0..<16).map { _ in rng.gaussian() }
        let program = try GroupNormProgram(model: model, formulation: .approx, beta: 1e-3, X: X, y: y,
                                           patterns: rng.patterns(X, count: 16))
        let result = try InteriorPointSolver().solve(program)
        #expect(result.status == .solved)
        #expect(result.dualObjective >= -1e-8)
        #expect(result.dualObjective <= result.objective + 1e-8 * max(1, result.objective))
    }

    /// A malformed program is rejected before solving.
    @Test func inconsistentInputIsRejected() {
        let X = Matrix(rows: 3, cols: 2, repeating: 1)
        #expect(throws: ProgramError.self) {
            try GroupNormProgram(model: .plain, formulation: .relaxed, X: X, y: [1, 2], patterns: [[true, true, true]])
        }
        #expect(throws: ProgramError.self) {
            try GroupNormProgram(model: .plain, formulation: .relaxed, X: X, y: [1, 2, 3], patterns: [[true, false]])
        }
        #expect(throws: ProgramError.self) {
            try GroupNormProgram(model: .plain, formulation: .gd, X: X, y: [1, 2, 3], patterns: [[true, true, true]])
        }
    }
}
