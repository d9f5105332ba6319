import CellEvaluation
import Execution
import Foundation
import Manifest
import Pipeline
import Planning
import TaskCache
import Testing

@Suite(.serialized) struct TimeEstimateTests {
    func plan() throws -> Plan {
        try Plan(manifests: [
            try manifest("convex", cell: convexCell, metric: "recovery", n: "[10, 20, 40]", d: "[5]", samples: 3),
            try manifest("training", cell: trainingCell, metric: "test_error"),
        ])
    }

    @Test func modelRateAndRangeFollowTheObservations() {
        var model = DurationModel()
        // Ratios 1 and 3 per cost unit, cost 1 and 1: rate = 4 / 2 = 2, weighted variance 1, se = 1/√2 (35 %).
        model.add([DurationObservation(kind: "k", cost: 1, seconds: 1), DurationObservation(kind: "k", cost: 1, seconds: 3)])
        let t = model.kinds["k"]!
        #expect(abs(t.rate - 2) < 1e-12)
        #expect(abs(t.relativeError - 0.5) < 1e-12)  // fewer than three observations: the 50 % floor
        model.add([DurationObservation(kind: "k", cost: 2, seconds: 4)])
        let u = model.kinds["k"]!
        #expect(abs(u.rate - 2) < 1e-12)
        // Σt²/c = 1 + 9 + 8 = 18, Σc = 4: variance 18/4 − 4 = 0.5, se = √(0.5/3)/2 ≈ 0.204.
        #expect(abs(u.relativeError - (0.5 / 3).squareRoot() / 2) < 1e-12)
        // Observations without cost or time are ignored.
        model.add([DurationObservation(kind: "k", cost: 0, seconds: 1), DurationObservation(kind: "k", cost: 1, seconds: 0)])
        #expect(model.kinds["k"]!.count == 3)
    }

    /// Durations belong to their code: observations of new code replace the kind's totals, and tasks whose code
    /// differs from the measured one are not predicted from it.
    @Test func durationsOfOtherCodeAreNotUsed() throws {
        let convex = try plan().tasks.values.filter { $0.spec.kind == .convex }
        let kind = convex[0].spec.timingKind
        var model = DurationModel()
        model.add([DurationObservation(kind: kind, cost: 1, seconds: 9, code: "old")])
        #expect(model.seconds(for: convex[0]) == nil)
        let e = model.estimate(convex)
        #expect(!e.complete)
        #expect(e.unknownKinds == ["\(kind) (code changed since measured)"])
        model.add([DurationObservation(kind: kind, cost: 1, seconds: 0.5, code: convex[0].codeDigest)])
        #expect(model.kinds[kind]!.count == 1)
        let seconds = try #require(model.seconds(for: convex[0]))
        #expect(abs(seconds - 0.5 * convex[0].spec.costUnits) < 1e-12 * seconds)
        #expect(model.estimate(convex).complete)
    }

    @Test func estimateScalesCostUnitsAndReportsUnmeasuredKinds() throws {
        let plan = try plan()
        let tasks = Array(plan.tasks.values)
        let convex = tasks.filter { $0.spec.kind == .convex }
        let kind = convex[0].spec.timingKind
        #expect(kind == "skip/relaxed")
        var model = DurationModel()
        model.add((0..<5).map { i in DurationObservation(kind: kind, cost: 1, seconds: 0.5, wall: 0.5 + 0.01 * Double(i)) })
        // The mean of 0, 10, …, 40 ms (the most recent of five weighing a hair more).
        #expect(abs(model.offCPUPerTask - 0.02) < 1e-4)
        // A task that waited for a core longer than it computed (busy machine) does not count off the CPU.
        var busy = model
        busy.add([DurationObservation(kind: kind, cost: 1, seconds: 0.5, wall: 30)])
        #expect(busy.offCPUCount == model.offCPUCount)
        #expect(busy.kinds[kind]!.count == 6)
        let e = model.estimate(tasks)
        let cost = convex.reduce(0) { $0 + $1.spec.costUnits }
        #expect(abs(e.cpuSeconds - 0.5 * cost) < 1e-9 * cost)
        #expect(!e.complete)
        #expect(e.unknownKinds == ["skip/gd"])
        #expect(e.unknownTasks == tasks.count - convex.count)
        // All ratios equal: only the 10 % floor is left.
        #expect(abs(e.standardError - 0.1 * e.cpuSeconds) < 1e-9 * e.cpuSeconds)
        let wall = e.wallSeconds(jobs: 2)
        // Off-CPU time (storing entries) counts for every task, measured kind or not.
        #expect(abs(e.offCPUSeconds - model.offCPUPerTask * Double(tasks.count)) < 1e-9)
        #expect(abs(wall.expected - max((e.cpuSeconds + e.offCPUSeconds) / 2, e.longestTask)) < 1e-12)
        #expect(wall.low <= wall.expected && wall.expected <= wall.high)
    }

