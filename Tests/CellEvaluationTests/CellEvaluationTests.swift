import CellData
import CellEvaluation
import ModelKinds
import Testing

func skipRelaxed(n: Int, d: Int, sample: Int, sigma: Double = 0) -> CellSpec {
    .convex(CellDataSpec(planted: .linear, plantedWeights: .smallestPC, k: 1, sigma: sigma, n: n, d: d, sample: sample),
            learned: .skip, formulation: .relaxed)
}

@Suite struct CellEvaluationTests {
    @Test func skipRelaxedRecoversWithManySamples() throws {
        for sample in 0..<10 {
            let r = try CellEvaluator.evaluate(skipRelaxed(n: 400, d: 10, sample: sample))
            #expect(r.status == "solved")
            #expect(r.metrics["recovery"] == 1, "sample \(sample): \(r.metrics)")
            #expect((r.metrics["weight_distance"] ?? 1) < 1e-6)
            #expect((r.metrics["test_distance"] ?? 1) < 1e-5)
            #expect(abs((r.metrics["cosine"] ?? 0) - 1) < 1e-9)
        }
    }

    @Test func skipRelaxedFailsWithFewSamples() throws {
        for sample in 0..<10 {
            let r = try CellEvaluator.evaluate(skipRelaxed(n: 20, d: 100, sample: sample))
            #expect(r.status == "solved")
            #expect(r.metrics["recovery"] == 0, "sample \(sample): \(r.metrics)")
            #expect((r.metrics["weight_distance"] ?? 0) > 1e-3)
        }
    }

    @Test func metricsThatDoNotApplyAreAbsent() throws {
        let convex = try CellEvaluator.evaluate(skipRelaxed(n: 30, d: 5, sample: 0))
        #expect(convex.metrics["test_error"] == nil)
        #expect(convex.metrics["holds"] == nil)
        let data = CellDataSpec(planted: .normalized, plantedWeights: .gaussian, k: 1, n: 30, d: 5, sample: 0)
        let gd = try CellEvaluator.evaluate(.training(data, learned: .normalized, settings: TrainingSpec(epochs: 20)))
        #expect(gd.status == "trained")
        #expect(gd.metrics["test_error"] != nil && gd.metrics["other_norm"] != nil)
        #expect(gd.metrics["recovery"] == nil && gd.metrics["test_distance"] == nil && gd.metrics["cosine"] == nil)
        #expect(gd.lossCurve?.count == 20 && gd.testLossCurve?.count == 20)
        let condition = try CellEvaluator.evaluate(.condition(
            CellDataSpec(planted: .plain, plantedWeights: .gaussian, k: 2, n: 40, d: 5, sample: 0, patternBudget: .condition),
            name: "nnic-k"))
        #expect(condition.status == "evaluated")
        #expect(condition.metrics["holds"] == 0 || condition.metrics["holds"] == 1)
        #expect(condition.metrics["recovery"] == nil)
    }

    @Test func normalizedWithFewerSamplesThanFeaturesIsNotComputed() throws {
        let data = CellDataSpec(planted: .normalized, plantedWeights: .gaussian, k: 1, n: 10, d: 20, sample: 0)
        let r = try CellEvaluator.evaluate(.convex(data, learned: .normalized, formulation: .relaxed))
        #expect(r.isNotComputed)
        #expect(r.metrics.isEmpty)
    }

    @Test func normalizedRelaxedRecoversTwoPlantedNeurons() throws {
        let data = CellDataSpec(planted: .normalized, plantedWeights: .gaussian, k: 2, n: 120, d: 5, sample: 1)
        let r = try CellEvaluator.evaluate(.convex(data, learned: .normalized, formulation: .relaxed))
        #expect(r.status == "solved")
        #expect(r.metrics["recovery"] == 1, "\(r.metrics)")
        #expect((r.metrics["weight_distance"] ?? 1) < 1e-6)
        #expect((r.metrics["test_distance"] ?? 1) < 1e-5)
    }

    @Test func badParametersAreErrorsNotResults() {
        let data = CellDataSpec(planted: .normalized, plantedWeights: .oppositePair, k: 3, n: 30, d: 5, sample: 0)
        #expect(throws: CellEvaluationError.self) {
            try CellEvaluator.evaluate(.convex(data, learned: .normalized, formulation: .relaxed))
        }
        let ok = CellDataSpec(planted: .plain, plantedWeights: .gaussian, k: 1, n: 30, d: 5, sample: 0)
        #expect(throws: CellEvaluationError.self) { try CellEvaluator.evaluate(.condition(ok, name: "nnic-7")) }
    }
}
