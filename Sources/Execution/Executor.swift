import Dispatch
import Foundation

/// Runs work items on `jobs` threads, longest first (after a few probes of each group, see `order`), with a
/// progress line, and stops cleanly on SIGINT: tasks already running finish (their results are kept), no new
/// task starts.
public final class Executor: @unchecked Sendable {
    public let jobs: Int
    private let progress: ProgressLine
    private let lock = NSLock()
    private var nextIndex = 0
    private var completed = 0
    private var failures: [(label: String, error: String)] = []
    private var stopRequested = false
    private var doneCost = 0.0
    /// Each finished item's group, cost and seconds, for the ETA.
    private var durations = GroupedDurationFit()
    /// The last ETA computed from `durations` (wall seconds left) and when (uptime, ns): it is refitted at most
    /// once a second, and counts down in between.
    private var lastETA: (seconds: Double, at: UInt64)?
    /// Items another process is computing, with the uptime (ns) before which not to retry them.
    private var deferred: [(item: WorkItem, notBefore: UInt64)] = []

    public init(jobs: Int, progress: ProgressLine = ProgressLine()) {
        self.jobs = max(1, jobs)
        self.progress = progress
    }

    /// Runs `items` and returns when all started ones have finished.
    public func run(_ items: [WorkItem]) -> ExecutionReport {
        let ordered = Self.order(items)
        lock.lock()
        (nextIndex, completed, failures, stopRequested, doneCost, deferred) = (0, 0, [], false, 0, [])
        durations = GroupedDurationFit()
        lastETA = nil
        lock.unlock()
        let start = DispatchTime.now().uptimeNanoseconds
        let totalCost = ordered.reduce(0) { $0 + max($1.cost, 1e-9) }
        progress.begin(total: ordered.count)

        // Ctrl-C: stop taking work; a second Ctrl-C exits at once.
        signal(SIGINT, SIG_IGN)
        let signals = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        signals.setEventHandler { [self] in
            lock.lock()
            let again = stopRequested
            stopRequested = true
            lock.unlock()
            if again { exit(130) }
            progress.note("interrupted: finishing the running tasks (Ctrl-C again to quit now)")
        }
        signals.resume()
        defer {
            signals.cancel()
            signal(SIGINT, SIG_DFL)
        }

        let group = DispatchGroup()
        for _ in 0..<min(jobs, max(ordered.count, 1)) {
            let thread = Thread { [self] in
                while true {
                    lock.lock()
                    guard !stopRequested, nextIndex < ordered.count || !deferred.isEmpty else { lock.unlock(); break }
                    let item: WorkItem
                    if nextIndex < ordered.count {
                        item = ordered[nextIndex]
                        nextIndex += 1
                    } else {
                        let wait = deferred[0].notBefore > DispatchTime.now().uptimeNanoseconds
                            ? deferred[0].notBefore - DispatchTime.now().uptimeNanoseconds : 0
                        if wait > 0 {
                            lock.unlock()
                            Thread.sleep(forTimeInterval: min(Double(wait) / 1e9, 0.5))
                            continue
                        }
                        item = deferred.removeFirst().item
                    }
                    lock.unlock()
                    var failure: String?
                    let itemStart = DispatchTime.now().uptimeNanoseconds
                    do { try item.work() } catch let deferral as WorkDeferral {
                        lock.lock()
                        deferred.append((item, DispatchTime.now().uptimeNanoseconds + UInt64(deferral.retryAfter * 1e9)))
                        lock.unlock()
                        continue
                    } catch { failure = "\(error)" }
                    lock.lock()
                    completed += 1
                    doneCost += max(item.cost, 1e-9)
                    // Tasks without a cost (blank by definition, only stored) say nothing of the shape.
                    if item.cost > 0 {
                        durations.add(group: item.group, cost: item.cost, seconds: Double(DispatchTime.now().uptimeNanoseconds - itemStart) / 1e9)
                    }
                    if let failure { failures.append((item.label, failure)) }
                    let snapshot = (completed, failures.count, doneCost / totalCost, eta(ordered))
                    lock.unlock()
                    if let failure { progress.note("FAILED \(item.label): \(failure)") }
                    progress.update(done: snapshot.0, failed: snapshot.1, fractionOfWork: snapshot.2,
                                    remainingSeconds: snapshot.3)
                }
                group.leave()
            }
            thread.stackSize = 8 << 20
            group.enter()
            thread.start()
        }
        group.wait()
        progress.finish()
        lock.lock()
        defer { lock.unlock() }
        return ExecutionReport(completed: completed, failures: failures,
                               interrupted: stopRequested && (nextIndex < ordered.count || !deferred.isEmpty),
                               seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// The order in which `items` start: costliest first (ties by key), except that when the items are of
    /// several groups, the costliest `TaskDurationFit.minimumCount` items of each group that have a cost start
    /// before all others (in the same costliest-first order), so that the ETA knows every group's seconds per
    /// cost unit early instead of after the groups costed higher have run.
    public static func order(_ items: [WorkItem]) -> [WorkItem] {
        let sorted = items.sorted { $0.cost != $1.cost ? $0.cost > $1.cost : $0.key < $1.key }
        guard Set(sorted.lazy.map(\.group)).count > 1 else { return sorted }
        var probesOf: [String: Int] = [:]
        var probes: [WorkItem] = [], rest: [WorkItem] = []
        for item in sorted {
            if item.cost > 0, probesOf[item.group, default: 0] < TaskDurationFit.minimumCount {
                probesOf[item.group, default: 0] += 1
                probes.append(item)
            } else {
                rest.append(item)
            }
        }
        return probes + rest
    }

    /// Wall seconds left (nil before the fit predicts): the tasks not yet finished are about `ordered` from
    /// `completed` on, as they start in that order. Call with the lock held.
    private func eta(_ ordered: [WorkItem]) -> Double? {
        let now = DispatchTime.now().uptimeNanoseconds
        if let last = lastETA, now - last.at < 1_000_000_000 {
            return max(0, last.seconds - Double(now - last.at) / 1e9)
        }
        let left = ordered[min(completed, ordered.count)...].lazy.map { (group: $0.group, cost: max($0.cost, 1e-9)) }
        guard let left = durations.predictedSeconds(left: left) else { return nil }
        lastETA = (left / Double(jobs), now)
        return left / Double(jobs)
    }
}
