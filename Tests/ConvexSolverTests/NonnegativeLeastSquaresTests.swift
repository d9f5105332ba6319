import Foundation
import ConvexSolver
import LinearAlgebra
import Testing

/// `NonnegativeLeastSquares` checked against what defines its answer: the KKT conditions of
/// min ½‖b − A x‖² over x ≥ 0 (x ≥ 0; w = Aᵀ(b − A x) ≤ 0 everywhere, = 0 where x > 0), recomputed here from
/// A, b and x, and a closed form.
@Suite struct NonnegativeLeastSquaresTests {
    static func kktViolation(_ a: [Double], rows m: Int, cols k: Int, b: [Double], x: [Double]) -> Double {
        var r = b
        for j in 0..<k { for i in 0..<m { r[i] -= a[i + j * m] * x[j] } }
        var worst = 0.0
        for j in 0..<k {
            var w = 0.0
            for i in 0..<m { w += a[i + j * m] * r[i] }
            worst = max(worst, -x[j], x[j] > 0 ? abs(w) : max(w, 0))
        }
        return worst
    }

    /// Wide (more columns than rows, as the ReLU-cone duals: rᵢ × n) and tall problems, solved to optimality.
    @Test(arguments: [(10, 40, 1 as UInt64), (30, 120, 2), (50, 20, 3), (100, 400, 4)])
    func solutionsSatisfyTheKKTConditions(_ m: Int, _ k: Int, _ seed: UInt64) {
        var rng = TestRandom(seed: seed)
        let a = (0..<(m * k)).map { _ in rng.gaussian() }
        let b = (0..<m).map { _ in rng.gaussian() }
        let s = a.withUnsafeBufferPointer { NonnegativeLeastSquares.solve(a: $0.baseAddress!, rows: m, cols: k, b: b) }
        #expect(s.outcome == .optimal)
        #expect(Self.kktViolation(a, rows: m, cols: k, b: b, x: s.x) <= 1e-10 * Double(k))
        var r = b
        for j in 0..<k { for i in 0..<m { r[i] -= a[i + j * m] * s.x[j] } }
        #expect(abs(Vector.norm(r) - s.residualNorm) <= 1e-12 * (1 + Vector.norm(b)))
    }

    /// A = I: x = max(b, 0), residual min(b, 0).
    @Test func identityIsThePositivePart() {
        let b = [1.5, -2, 0.25, -0.5, 3]
        let m = b.count
        var a = [Double](repeating: 0, count: m * m)
        for i in 0..<m { a[i + i * m] = 1 }
        let s = a.withUnsafeBufferPointer { NonnegativeLeastSquares.solve(a: $0.baseAddress!, rows: m, cols: m, b: b) }
        #expect(s.outcome == .optimal)
        for i in 0..<m {
            #expect(abs(s.x[i] - max(b[i], 0)) <= 1e-14)
            #expect(abs(s.residual[i] - min(b[i], 0)) <= 1e-14)
        }
    }

    /// With a target the solve stops early at a feasible x whose true residual is below it, and a target below
    /// the optimum is reported as not reached.
    @Test func stopsAtTheTarget() {
        var rng = TestRandom(seed: 9)
        let m = 40, k = 160
        let a = (0..<(m * k)).map { _ in rng.gaussian() }
        let b = (0..<m).map { _ in rng.gaussian() }
        let full = a.withUnsafeBufferPointer { NonnegativeLeastSquares.solve(a: $0.baseAddress!, rows: m, cols: k, b: b) }
        let target = 0.5 * (Vector.norm(b) + full.residualNorm)
        let early = a.withUnsafeBufferPointer {
            NonnegativeLeastSquares.solve(a: $0.baseAddress!, rows: m, cols: k, b: b, target: target)
        }
        #expect(early.outcome == .reachedTarget)
        #expect(early.steps < full.steps)
        #expect(early.x.allSatisfy { $0 >= 0 })
        var r = b
        for j in 0..<k { for i in 0..<m { r[i] -= a[i + j * m] * early.x[j] } }
        #expect(Vector.norm(r) <= target)
        let below = a.withUnsafeBufferPointer {
            NonnegativeLeastSquares.solve(a: $0.baseAddress!, rows: m, cols: k, b: b, target: 0.9 * full.residualNorm)
        }
        #expect(below.outcome == .optimal)
    }
}
