import CellEvaluation
import Execution
import Foundation
import Planning

/// Measures the CPU time of each executed task, for the duration model.
///
/// With several jobs every task runs on its own executor thread with BLAS single-threaded, so the
/// thread's CPU clock is the task's CPU time, unaffected by other processes on the machine. With
/// one job BLAS and the solver may use helper threads, so the process's CPU time over the task is
/// taken (tasks then run one at a time).
public final class TaskTiming: @unchecked Sendable {
    private let lock = NSLock()
    /// The observations of the tasks that finished without error since the last `drain`.
    private var recorded: [DurationObservation] = []
    private let perThread: Bool

    /// `jobs`: the executor's job count (decides which clock is read).
    public init(jobs: Int) { perThread = jobs > 1 }

    /// The observations finished since the last call (each handed out once).
    public func drain() -> [DurationObservation] {
        lock.lock(); defer { lock.unlock() }
        defer { recorded.removeAll() }
        return recorded
    }

    /// `items` (made from `tasks`, matched by key) with their work timed and their cost (the
    /// executor's order and ETA) replaced by `cost` of their spec when given; each item's group is its
    /// spec's timing kind.
    public func timed(_ items: [WorkItem], tasks: [PlannedTask], cost: ((CellSpec) -> Double)? = nil) -> [WorkItem] {
        let planned = Dictionary(tasks.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        return items.map { item in
            guard let task = planned[item.key] else { return item }
            let spec = task.spec
            let observation = DurationObservation(kind: spec.timingKind, cost: spec.costUnits, seconds: 0,
                                                  code: task.codeDigest)
            return WorkItem(key: item.key, label: item.label, cost: cost?(spec) ?? item.cost, group: spec.timingKind) { [self] in
                let start = cpuSeconds()
                let wallStart = DispatchTime.now().uptimeNanoseconds
                try item.work()
                var o = observation
                o.seconds = cpuSeconds() - start
                o.wall = Double(DispatchTime.now().uptimeNanoseconds - wallStart) / 1e9
                lock.lock()
                recorded.append(o)
                lock.unlock()
            }
        }
    }

    private func cpuSeconds() -> Double {
        if perThread {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}

extension TaskTiming {
    /// How often (seconds) a run adds the CPU times measured so far to the recorded duration model, so that a
    /// run that is killed (a session's or a job's time limit, SIGKILL) loses at most this much of them.
    public static let recordInterval: Double = 60

    /// Runs `tasks` on `jobs` threads, longest predicted first (so the progress line's ETA is in
    /// the model's seconds), stores each result in the cache, and adds the measured CPU times to the
    /// recorded duration model: every `recordEvery` seconds while the run goes, and at its end.
    /// Returns the executor's report and the updated model.
    /// `keepLossCurves`, `results` and `shared` are passed to `TaskRunner.workItems`.
    public static func execute(_ tasks: [PlannedTask], context: PipelineContext, jobs: Int, progress: ProgressLine,
                               keepLossCurves: Bool = false, results: ResultTable? = nil,
                               shared: SharedRun? = nil,
                               recordEvery: Double = recordInterval) -> (report: ExecutionReport, model: DurationModel) {
        let model = DurationModel.load(context)
        let timing = TaskTiming(jobs: jobs)
        let work = TaskRunner.workItems(tasks, context: context, keepLossCurves: keepLossCurves, results: results, shared: shared)
        let items = timing.timed(work, tasks: tasks,
                                 cost: { model.schedulingSeconds(for: $0) })
        let recorder = DispatchQueue(label: "neural-recovery.durations", qos: .utility)
        let timer = DispatchSource.makeTimerSource(queue: recorder)
        timer.schedule(deadline: .now() + recordEvery, repeating: recordEvery)
        timer.setEventHandler {
            let finished = timing.drain()
            if !finished.isEmpty { DurationModel.record(finished, context: context) }
        }
        timer.resume()
        let report = Executor(jobs: jobs, progress: progress).run(items)
        timer.cancel()
        recorder.sync {}  // a handler already running finishes its record first
        return (report, DurationModel.record(timing.drain(), context: context))
    }
}