    @Test func noisyConvexCellsAreAKindOfTheirOwn() throws {
        let noisy = try Plan(manifests: [try manifest("noisy", cell: convexCell, metric: "recovery", n: "[10, 20]", d: "[5]",
                                                      samples: 2, sweep: "sweep:\n  axes:\n    sigma: [0, 0.1]")])
        let kinds = Set(noisy.tasks.values.map(\.spec.timingKind))
        #expect(kinds == ["skip/relaxed", "skip/relaxed noisy"])
        #expect(noisy.tasks.values.allSatisfy { ($0.spec.data.sigma > 0) == $0.spec.timingKind.hasSuffix(" noisy") })
        // A rate measured on σ = 0 cells says nothing about the noisy ones: they count as unmeasured.
        var model = DurationModel()
        model.add([DurationObservation(kind: "skip/relaxed", cost: 1, seconds: 0.5)])
        let e = model.estimate(Array(noisy.tasks.values))
        #expect(e.unknownKinds == ["skip/relaxed noisy"])
        #expect(e.unknownTasks == noisy.tasks.values.filter { $0.spec.data.sigma > 0 }.count)
    }

    /// Tasks that waited for a core ran on a busy machine, where CPU time per task is inflated: once a kind has
    /// three quiet tasks of its code, only those predict it; before, all of them do.
    @Test func tasksMeasuredOnABusyMachineAreSetAside() throws {
        let convex = try plan().tasks.values.filter { $0.spec.kind == .convex }
        let task = convex[0]
        let kind = task.spec.timingKind, code = task.codeDigest
        var model = DurationModel()
        // Beside other work: 2 s of CPU in 3.5 s of wall (more than a quarter plus 0.1 s off the CPU).
        model.add((0..<4).map { _ in DurationObservation(kind: kind, cost: 1, seconds: 2, wall: 3.5, code: code) })
        #expect(model.busyCount == 4)
        #expect(model.offCPUCount == 0)
        // No quiet task yet: the busy ones predict.
        #expect(abs(try #require(model.seconds(for: task)) - 2 * task.spec.costUnits) < 1e-9)
        // Two quiet ones (1 s of CPU, 1.05 s of wall: storing, not waiting) are not yet enough.
        model.add((0..<2).map { _ in DurationObservation(kind: kind, cost: 1, seconds: 1, wall: 1.05, code: code) })
        #expect(abs(try #require(model.seconds(for: task)) - (10.0 / 6) * task.spec.costUnits) < 1e-9)
        // The third is: the rate is the quiet one, and so is the off-CPU time.
        model.add([DurationObservation(kind: kind, cost: 1, seconds: 1, wall: 1.05, code: code)])
        #expect(model.kinds[kind]!.count == 7)
        #expect(model.quietKinds?[kind]?.count == 3)
        #expect(abs(try #require(model.seconds(for: task)) - task.spec.costUnits) < 1e-9)
        #expect(abs(model.offCPUPerTask - 0.05) < 1e-9)
        // At the threshold (exactly a quarter plus 0.1 s off the CPU) a task still counts as quiet.
        #expect(!DurationModel.ranOnABusyMachine(DurationObservation(kind: kind, cost: 1, seconds: 1, wall: 1.34)))
        #expect(DurationModel.ranOnABusyMachine(DurationObservation(kind: kind, cost: 1, seconds: 1, wall: 1.36)))
        #expect(!DurationModel.ranOnABusyMachine(DurationObservation(kind: kind, cost: 1, seconds: 1)))
        // Quiet totals of other code do not predict: the kind counts as unmeasured for this code.
        model.add([DurationObservation(kind: kind, cost: 1, seconds: 1, wall: 1, code: "other")])
        #expect(model.seconds(for: task) == nil)
        // The file round-trips; one written before the quiet totals were kept predicts from all its tasks.
        let decoded = try JSONDecoder().decode(DurationModel.self, from: try JSONEncoder().encode(model))
        #expect(decoded.quietKinds == model.quietKinds && decoded.busyCount == 4)
        var old = DurationModel()
        old.add((0..<4).map { _ in DurationObservation(kind: kind, cost: 1, seconds: 2, wall: 2, code: code) })
        old.quietKinds = nil
        #expect(abs(try #require(old.seconds(for: task)) - 2 * task.spec.costUnits) < 1e-9)
    }

