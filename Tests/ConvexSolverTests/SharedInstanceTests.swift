import ConvexSolver
import Foundation
import InstanceFormat
import LinearAlgebra
import ModelKinds
import Testing

/// Every shared instance (CVXPY + Clarabel reference values) solves to the same optimum.
@Suite struct SharedInstanceTests {
    @Test func fixturesArePresent() {
        #expect(Fixtures.instanceFiles.count >= 12)
    }

    @Test(arguments: Fixtures.instanceFiles.map(\.lastPathComponent))
    func solvesLikeTheReference(_ name: String) throws {
        let instance = try ProblemInstance.read(from: Fixtures.instancesFolder.appendingPathComponent(name))
        let program = try Fixtures.program(instance)
        let result = try InteriorPointSolver().solve(program)
        #expect(result.status == .solved, "\(name): \(result.status)")
        let reference = try #require(instance.reference?.objective)

        // Objective, recomputed from the returned blocks, within 1e−6 relative of the reference.
        let objective = Check.objective(program, result.solution)
        #expect(abs(objective - reference) <= 1e-6 * abs(reference), "\(name): \(objective) vs \(reference)")
        #expect(abs(result.objective - objective) <= 1e-12 * max(1, abs(objective)))

        // Feasibility, recomputed.
        let yNorm = Vector.norm(program.y)
        if program.formulation != .approx {
            let residual = Vector.norm(Vector.subtract(Check.fit(program, result.solution), program.y))
            #expect(residual <= 1e-8 * (1 + yNorm), "\(name): equality residual \(residual)")
        }
        #expect(result.residuals.primalEquality <= 1e-8 * (1 + yNorm))
        #expect(Check.coneViolation(program, result.solution) <= 1e-9, "\(name): cone violation")
        #expect(result.residuals.coneViolation <= 1e-9)

        // docs/science.md §4 recovery verdict for skip: w₀ ≈ w* and every other weight ≈ 0 (max-abs 1e−4).
        if program.model == .skip, let recovered = instance.reference?.recovered {
            let w0 = try #require(result.solution.w0)
            let planted = try #require(instance.planted.first)
            let ours = Vector.maxAbs(Vector.subtract(w0, planted)) <= 1e-4
                && Check.otherWeightsMaxAbs(result.solution) <= 1e-4
            #expect(ours == recovered, "\(name): recovered \(ours), reference \(recovered)")
        }
    }
}
