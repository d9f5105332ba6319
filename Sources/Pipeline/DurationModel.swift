import CellEvaluation
import Foundation
import Planning
import TaskCache

extension CellSpec {
    /// The kind a task's duration is modelled by: the convex program ("normalized/approx"), the
    /// trained network ("skip/gd") or the condition ("condition nnic-k"). Tasks of one timing kind
    /// run the same code, so their CPU time per cost unit (`costUnits`) is one number to learn.
    /// A convex program with noisy labels (σ > 0) is a kind of its own ("normalized/relaxed noisy"): its
    /// optimum is dense, so the working set helps less, and it costs 2.5× as much per unit as with σ = 0
    /// (normalized/relaxed at full scale), which one rate for both would hide.
    public var timingKind: String {
        switch kind {
        case .training:
            return "\(learned?.rawValue ?? "?")/\(formulation?.rawValue ?? "?")"
        case .convex:
            return "\(learned?.rawValue ?? "?")/\(formulation?.rawValue ?? "?")" + (data.sigma > 0 ? " noisy" : "")
        case .condition:
            return "condition \(condition ?? "?")"
        }
    }
}

/// One measured task: its timing kind, its cost units, the CPU seconds it took, when measured its wall
/// seconds (computation and storing its cache entry), and the code it ran (`codeDigest` of its fingerprints).
public struct DurationObservation: Codable, Sendable, Equatable {
    public var kind: String
    public var cost: Double
    public var seconds: Double
    public var wall: Double?
    public var code: String?

    public init(kind: String, cost: Double, seconds: Double, wall: Double? = nil, code: String? = nil) {
        self.kind = kind
        self.cost = cost
        self.seconds = seconds
        self.wall = wall
        self.code = code
    }
}

extension PlannedTask {
    /// The code a task runs, as one string (its fingerprints, sorted): durations measured with other code
    /// (before a solver change, say) say nothing about this code's.
    public var codeDigest: String {
        fingerprints.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
    }
}

/// CPU seconds per cost unit of each timing kind, learned from measured tasks (the samples of
/// `plan --estimate` and every task `run` computes), kept in `outputs/cache/durations.json`.
///
/// The model: a task of kind K with cost c takes r_K · c CPU seconds, where r_K = Σt / Σc over
/// the kind's observations (the ratio estimator; the estimator's samples are drawn with probability
/// proportional to cost, so the expensive tasks that dominate a total dominate r_K too). Its
/// uncertainty is the cost-weighted spread of the observed ratios t/c divided by √count, at least
/// 10 % (CPU time on a shared machine varies that much) and at least 50 % with fewer than three
/// observations. A plan's range is the estimate ± 2σ, the kinds' errors added in quadrature.
///
/// CPU time is not independent of the machine's load (the cores share caches and memory bandwidth): the noisy
/// ReLU-norm relaxed cells of Figure 9, run beside a CI build and test (four busy processes on two cores),
/// took 0.0034 CPU seconds per cost unit; those of Figure 23 on a quiet machine 0.0018 (2026-12-04). A task
/// whose wall time exceeded its CPU time by more than a quarter of it plus 0.1 s waited for a core: it ran on
/// a busy machine. Such tasks count in `kinds` but not in `quietKinds`, and a kind is predicted from its quiet
/// tasks once there are three of them, as the wall time assumes J free cores.
///
/// Durations belong to the code that produced them: a kind's totals start afresh when an observation of
/// other code arrives, and a prediction uses them only for tasks of the same code (others count as unmeasured
/// until `plan --estimate` or a run measures them).
///
/// Wall time adds to the CPU time what each task spends off the CPU — above all the fsync of its cache
/// entry, ~10–30 ms, which dominates the many cheap tasks — as the mean (wall − CPU) over measured tasks
/// (recent ones weighted more, half-life 2 000 observations), over the quiet tasks only: on a busy machine
/// the time off the CPU is waiting for a core, not storing.
public struct DurationModel: Codable, Sendable {
    /// Running sums of one kind's observations.
    public struct KindTotals: Codable, Sendable, Equatable {
        public var count: Int = 0
        /// Σ t (CPU seconds).
        public var seconds: Double = 0
        /// Σ c (cost units).
        public var cost: Double = 0
        /// Σ t²/c, for the cost-weighted variance of the ratios t/c.
        public var secondsSquaredPerCost: Double = 0
        /// The largest single observation (seconds).
        public var longest: Double = 0
        /// The code the observations ran (`PlannedTask.codeDigest`), nil when not recorded.
        public var code: String? = nil
        /// The observations by cost band (`band(of:)` → count, Σ t, Σ c; nil in files written before bands were
        /// kept): the kind's profile of seconds against cost, which is not proportional (see `rate(forCost:)`).
        public var bands: [String: BandTotals]? = nil

