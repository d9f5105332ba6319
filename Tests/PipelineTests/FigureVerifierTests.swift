import CellEvaluation
import Testing
@testable import Pipeline

/// The agreement rules of `verify`: verdicts exact, objectives and conditions tight, a convex
/// solution's metrics loose (non-unique optima), training in between.
struct FigureVerifierTests {
    let metrics: [String: Double] = ["recovery": 0, "objective": 1.25, "test_distance": 1.3466, "cosine": 0.3035,
                                     "seconds": 0.5, "iterations": 20]
    var recorded: FigureVerifier.Recorded { .init(status: "solved", metrics: metrics) }

    func recomputed(status: String = "solved", _ edit: (inout [String: Double]) -> Void) -> CellResult {
        var metrics = metrics
        edit(&metrics)
        return CellResult(status: status, metrics: metrics)
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
        let lhs = FigureVerifier.Recorded(status: "evaluated", metrics: ["holds": 1.0, "largest_lhs": 0.9])
        #expect(FigureVerifier.compare(recorded: lhs, recomputed: CellResult(status: "evaluated", metrics: ["holds": 1, "largest_lhs": 0.9001]),
                                       kind: .condition) != nil)
        #expect(FigureVerifier.compare(recorded: lhs, recomputed: CellResult(status: "evaluated", metrics: ["holds": 1, "largest_lhs": 0.9]),
                                       kind: .condition) == nil)
    }

    @Test func theStatusMustBeTheSame() {
        // Same metrics, another way of ending: a difference, named.
        let moved = FigureVerifier.compare(recorded: recorded, recomputed: recomputed(status: "maxIterations") { _ in }, kind: .convex)
        #expect(moved?.hasPrefix("status recorded solved, now maxIterations") == true, "\(moved ?? "nil")")
        // Not computed then, not computed now; not computed then, computed now (and the reverse) differ.
        let blank = FigureVerifier.Recorded(status: CellResult.notComputedStatus, metrics: [:])
        #expect(FigureVerifier.compare(recorded: blank, recomputed: CellResult(status: CellResult.notComputedStatus), kind: .convex) == nil)
        #expect(FigureVerifier.compare(recorded: blank, recomputed: recomputed { _ in }, kind: .convex) != nil)
        #expect(FigureVerifier.compare(recorded: recorded, recomputed: CellResult(status: CellResult.notComputedStatus, note: "n < d"),
                                       kind: .convex) == "status recorded solved, now notComputed (n < d)")
        // A diverged training must diverge after the same epoch.
        let diverged = FigureVerifier.Recorded(status: "diverged", metrics: ["diverged_epoch": 12])
        #expect(FigureVerifier.compare(recorded: diverged, recomputed: CellResult(status: "diverged", metrics: ["diverged_epoch": 12, "seconds": 3]),
                                       kind: .training) == nil)
        #expect(FigureVerifier.compare(recorded: diverged, recomputed: CellResult(status: "diverged", metrics: ["diverged_epoch": 13]),
                                       kind: .training) == "diverged_epoch recorded 12.0, now 13.0")
        // A complete figure without a row for a sample is a difference too.
        #expect(FigureVerifier.compare(recorded: nil, recomputed: recomputed { _ in }, kind: .convex) != nil)
    }

    /// What the per-sample CSV writes is close enough for these rules: rounding uses at most 1 % of
    /// a metric's relative tolerance.
    @Test func writtenDigitsUseAtMostAHundredthOfTheTolerance() {
        for kind in [CellSpec.Kind.convex, .training, .condition] {
            let digits = FigureWriter.sampleDigits(kind: kind)
            for (name, k) in digits {
                var error = 5.0
                for _ in 0..<k { error /= 10 }
                let relative = FigureVerifier.tolerance(name, kind: kind).relative
                #expect(error <= 0.01 * relative, "\(name) (\(kind)): \(k) digits")
                #expect(error * 10 > 0.01 * relative, "\(name) (\(kind)): \(k) digits is one more than needed")
            }
            #expect(digits["recovery"] == nil && digits["holds"] == nil && digits["iterations"] == nil)
        }
        #expect(FigureWriter.sampleDigits(kind: .convex)["objective"] == 8)
        #expect(FigureWriter.sampleDigits(kind: .convex)["weight_distance"] == 5)
        #expect(FigureWriter.sampleDigits(kind: .training)["test_error"] == 6)
        #expect(FigureWriter.sampleDigits(kind: .condition)["largest_lhs"] == 8)
    }
}