    /// The order and the ETA cost a task at its cost band's rate once the band has three observations: the
    /// kind's time is not proportional to its cost units.
    @Test func schedulingFollowsTheCostBands() throws {
        let spec = try #require(plan().tasks.values.first { $0.spec.kind == .convex && $0.spec.costUnits > 0 }).spec
        let c = spec.costUnits
        var model = DurationModel()
        // Three tasks at the spec's cost taking 7 s per unit, three at 100× its cost taking 1 s per unit.
        model.add((0..<3).map { _ in DurationObservation(kind: spec.timingKind, cost: c, seconds: 7 * c) })
        model.add((0..<2).map { _ in DurationObservation(kind: spec.timingKind, cost: 100 * c, seconds: 100 * c) })
        // Two at the big cost: its band has too few, so the kind's rate, (21 + 200) / (3 + 200) per unit, prices it.
        let kind = try #require(model.kinds[spec.timingKind])
        #expect(abs(kind.rate(forCost: 100 * c) - 221.0 / 203) < 1e-12)
        #expect(abs(model.schedulingSeconds(for: spec) - 7 * c) < 1e-12 * c)
        model.add([DurationObservation(kind: spec.timingKind, cost: 100 * c, seconds: 100 * c)])
        #expect(abs(try #require(model.kinds[spec.timingKind]).rate(forCost: 100 * c) - 1) < 1e-12)
        // A cost between the bands: the kind's rate.
        #expect(abs(try #require(model.kinds[spec.timingKind]).rate(forCost: 10 * c) - 321.0 / 303) < 1e-12)
        // The bands survive saving; a file written before them reads without (the kind's rate everywhere).
        let data = try CanonicalJSON.encode(model)
        #expect(try CanonicalJSON.decode(DurationModel.self, from: data).kinds == model.kinds)
        var old = kind
        old.bands = nil
        #expect(old.rate(forCost: c) == old.rate)
    }

