import CellEvaluation
import Testing
@testable import Pipeline

/// The agreement rules of `verify`: verdicts exact, objectives and conditions tight, a convex
/// solution's metrics loose (non-unique optima), training in between.
struct FigureVerifierTests {
    let recorded: [String: Double] = ["recovery": 0, "objective": 1.25, "test_distance": 1.3466, "cosine": 0.3035,
                                      "seconds": 0.5, "iterations": 20]

    func recomputed(_ edit: (inout [String: Double]) -> Void) -> CellResult {
        var metrics = recorded
        edit(&metrics)
        return CellResult(status: "solved", metrics: metrics)
    }

    @Test func convexSolutionMetricsMayMoveObjectivesAndVerdictsMayNot() {
        // A different optimal point (as between BLAS kernels at n = d = 10): 0.5 % on the distance.
        #expect(FigureVerifier.compare(recorded: recorded, recomputed: recomputed { $0["test_distance"] = 1.3533 }, kind: .convex) == nil)
        // Seconds and iterations are the machine's, never compared.
        #expect(FigureVerifier.compare(recorded: recorded, recomputed: recomputed { $0["seconds"] = 9; $0["iterations"] = 21 }, kind: .convex) == nil)
        // The objective is unique: 1e-4 off is a difference.
        let objective = FigureVerifier.compare(recorded: recorded, recomputed: recomputed { $0["objective"] = 1.2501 }, kind: .convex)
        #expect(objective?.contains("objective recorded 1.25") == true)
        // A verdict is compared exactly, and a 10 % move of a solution metric is too much.
        #expect(FigureVerifier.compare(recorded: recorded, recomputed: recomputed { $0["recovery"] = 1 }, kind: .convex) != nil)
        #expect(FigureVerifier.compare(recorded: recorded, recomputed: recomputed { $0["cosine"] = 0.34 }, kind: .convex) != nil)
        // A condition's left-hand side is held tight.
        let lhs = ["holds": 1.0, "largest_lhs": 0.9]
        #expect(FigureVerifier.compare(recorded: lhs, recomputed: CellResult(status: "computed", metrics: ["holds": 1, "largest_lhs": 0.9001]),
                                       kind: .condition) != nil)
        // Not computed then, not computed now.
        #expect(FigureVerifier.compare(recorded: nil, recomputed: CellResult(status: CellResult.notComputedStatus), kind: .convex) == nil)
        #expect(FigureVerifier.compare(recorded: nil, recomputed: recomputed { _ in }, kind: .convex) != nil)
    }
}
