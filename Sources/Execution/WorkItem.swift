/// One task for the executor: an identity, a label for people, a relative cost, the group it is timed with,
/// and the work.
public struct WorkItem: Sendable {
    public let key: String
    public let label: String
    /// Relative cost (longer first); any non-negative scale.
    public let cost: Double
    /// The tasks whose seconds per cost unit are alike (a timing kind): the ETA fits each group on its own
    /// (`GroupedDurationFit`). Default: one group for all.
    public let group: String
    /// Computes and persists the task's result. A thrown error marks the task failed.
    public let work: @Sendable () throws -> Void

    public init(key: String, label: String, cost: Double, group: String = "",
                work: @escaping @Sendable () throws -> Void) {
        self.key = key
        self.label = label
        self.cost = cost
        self.group = group
        self.work = work
    }
}

/// What a run did.
public struct ExecutionReport: Sendable {
    public var completed: Int
    public var failures: [(label: String, error: String)]
    /// True when Ctrl-C stopped the run before every task started.
    public var interrupted: Bool
    public var seconds: Double
}