    @Test func offCPUTimeFollowsTheRecentRuns() throws {
        let kind = "skip/relaxed"
        // A day-old run on a busy machine (90 ms off the CPU per task), then a quiet one (40 ms).
        var model = DurationModel()
        model.add((0..<10_000).map { _ in DurationObservation(kind: kind, cost: 1, seconds: 0.5, wall: 0.59) })
        #expect(abs(model.offCPUPerTask - 0.09) < 1e-9)
        model.add((0..<10_000).map { _ in DurationObservation(kind: kind, cost: 1, seconds: 0.5, wall: 0.54) })
        // The plain mean would say 65 ms; five half-lives on, the busy run weighs 1/32 of the quiet one.
        #expect(abs(model.offCPUSeconds / Double(model.offCPUCount) - 0.065) < 1e-9)
        #expect(model.offCPUPerTask > 0.04 && model.offCPUPerTask < 0.0425)
        // A file from before the recent sums were kept starts them from its plain sums.
        var old = DurationModel()
        old.offCPUCount = 100
        old.offCPUSeconds = 10
        #expect(abs(old.offCPUPerTask - 0.1) < 1e-12)
        old.add([DurationObservation(kind: kind, cost: 1, seconds: 0.5, wall: 0.5)])
        #expect(old.offCPUPerTask < 0.1 && old.offCPUPerTask > 0.098)
        let decoded = try JSONDecoder().decode(DurationModel.self, from: Data(#"{"version":3,"kinds":{},"offCPUCount":4,"offCPUSeconds":0.2}"#.utf8))
        #expect(abs(decoded.offCPUPerTask - 0.05) < 1e-12)
    }

    @Test func sampleIsStratifiedDeterministicAndCostWeighted() throws {
        let plan = try plan()
        let missing = plan.tasks.values.sorted { $0.key < $1.key }
        let first = EstimateSample.select(plan: plan, missing: missing, perStratum: 2)
        let again = EstimateSample.select(plan: plan, missing: missing.reversed(), perStratum: 2)
        #expect(first.map(\.key) == again.map(\.key))
        // Two strata (convex, training), two picks each, each kind topped up to four (2 · perStratum).
        #expect(first.count == 8)
        #expect(Set(first.map(\.spec.timingKind)) == ["skip/relaxed", "skip/gd"])
        // Cost-proportional picks land at the expensive end: the stratum's two are at n = 40 (which holds
        // 16/21 of its cost), the top-up adds one at n = 20 and one at n = 40, none at n = 10.
        let convexPicks = first.filter { $0.spec.kind == .convex }
        #expect(convexPicks.count == 4)
        #expect(convexPicks.prefix(2).allSatisfy { $0.spec.data.n == 40 })
        #expect(convexPicks.filter { $0.spec.data.n == 40 }.count == 3)
        #expect(!convexPicks.contains { $0.spec.data.n == 10 })
        // Only missing tasks are sampled.
        let rest = Array(missing.dropFirst(missing.count / 2))
        let partial = EstimateSample.select(plan: plan, missing: rest, perStratum: 2)
        #expect(Set(partial.map(\.key)).isSubset(of: Set(rest.map(\.key))))
    }

    @Test func followUpSamplesOnlyUncertainKindsWithinTheBudget() throws {
        let plan = try plan()
        let missing = plan.tasks.values.sorted { $0.key < $1.key }
        let kind = "skip/relaxed"
        // Four observations whose ratios spread widely (one cell 30× slower per cost unit): relative error ≈ 0.76.
        var spread = DurationModel()
        spread.add([0.1, 0.1, 0.1, 3.0].map { DurationObservation(kind: kind, cost: 1, seconds: $0) })
        let error = spread.kinds[kind]!.relativeError
        #expect(error > 0.7 && error < 0.8)
        let more = EstimateSample.followUp(missing: missing, model: spread, target: 0.15, budget: 1e9)
        // At most doubling: four more, all of the measured kind (skip/gd has no rate to refine), all missing, distinct.
        #expect(more.count == 4)
        #expect(more.allSatisfy { $0.spec.timingKind == kind })
        #expect(Set(more.map(\.key)).count == more.count)
        #expect(Set(more.map(\.key)).isSubset(of: Set(missing.map(\.key))))
        // Cost-proportional: most picks at n = 40, which holds 16/21 of the kind's cost; none at n = 10.
        #expect(more.filter { $0.spec.data.n == 40 }.count >= 3)
        #expect(!more.contains { $0.spec.data.n == 10 })
        // Deterministic.
        #expect(EstimateSample.followUp(missing: missing.reversed(), model: spread, target: 0.15, budget: 1e9).map(\.key)
                == more.map(\.key))
        // No budget, no picks; a budget for one task at rate × cost, one pick.
        #expect(EstimateSample.followUp(missing: missing, model: spread, target: 0.15, budget: 0).isEmpty)
        let one = spread.kinds[kind]!.rate * more[0].spec.costUnits
        #expect(EstimateSample.followUp(missing: missing, model: spread, target: 0.15, budget: one * 1.01).count == 1)
        // A kind known within the target needs nothing: equal ratios leave only the 10 % floor.
        var tight = DurationModel()
        tight.add((0..<5).map { _ in DurationObservation(kind: kind, cost: 1, seconds: 0.5) })
        #expect(EstimateSample.followUp(missing: missing, model: tight, target: 0.15, budget: 1e9).isEmpty)
    }

    @Test func executeStoresResultsAndRecordsCPUTime() throws {
        let plan = try plan()
        let context = temporaryContext()
        defer { try? FileManager.default.removeItem(at: context.outputs) }
        let missing = plan.missing(in: context.cache)
        let sample = EstimateSample.select(plan: plan, missing: missing, perStratum: 1)
        // Recorded every millisecond while the run goes (the timer's records and the last one together count
        // each task once).
        let (report, model) = TaskTiming.execute(sample, context: context, jobs: 2, progress: ProgressLine(quiet: true),
                                                 recordEvery: 0.001)
        #expect(report.completed == sample.count && report.failures.isEmpty)
        #expect(plan.missing(in: context.cache).count == missing.count - sample.count)
        #expect(model.kinds.values.reduce(0) { $0 + $1.count } == sample.count)
        #expect(model.kinds.values.allSatisfy { $0.seconds > 0 })
        // Tasks that waited for a core longer than they computed (a busy machine) are left out of the off-CPU mean.
        #expect(model.offCPUCount <= sample.count)
        // The model was saved: loading it gives the same totals.
        #expect(DurationModel.load(context).kinds == model.kinds)
    }

    /// Records made at the same time in one process (a run's timer and its end) keep every observation.
    @Test func concurrentRecordsKeepEveryObservation() throws {
        let context = temporaryContext()
        defer { try? FileManager.default.removeItem(at: context.outputs) }
        DispatchQueue.concurrentPerform(iterations: 40) { i in
            DurationModel.record([DurationObservation(kind: "k\(i % 2)", cost: 1, seconds: 0.5)], context: context)
        }
        let model = DurationModel.load(context)
        #expect(model.kinds["k0"]?.count == 20 && model.kinds["k1"]?.count == 20)
    }
}

/// The run's ETA: the finished tasks' seconds fitted as k·cost^p.
@Suite struct TaskDurationFitTests {
    @Test func recoversAPowerLaw() throws {
        var fit = TaskDurationFit()
        for c in [1.0, 2, 3, 4] { fit.add(cost: c, seconds: 0.5 * c.squareRoot()) }
        #expect(fit.predictedSeconds(costs: [10.0]) == nil)  // fewer than five tasks
        fit.add(cost: 16, seconds: 2)
        let (k, p) = try #require(fit.coefficients)
        #expect(abs(k - 0.5) < 1e-9 && abs(p - 0.5) < 1e-9)
        // Left: costs 0.25, 0.25 and 9 → 0.5 · (0.5 + 0.5 + 3) = 2 seconds.
        #expect(abs(try #require(fit.predictedSeconds(costs: [0.25, 0.25, 9])) - 2) < 1e-9)
    }

