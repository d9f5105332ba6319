import Testing
@testable import Render

private func panel(_ means: [GridCell: Double], count: Int = 10) -> HeatmapPanel {
    HeatmapPanel(title: "", nValues: Array(Set(means.keys.map(\.n))), dValues: Array(Set(means.keys.map(\.d))),
                 cells: means.mapValues { CellAggregate(count: count, mean: $0, std: 0, min: $0, max: $0) })
}

struct PhaseBoundaryTests {
    @Test func boundaryIsWhereTheCriterionHoldsForGoodAndItsSlopeFitsThroughTheOrigin() {
        // Recovery 1 from n = 2d on (exact line n = 2d), except d = 30 where nothing recovers.
        var means: [GridCell: Double] = [:]
        for d in [10, 20, 30] {
            for n in stride(from: 10, through: 80, by: 10) { means[GridCell(n: n, d: d)] = d != 30 && n >= 2 * d ? 1 : 0 }
        }
        let boundary = PhaseBoundary(panel(means), criterion: .atLeast(0.5))
        #expect(boundary.points.map(\.d) == [10, 20, 30])
        #expect(boundary.points.map(\.n) == [20, 40, nil])
        #expect(boundary.slope == 2)
        // Distances: small past the boundary.
        let distance = PhaseBoundary(panel(means.mapValues { 1 - $0 }), criterion: .atMost(0.1))
        #expect(distance.points.map(\.n) == [20, 40, nil] && distance.slope == 2)
        // A boundary at n = 3d for d = 10 and n = 4d for d = 20: c = (30·10 + 80·20) / (100 + 400) = 3.8.
        let mixed = PhaseBoundary(panel([GridCell(n: 30, d: 10): 1, GridCell(n: 20, d: 10): 0,
                                         GridCell(n: 80, d: 20): 0.6, GridCell(n: 30, d: 20): 0.4]), criterion: .atLeast(0.5))
        #expect(abs(mixed.slope! - 3.8) < 1e-12)
        #expect(PhaseBoundary(panel([GridCell(n: 10, d: 10): 0]), criterion: .atLeast(0.5)).slope == nil)
        // Met at small n, lost, then met for good from n = 40: the boundary is the last crossing.
        let dip = PhaseBoundary(panel([GridCell(n: 10, d: 10): 1, GridCell(n: 20, d: 10): 0.2, GridCell(n: 30, d: 10): 0.4,
                                       GridCell(n: 40, d: 10): 0.6, GridCell(n: 50, d: 10): 1]), criterion: .atLeast(0.5))
        #expect(dip.points.map(\.n) == [40] && dip.slope == 4)
    }

    @Test func monotoneRatesWithSamplingNoisePass() {
        // Bernoulli recovery samples around a logistic transition: noisy, but monotone in truth.
        for seed in UInt64(1)...5 {
            let p = syntheticPanel(seed: seed, bernoulli: true)
            #expect(MonotonicityCheck.violations(p).isEmpty, "seed \(seed)")
        }
    }

    @Test func aRealDipIsAViolation() {
        var means: [GridCell: Double] = [:]
        for n in stride(from: 10, through: 100, by: 10) { means[GridCell(n: n, d: 10)] = n >= 50 ? 1 : 0 }
        #expect(MonotonicityCheck.violations(panel(means)).isEmpty)
        means[GridCell(n: 80, d: 10)] = 0.1        // 10 of 10 recovered around it, 1 of 10 here
        let found = MonotonicityCheck.violations(panel(means))
        #expect(!found.isEmpty && found.allSatisfy { $0.n2 == 80 && $0.d == 10 })
        means[GridCell(n: 80, d: 10)] = 0.9        // one sample of ten: noise
        #expect(MonotonicityCheck.violations(panel(means)).isEmpty)
    }

    /// Recovery below n = d that is lost just above it (smallest-pc at n < d) is a violation of the whole map,
    /// none from n = d on.
    @Test func theRegimeBelowNEqualsDCanBeLeftOut() {
        var means: [GridCell: Double] = [:]
        for n in stride(from: 10, through: 100, by: 10) { means[GridCell(n: n, d: 30)] = n < 30 ? 1 : (n >= 70 ? 1 : 0) }
        #expect(!MonotonicityCheck.violations(panel(means)).isEmpty)
        #expect(MonotonicityCheck.violations(panel(means), fromNEqualsD: true).isEmpty)
        means[GridCell(n: 90, d: 30)] = 0
        #expect(MonotonicityCheck.violations(panel(means), fromNEqualsD: true).count >= 1)
    }
}
