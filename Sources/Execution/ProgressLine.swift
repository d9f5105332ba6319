import Foundation

/// Progress of a run on standard error: a live line (done/total, rate, ETA, failures) on a
/// terminal, plain lines every few seconds otherwise.
public final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let interactive: Bool
    private let quiet: Bool
    private var total = 0
    private var start = Date()
    private var lastPrint = Date.distantPast
    private let plainInterval: TimeInterval

    public init(quiet: Bool = false, interactive: Bool? = nil, plainInterval: TimeInterval = 5) {
        self.quiet = quiet
        self.interactive = interactive ?? (isatty(STDERR_FILENO) == 1)
        self.plainInterval = plainInterval
    }

    func begin(total: Int) {
        lock.lock(); defer { lock.unlock() }
        self.total = total
        start = Date()
        if !quiet && total > 0 { write("running \(total) task\(total == 1 ? "" : "s")\n") }
    }

    /// `remainingSeconds`, when known, is the predicted wall time left; otherwise the ETA extrapolates the
    /// fraction of the estimated work done.
    func update(done: Int, failed: Int, fractionOfWork: Double, remainingSeconds: Double? = nil) {
        lock.lock(); defer { lock.unlock() }
        guard !quiet else { return }
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        let isLast = done == total
        if !interactive && !isLast && now.timeIntervalSince(lastPrint) < plainInterval { return }
        if interactive && !isLast && now.timeIntervalSince(lastPrint) < 0.1 { return }
        lastPrint = now
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        // ETA from the finished tasks' durations where there are enough of them, else from the fraction of
        // the estimated work done (tasks differ in cost by orders of magnitude).
        let eta = remainingSeconds ?? (fractionOfWork > 0 ? elapsed * (1 - fractionOfWork) / fractionOfWork : .nan)
        let percent = total > 0 ? 100 * Double(done) / Double(total) : 100
        let line = String(format: "[%d/%d] %5.1f%%  %.1f tasks/s  elapsed %@  ETA %@  failures %d",
                          done, total, percent, rate, Self.duration(elapsed), isLast ? "0s" : Self.duration(eta), failed)
        write(interactive ? "\r\u{1B}[K" + line : line + "\n")
    }

    /// A message on its own line.
    func note(_ message: String) {
        lock.lock(); defer { lock.unlock() }
        write((interactive ? "\r\u{1B}[K" : "") + message + "\n")
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if interactive && !quiet && total > 0 { write("\n") }
    }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }

    /// "1h02m", "3m12s", "45s", "?".
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}