    /// The scale matches the measured seconds in total when the points scatter about the fitted shape.
    @Test func scaleMatchesTheMeasuredTotal() throws {
        var fit = TaskDurationFit()
        let points = [(100.0, 12.0), (60, 7.5), (30, 3.2), (10, 1.4), (5, 0.5), (2, 0.3)]
        for (c, t) in points { fit.add(cost: c, seconds: t) }
        let (k, p) = try #require(fit.coefficients)
        let predicted = points.reduce(0) { $0 + k * pow($1.0, p) }
        #expect(abs(predicted - points.reduce(0) { $0 + $1.1 }) < 1e-9)
        #expect(p > 0.8 && p < 1.2)
    }

    /// Costs that say nothing (cheap tasks as slow as expensive ones, or slower): the exponent stops at 0,
    /// a time per task, never a rate that falls with cost; tasks without cost are left out.
    @Test func costsThatDoNotMatterGiveAPerTaskTime() throws {
        var fit = TaskDurationFit()
        for (c, t) in [(100.0, 1.0), (50, 1.2), (10, 1.5), (5, 1.4), (1, 1.6), (0, 0.01)] { fit.add(cost: c, seconds: t) }
        let (k, p) = try #require(fit.coefficients)
        #expect(p == 0)
        #expect(abs(k - 1.34) < 1e-9)
        #expect(abs(try #require(fit.predictedSeconds(costs: [7.0, 0.5])) - 2.68) < 1e-9)
    }