        /// Sums of the observations in one cost band.
        public struct BandTotals: Codable, Sendable, Equatable {
            public var count: Int = 0
            public var seconds: Double = 0
            public var cost: Double = 0
        }

        /// CPU seconds per cost unit.
        public var rate: Double { cost > 0 ? seconds / cost : 0 }

        /// Observations a cost band needs before its own rate is used.
        static let bandMinimum = 3

        /// The band of a cost: costs within a factor 2 share one (⌊log₂ c⌋).
        static func band(of cost: Double) -> String { String(Int(log2(cost).rounded(.down))) }

        /// CPU seconds per cost unit at `cost`: its band's rate when the band has `bandMinimum` observations, else
        /// the kind's. The kind's time grows more slowly than its cost units at the top of the grid and unevenly
        /// below (noisy ReLU-norm relaxed cells: 0.0015 s per unit at 1 000 units, 0.018 at 16, 0.03 at 1), so
        /// one rate costs the big tasks too high and the small ones too low; the bands keep the order of a run
        /// and its ETA in seconds (bench/eta_replay.py).
        public func rate(forCost cost: Double) -> Double {
            if let b = bands?[Self.band(of: cost)], b.count >= Self.bandMinimum, b.cost > 0 { return b.seconds / b.cost }
            return rate
        }

        /// Adds one observation (its code's: the totals start afresh when the code differs).
        mutating func add(_ o: DurationObservation) {
            if code != o.code { self = KindTotals(code: o.code) }
            count += 1
            seconds += o.seconds
            cost += o.cost
            secondsSquaredPerCost += o.seconds * o.seconds / o.cost
            longest = max(longest, o.seconds)
            var band = bands?[Self.band(of: o.cost)] ?? BandTotals()
            band.count += 1
            band.seconds += o.seconds
            band.cost += o.cost
            if bands == nil { bands = [:] }
            bands![Self.band(of: o.cost)] = band
        }

        /// The relative standard error of `rate` (with the floors the model documents).
        public var relativeError: Double {
            guard count > 0, rate > 0 else { return 1 }
            let variance = max(0, secondsSquaredPerCost / cost - rate * rate)
            let standardError = (variance / Double(count)).squareRoot() / rate
            return max(standardError, count < 3 ? 0.5 : 0.1)
        }
    }

    /// Format of the file; another version reads as an empty model. (3: durations carry their code.)
    public var version = 3
    /// Timing kind → its totals.
    public var kinds: [String: KindTotals] = [:]
    /// Timing kind → the totals of its tasks measured on a quiet machine (`ranOnABusyMachine` false; nil in
    /// files written before they were kept).
    public var quietKinds: [String: KindTotals]?
    /// Observations recorded as measured on a busy machine (nil in files written before they were counted).
    public var busyCount: Int?
    /// Tasks with a measured wall time, and their summed wall − CPU seconds.
    public var offCPUCount = 0
    public var offCPUSeconds = 0.0
    /// The same sums with each older observation's weight halved every `offCPUHalfLife` observations (nil in
    /// files written before they were kept): the time off the CPU depends on the machine's load when measured,
    /// so the recent runs say more about the next one than a day-old run on a busier machine.
    public var offCPURecentWeight: Double?
    public var offCPURecentSeconds: Double?

    /// Off-CPU seconds any task may spend (storing its entry) and still count as run on a quiet machine.
    static let offCPUAllowance = 0.1
    /// Observations after which an older one counts half in `offCPUPerTask`.
    static let offCPUHalfLife = 2000.0
    /// A task whose wall time exceeds its CPU time by more than this fraction of it (plus `offCPUAllowance`)
    /// ran on a busy machine.
    static let busyFraction = 0.25
    /// Quiet observations of a kind's code needed before they alone predict it.
    static let quietMinimum = 3

