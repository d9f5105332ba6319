import Execution
import Foundation
import Planning
import TaskCache

/// How one run shares its cache with other runs at the same time: right before a task starts the
/// cache is checked again (another run may have stored it meanwhile), then the task is claimed by a
/// lease (`TaskLeases`); a task another live run holds is deferred and checked again later. Counts
/// what this run computed itself and what it found finished by others.
public final class SharedRun: @unchecked Sendable {
    public let leases: TaskLeases
    private let lock = NSLock()
    private var executedCount = 0
    private var elsewhereCount = 0

    public init(context: PipelineContext, heartbeat: TimeInterval = 10, staleAfter: TimeInterval = 120) {
        leases = TaskLeases(cache: context.cache, heartbeat: heartbeat, staleAfter: staleAfter)
    }

    /// Tasks this run evaluated (successfully or not).
    public var executed: Int { lock.lock(); defer { lock.unlock() }; return executedCount }
    /// Tasks found stored by another run after this run had planned them.
    public var finishedElsewhere: Int { lock.lock(); defer { lock.unlock() }; return elsewhereCount }

    /// Runs `compute` for `task` unless another run stored it or is computing it.
    ///
    /// - Throws: `WorkDeferral` while another live run holds the task; what `compute` throws.
    func perform(_ task: PlannedTask, context: PipelineContext, compute: () throws -> Void) throws {
        func storedElsewhere() -> Bool {
            guard case .hit = context.cache.lookup(task.key, as: CellCacheEntry.self) else { return false }
            lock.lock(); elsewhereCount += 1; lock.unlock()
            return true
        }
        if storedElsewhere() { return }
        switch try leases.claim(task.key) {
        case .heldElsewhere(let holder): throw WorkDeferral("being computed by \(holder)")
        case .claimed: break
        }
        defer { leases.release(task.key) }
        if storedElsewhere() { return }
        lock.lock(); executedCount += 1; lock.unlock()
        try compute()
    }
}

/// A task refused before it allocates anything (e.g. too large for the machine's memory).
public struct TaskRefusal: Error, CustomStringConvertible, Sendable {
    public let description: String
}