    /// A run's first tasks, all of about the same (largest) cost, say nothing of the shape: proportional.
    @Test func similarCostsGiveAProportionalFit() throws {
        var fit = TaskDurationFit()
        for (c, t) in [(100.0, 1.0), (98, 1.1), (95, 0.9), (90, 1.0), (99, 1.05)] { fit.add(cost: c, seconds: t) }
        let (k, p) = try #require(fit.coefficients)
        #expect(p == 1)
        #expect(abs(k - 5.05 / 482) < 1e-12)
    }
}

/// The run's ETA over tasks of several kinds: each kind fitted on its own.
@Suite struct GroupedDurationFitTests {
    /// With one group the grouped fit is the plain one.
    @Test func oneGroupIsThePlainFit() throws {
        var plain = TaskDurationFit(), grouped = GroupedDurationFit()
        for (c, t) in [(100.0, 12.0), (60, 7.5), (30, 3.2), (10, 1.4), (5, 0.5), (2, 0.3)] {
            plain.add(cost: c, seconds: t)
            grouped.add(group: "a", cost: c, seconds: t)
        }
        let left: [Double] = [1, 3, 0.5]
        let expected = try #require(plain.predictedSeconds(costs: left))
        let got = try #require(grouped.predictedSeconds(left: left.map { (group: "a", cost: $0) }))
        #expect(abs(got - expected) < 1e-12 * expected)
    }

    /// Two kinds costed alike but 20× apart in seconds: each predicts its own tasks, once it has five finished.
    @Test func eachGroupPredictsItsOwnTasks() throws {
        var fit = GroupedDurationFit()
        for c in [100.0, 50, 25, 10, 5] { fit.add(group: "cheap", cost: c, seconds: 0.01 * c) }
        // Four of the dear kind: too few for its own fit, so the scale of all finished tasks predicts it.
        for c in [100.0, 90, 80, 70] { fit.add(group: "dear", cost: c, seconds: 0.2 * c) }
        let before = try #require(fit.predictedSeconds(left: [(group: "dear", cost: 10.0)]))
        fit.add(group: "dear", cost: 60, seconds: 12)
        // Its five costs (60–100) are within a factor 4: the exponent is the one within the groups (1 here; a
        // slope across both kinds would be about 2), the scale its own.
        let dear = try #require(fit.predictedSeconds(left: [(group: "dear", cost: 10.0)]))
        let cheap = try #require(fit.predictedSeconds(left: [(group: "cheap", cost: 10.0)]))
        #expect(abs(cheap - 0.1) < 1e-9)
        #expect(abs(dear - 2) < 1e-9)
        // Before, with four of the dear kind: the scale of all nine tasks, (1.9 + 68) s / (190 + 340) cost units.
        #expect(abs(before - 10 * 69.9 / 530) < 1e-9)
        let both = try #require(fit.predictedSeconds(left: [(group: "dear", cost: 10.0), (group: "cheap", cost: 10.0)]))
        #expect(abs(both - (dear + cheap)) < 1e-12)
        // A kind never seen is predicted by the overall fit.
        let unseen = try #require(fit.predictedSeconds(left: [(group: "new", cost: 10.0)]))
        #expect(unseen > cheap && unseen < dear)
    }

    /// The executor starts the costliest five tasks of every group first, then the rest costliest first.
    @Test func theExecutorProbesEveryGroupFirst() {
        func item(_ key: String, _ cost: Double, _ group: String) -> WorkItem {
            WorkItem(key: key, label: key, cost: cost, group: group) {}
        }
        var items = (0..<8).map { item("a\($0)", 100 - Double($0), "a") }
        items += (0..<7).map { item("b\($0)", 10 - Double($0), "b") }
        items.append(item("blank", 0, "c"))
        let order = Executor.order(items.shuffled()).map(\.key)
        #expect(order == ["a0", "a1", "a2", "a3", "a4", "b0", "b1", "b2", "b3", "b4", "a5", "a6", "a7", "b5", "b6", "blank"])
        // One group: costliest first, as before.
        let single = Executor.order(items.filter { $0.group == "a" }.shuffled()).map(\.key)
        #expect(single == (0..<8).map { "a\($0)" })
    }
}