    /// Whether `o` waited for a core long enough to say the machine was busy (false without a wall time).
    public static func ranOnABusyMachine(_ o: DurationObservation) -> Bool {
        guard let wall = o.wall, wall.isFinite else { return false }
        return wall - o.seconds > busyFraction * o.seconds + offCPUAllowance
    }

    /// Mean seconds a task spends off the CPU, recent runs weighted more (0 before any measurement).
    public var offCPUPerTask: Double {
        if let w = offCPURecentWeight, let t = offCPURecentSeconds, w > 0 { return t / w }
        return offCPUCount > 0 ? offCPUSeconds / Double(offCPUCount) : 0
    }

    public init() {}

    static func url(_ context: PipelineContext) -> URL { context.cache.root.appendingPathComponent("durations.json") }

    /// The recorded model of `context` (empty when none or unreadable).
    public static func load(_ context: PipelineContext) -> DurationModel {
        guard let data = FileManager.default.contents(atPath: url(context).path),
              let model = try? CanonicalJSON.decode(DurationModel.self, from: data),
              model.version == DurationModel().version else { return DurationModel() }
        return model
    }

    /// Serialises `record` within a process (a run records from its timer and at its end).
    private static let recordLock = NSLock()

    /// Adds `observations` to the recorded model and saves it (atomically; within a process one
    /// record at a time, while concurrent processes may each drop the other's additions, which only
    /// costs precision).
    @discardableResult
    public static func record(_ observations: [DurationObservation], context: PipelineContext) -> DurationModel {
        recordLock.lock()
        defer { recordLock.unlock() }
        var model = load(context)
        model.add(observations)
        if !observations.isEmpty, let data = try? CanonicalJSON.encode(model) {
            try? FileManager.default.createDirectory(at: context.cache.root, withIntermediateDirectories: true)
            try? AtomicFile.write(data, to: url(context))
        }
        return model
    }

    /// Adds observations (those without positive cost or time are ignored).
    public mutating func add(_ observations: [DurationObservation]) {
        for o in observations where o.cost > 0 && o.seconds > 0 && o.seconds.isFinite {
            kinds[o.kind, default: KindTotals(code: o.code)].add(o)
            // A task that waited for a core says nothing of a quiet machine's CPU or off-CPU time, which the
            // wall time's "J free cores" assumes.
            if Self.ranOnABusyMachine(o) {
                busyCount = (busyCount ?? 0) + 1
                continue
            }
            if quietKinds == nil { quietKinds = [:] }
            quietKinds![o.kind, default: KindTotals(code: o.code)].add(o)
            if let wall = o.wall, wall.isFinite {
                let off = max(0, wall - o.seconds)
                // Older files start the recent sums from their plain ones.
                let decay = pow(0.5, 1 / Self.offCPUHalfLife)
                let weight = offCPURecentWeight ?? Double(offCPUCount)
                let seconds = offCPURecentSeconds ?? offCPUSeconds
                offCPURecentWeight = weight * decay + 1
                offCPURecentSeconds = seconds * decay + off
                offCPUCount += 1
                offCPUSeconds += off
            }
        }
    }

    /// The totals that predict `task`: its kind's, when measured with the same code — those of its quiet tasks
    /// when there are `quietMinimum` of them.
    func totals(for task: PlannedTask) -> KindTotals? {
        let sameCode = { (t: KindTotals) in t.rate > 0 && (t.code == nil || t.code == task.codeDigest) }
        if let q = quietKinds?[task.spec.timingKind], q.count >= Self.quietMinimum, sameCode(q) { return q }
        guard let t = kinds[task.spec.timingKind], sameCode(t) else { return nil }
        return t
    }

    /// Predicted CPU seconds of one task, or nil when its kind has no observations of its code (tasks that
    /// are blank by definition cost nothing).
    public func seconds(for task: PlannedTask) -> Double? {
        let cost = task.spec.costUnits
        if cost <= 0 { return 0 }
        guard let t = totals(for: task) else { return nil }
        return t.rate * cost
    }

