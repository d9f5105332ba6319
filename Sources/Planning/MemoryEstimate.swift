import CellEvaluation
import Foundation

extension CellSpec {
    /// A generous estimate of the bytes one evaluation holds at its peak: X and the test set, the
    /// arrangement patterns, an n × n system, the solver's d × d block factors per pattern, and for
    /// training the network's weights and activations (all 8-byte doubles).
    public var estimatedPeakBytes: Double {
        let n = Double(data.n), d = Double(data.d)
        let patterns = Double(data.patternBudget.directionCount(n: data.n)) + Double(data.k)
        var words = 4 * n * d + 4 * n * patterns + 4 * n * n + 3 * patterns * d * d
        if kind == .training {
            let width = Double(training?.width ?? data.n + 1)
            words += 6 * width * d + 4 * n * width
        }
        return 8 * words
    }

    /// Why this evaluation must not start on a machine with `memory` bytes (its estimate exceeds
    /// them), or nil. Checked before a task allocates, so that a task too large for the machine fails
    /// alone instead of aborting the whole run.
    public func memoryProblem(physicalMemory memory: UInt64 = ProcessInfo.processInfo.physicalMemory) -> String? {
        let needed = estimatedPeakBytes
        guard needed > Double(memory) else { return nil }
        return String(format: "n = %d, d = %d needs about %@ of memory, more than this machine's %@",
                      data.n, data.d, Self.bytesText(needed), Self.bytesText(Double(memory)))
    }

    static func bytesText(_ bytes: Double) -> String {
        if bytes >= 1e12 { return String(format: "%.3g TB", bytes / 1e12) }
        if bytes >= 1e9 { return String(format: "%.3g GB", bytes / 1e9) }
        return String(format: "%.3g MB", bytes / 1e6)
    }
}
