/// Thrown by a work item that cannot start yet because another process is computing the same
/// task: the executor sets the item aside and offers it again after `retryAfter` seconds, once the
/// rest of its queue has been taken (by then the other process has usually stored the result).
public struct WorkDeferral: Error, Sendable {
    public var reason: String
    public var retryAfter: Double

    public init(_ reason: String, retryAfter: Double = 0.5) {
        self.reason = reason
        self.retryAfter = retryAfter
    }
}