    /// Predicted CPU seconds for ordering work and for the run's ETA: the kind's rate at the task's cost
    /// (`KindTotals.rate(forCost:)`, of its quiet tasks when there are `quietMinimum`) where it is known (of any
    /// code: only the order and the ETA's shape depend on it; the ETA's scale is the run's own), otherwise the cost units scaled by the rate over all kinds (or 1 s per unit
    /// with no observations at all).
    public func schedulingSeconds(for spec: CellSpec) -> Double {
        if spec.costUnits <= 0 { return 0 }
        if let q = quietKinds?[spec.timingKind], q.count >= Self.quietMinimum, q.rate > 0 {
            return q.rate(forCost: spec.costUnits) * spec.costUnits
        }
        if let t = kinds[spec.timingKind], t.rate > 0 { return t.rate(forCost: spec.costUnits) * spec.costUnits }
        let all = kinds.values.reduce((0.0, 0.0)) { ($0.0 + $1.seconds, $0.1 + $1.cost) }
        return spec.costUnits * (all.1 > 0 ? all.0 / all.1 : 1)
    }

    /// The estimate for `tasks`.
    public func estimate(_ tasks: [PlannedTask]) -> TimeEstimate {
        var costByKind: [String: (cost: Double, count: Int, largest: Double, totals: KindTotals?)] = [:]
        for task in tasks {
            let cost = task.spec.costUnits
            guard cost > 0 else { continue }
            // Tasks of one kind whose code differs from the measured one count as unmeasured.
            let totals = totals(for: task)
            let kind = task.spec.timingKind + (totals == nil && kinds[task.spec.timingKind] != nil ? " (code changed since measured)" : "")
            var entry = costByKind[kind] ?? (0, 0, 0, totals)
            entry.cost += cost
            entry.count += 1
            entry.largest = max(entry.largest, cost)
            costByKind[kind] = entry
        }
        var estimate = TimeEstimate(tasks: tasks.count)
        var variance = 0.0
        for (kind, entry) in costByKind {
            guard let t = entry.totals else {
                estimate.unknownKinds.append(kind)
                estimate.unknownTasks += entry.count
                continue
            }
            let seconds = t.rate * entry.cost
            estimate.cpuSeconds += seconds
            variance += pow(seconds * t.relativeError, 2)
            estimate.longestTask = max(estimate.longestTask, t.rate * entry.largest)
        }
        estimate.unknownKinds.sort()
        estimate.standardError = variance.squareRoot()
        estimate.offCPUSeconds = offCPUPerTask * Double(tasks.count)
        return estimate
    }
}

/// Predicted CPU and wall time of a set of tasks.
public struct TimeEstimate: Sendable, Equatable {
    /// How many tasks it covers.
    public var tasks: Int
    /// Predicted CPU seconds of the tasks whose kind has observations.
    public var cpuSeconds: Double = 0
    /// One standard error of `cpuSeconds`.
    public var standardError: Double = 0
    /// The longest single task predicted (bounds the wall time from below).
    public var longestTask: Double = 0
    /// Predicted seconds the tasks spend off the CPU (storing entries), summed over the tasks.
    public var offCPUSeconds: Double = 0
    /// Tasks (and their kinds) without any observation: not included in the seconds.
    public var unknownTasks = 0
    public var unknownKinds: [String] = []

    public init(tasks: Int) { self.tasks = tasks }

    /// Whether every task's kind had observations.
    public var complete: Bool { unknownTasks == 0 }

    /// CPU seconds: (low, expected, high), the range being ± 2 standard errors.
    public var cpuRange: (low: Double, expected: Double, high: Double) {
        (max(0, cpuSeconds - 2 * standardError), cpuSeconds, cpuSeconds + 2 * standardError)
    }

    /// Wall seconds with `jobs` parallel tasks on at least `jobs` free cores: the CPU time and the
    /// off-CPU time shared out, but never less than the longest task. (low, expected, high).
    public func wallSeconds(jobs: Int) -> (low: Double, expected: Double, high: Double) {
        let j = Double(max(1, jobs))
        let r = cpuRange
        let wall = { (cpu: Double) in max((cpu + offCPUSeconds) / j, longestTask) }
        return (wall(r.low), wall(r.expected), wall(r.high))
    }
}
