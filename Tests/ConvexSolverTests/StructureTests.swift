import ConvexSolver
import Foundation
import LinearAlgebra
import ModelKinds
import Testing

/// Programs with awkward structure: rank-deficient X, duplicated patterns, n < d, planted optima.
@Suite struct StructureTests {
    /// For relaxed programs the returned multipliers λ certify optimality on their own:
    /// ‖Aᵢᵀλ‖ ≤ 1 for every block (dual feasibility) and λᵀy = objective (no gap).
    private func expectDualCertificate(_ program: GroupNormProgram, _ result: SolverResult,
                                       sourceLocation: SourceLocation = #_sourceLocation) {
        let lambda = result.equalityDual
        var worst = 0.0
        if program.model == .skip { worst = Vector.norm(program.X.times(lambda, .transpose)) }
        for (i, h) in program.patterns.enumerated() {
            let masked = zip(lambda, h).map { $1 ? $0 : 0 }
            var g = program.X.times(masked, .transpose)
            if program.model == .normalized {
                let t = result.solution.firstLayerMaps[i]
                let r = t.count / program.d
                g = (0..<r).map { j in (0..<program.d).reduce(0.0) { $0 + t[$1 + j * program.d] * g[$1] } }
            }
            worst = max(worst, Vector.norm(g))
        }
        #expect(worst <= 1 + 1e-6, "dual infeasibility \(worst)", sourceLocation: sourceLocation)
        let dual = Vector.dot(lambda, program.y)
        #expect(abs(dual - result.objective) <= 1e-7 * max(1, result.objective), "gap \(dual) vs \(result.objective)",
                sourceLocation: sourceLocation)
    }

    @Test func rankDeficientX() throws {
        var rng = TestRandom(seed: 21)
        var X = rng.matrix(30, 5, scale: 1 / 30.0.squareRoot())
        for i in 0..<30 { X[i, 4] = X[i, 0] - X[i, 2] }   // rank 4
        let y = X.times([0.5, -1, 0.25, 0, 0])
        let patterns = rng.patterns(X, count: 30)
        for formulation in [Formulation.relaxed, .exact] {
            let program = try GroupNormProgram(model: .skip, formulation: formulation, X: X, y: y, patterns: patterns)
            let result = try InteriorPointSolver().solve(program)
            #expect(result.status == .solved)
            let residual = Vector.norm(Vector.subtract(Check.fit(program, result.solution), y))
            #expect(residual <= 1e-8 * (1 + Vector.norm(y)))
            // The least-norm linear fit is feasible, so it bounds the optimum.
            let leastNorm = try LeastSquares(X, y).solution.storage
            #expect(result.objective <= Vector.norm(leastNorm) + 1e-8)
            if formulation == .relaxed { expectDualCertificate(program, result) }
        }
    }

    /// Repeating every pattern changes nothing: splitting a weight between copies never lowers Σ‖·‖.
    @Test(arguments: [Formulation.relaxed, .exact])
    func duplicatedPatterns(_ formulation: Formulation) throws {
        var rng = TestRandom(seed: 22)
        let X = rng.matrix(25, 4, scale: 1 / 5.0)
        let y = X.times([1, 0, -0.5, 0.25]).map { max($0, 0) }
        let patterns = rng.patterns(X, count: 20)
        let once = try InteriorPointSolver().solve(try GroupNormProgram(model: .plain, formulation: formulation, X: X, y: y,
                                                                        patterns: patterns))
        let twice = try InteriorPointSolver().solve(try GroupNormProgram(model: .plain, formulation: formulation, X: X, y: y,
                                                                         patterns: patterns + patterns))
        #expect(once.status == .solved)
        #expect(twice.status == .solved)
        #expect(abs(once.objective - twice.objective) <= 1e-7 * max(1, once.objective))
        // The copies carry no weight: each distinct pattern is solved once.
        let copies = Array((twice.solution.w ?? twice.solution.u ?? [])[patterns.count...])
        #expect(copies.count == patterns.count)
        #expect(copies.allSatisfy { Vector.maxAbs($0) == 0 })
        let fit = Vector.norm(Vector.subtract(Check.fit(try GroupNormProgram(model: .plain, formulation: formulation, X: X, y: y,
                                                                             patterns: patterns + patterns), twice.solution), y))
        #expect(fit <= 1e-8 * (1 + Vector.norm(y)))
    }

    @Test(arguments: [LearnedModel.skip, .plain, .normalized])
    func fewerSamplesThanFeatures(_ model: LearnedModel) throws {
        var rng = TestRandom(seed: 23)
        let X = rng.matrix(8, 20, scale: 1 / 8.0.squareRoot())
        let y = (0..<8).map { _ in abs(rng.gaussian()) }
        var patterns = rng.patterns(X, count: 30)
        if !patterns.contains(where: { $0.allSatisfy { $0 } }) { patterns.append([Bool](repeating: true, count: 8)) }
        for formulation in [Formulation.relaxed, .exact] {
            let program = try GroupNormProgram(model: model, formulation: formulation, X: X, y: y, patterns: patterns)
            let result = try InteriorPointSolver().solve(program)
            #expect(result.status == .solved, "\(model)/\(formulation): \(result.status)")
            let residual = Vector.norm(Vector.subtract(Check.fit(program, result.solution), y))
            #expect(residual <= 1e-8 * (1 + Vector.norm(y)))
            #expect(Check.coneViolation(program, result.solution) <= 1e-9)
            if formulation == .relaxed { expectDualCertificate(program, result) }
        }
    }

    /// Normalized patterns with fewer active rows than features have rank rᵢ < d blocks.
    @Test func normalizedRankDeficientBlocks() throws {
        var rng = TestRandom(seed: 24)
        let X = rng.matrix(12, 6, scale: 0.3)
        let y = (0..<12).map { _ in rng.gaussian() }
        let patterns = rng.patterns(X, count: 40)
        let program = try GroupNormProgram(model: .normalized, formulation: .relaxed, X: X, y: y, patterns: patterns)
        let result = try InteriorPointSolver().solve(program)
        #expect(result.status == .solved)
        #expect(result.solution.w!.contains { $0.count < 6 })
        let residual = Vector.norm(Vector.subtract(Check.fit(program, result.solution), y))
        #expect(residual <= 1e-8 * (1 + Vector.norm(y)))
        expectDualCertificate(program, result)
    }

    /// Skip/relaxed with a planted linear model and orthonormal columns: XᵀDᵢX ⪯ I makes the planted
    /// linear model the unique optimum (the neural isometry condition holds), so w₀ = w*, the rest 0.
    @Test(arguments: [Formulation.relaxed, .exact])
    func plantedLinearModelIsRecovered(_ formulation: Formulation) throws {
        var rng = TestRandom(seed: 25)
        let G = rng.matrix(120, 5)
        let X = try SingularValueDecomposition(G, kind: .thin).u
        var wStar = (0..<5).map { _ in rng.gaussian() }
        let norm = Vector.norm(wStar)
        wStar = wStar.map { $0 / norm }
        let y = X.times(wStar)
        let program = try GroupNormProgram(model: .skip, formulation: formulation, X: X, y: y,
                                           patterns: rng.patterns(X, count: 60))
        let result = try InteriorPointSolver().solve(program)
        #expect(result.status == .solved)
        #expect(abs(result.objective - 1) <= 1e-7)
        let w0 = try #require(result.solution.w0)
        #expect(Vector.maxAbs(Vector.subtract(w0, wStar)) <= 1e-6)
        #expect(Check.otherWeightsMaxAbs(result.solution) <= 1e-6)
    }

    /// The BLAS thread count changes round-off only.
    /// Two BLAS threads split the per-block work (factorizations, the normalized bases and their products,
    /// with at least 64 blocks) into chunks: the answer must agree with one thread's to round-off.
    @Test(arguments: [(LearnedModel.plain, Formulation.exact), (.normalized, .relaxed), (.normalized, .exact)])
    func threadCountDoesNotChangeTheAnswer(model: LearnedModel, formulation: Formulation) throws {
        var rng = TestRandom(seed: 26)
        let X = rng.matrix(80, 10, scale: 1 / 80.0.squareRoot())
        let y = X.times((0..<10).map { _ in rng.gaussian() }).map { max($0, 0) }
        let patterns = rng.patterns(X, count: 120)
        #expect(patterns.count >= 64)
        let program = try GroupNormProgram(model: model, formulation: formulation, X: X, y: y, patterns: patterns)
        let before = BLASThreads.current
        defer { BLASThreads.set(before) }
        BLASThreads.set(1)
        let one = try InteriorPointSolver().solve(program)
        BLASThreads.set(2)
        let two = try InteriorPointSolver().solve(program)
        #expect(one.status == .solved && two.status == .solved)
        #expect(abs(one.objective - two.objective) <= 1e-8 * max(1, one.objective))
    }

    /// The normalized bases Tᵢ = VᵢΣᵢ⁻¹ (from the Gram eigendecomposition when DᵢX is well conditioned, else
    /// from the SVD): DᵢX Tᵢ has orthonormal columns, Tᵢ has orthogonal columns, and the kept rank is DᵢX's.
    @Test func normalizedBasesAreOrthonormalImages() throws {
        var rng = TestRandom(seed: 31)
        let n = 40, d = 8
        let X = rng.matrix(n, d, scale: 1 / Double(n).squareRoot())
        var patterns = rng.patterns(X, count: 30)
        // Also a pattern with fewer active rows than d (SVD path, rank 5) and one with exactly d.
        patterns.append((0..<n).map { $0 < 5 })
        patterns.append((0..<n).map { $0 >= n - d })
        let y = X.times((0..<d).map { _ in rng.gaussian() }).map { max($0, 0) }
        let program = try GroupNormProgram(model: .normalized, formulation: .relaxed, X: X, y: y, patterns: patterns)
        let result = try InteriorPointSolver().solve(program)
        #expect(result.status == .solved)
        for (i, h) in patterns.enumerated() {
            let t = result.solution.firstLayerMaps[i]
            let r = t.count / d
            let active = h.indices.filter { h[$0] }
            #expect(r == min(active.count, d), "pattern \(i): rank \(r)")
            // U = (DX) T on the active rows.
            var u = [Double](repeating: 0, count: active.count * r)
            for j in 0..<r { for (a, row) in active.enumerated() {
                u[a + j * active.count] = (0..<d).reduce(0.0) { $0 + X[row, $1] * t[$1 + j * d] }
            } }
            var worst = 0.0, offDiagonal = 0.0
            for j in 0..<r { for k in 0..<r {
                let uu = (0..<active.count).reduce(0.0) { $0 + u[$1 + j * active.count] * u[$1 + k * active.count] }
                worst = max(worst, abs(uu - (j == k ? 1 : 0)))
                if j != k {
                    let tt = (0..<d).reduce(0.0) { $0 + t[$1 + j * d] * t[$1 + k * d] }
                    let scale = (0..<d).reduce(0.0) { $0 + t[$1 + j * d] * t[$1 + j * d] }
                    offDiagonal = max(offDiagonal, abs(tt) / scale)
                }
            } }
            #expect(worst <= 1e-10, "pattern \(i): UᵀU − I = \(worst)")
            #expect(offDiagonal <= 1e-10, "pattern \(i): columns of T not orthogonal (\(offDiagonal))")
        }
    }
}
