import CellEvaluation
import Foundation
import TaskCache

/// The part of a cell result the renderer uses — its status (whether it is blank by definition) and
/// the metrics of the per-sample CSV — held compactly (no loss curves, no dictionary), so a run can
/// keep every result it read or computed until its figures are written.
public struct RenderedMetrics: Sendable, Equatable {
    /// How the computation ended (`CellResult.status`).
    public let status: String
    /// Whether the cell was deliberately not computed (blank in every output).
    public var notComputed: Bool { status == CellResult.notComputedStatus }
    /// Bit i set: `FigureWriter.sampleMetrics[i]` is present.
    let present: UInt32
    let values: ContiguousArray<Double>

    public init(_ result: CellResult) {
        status = result.status
        var present: UInt32 = 0
        var values = ContiguousArray<Double>(repeating: 0, count: FigureWriter.sampleMetrics.count)
        for (i, name) in FigureWriter.sampleMetrics.enumerated() {
            if let value = result.metrics[name] {
                present |= 1 << UInt32(i)
                values[i] = value
            }
        }
        self.present = present
        self.values = values
    }

    /// The value of metric `name`, when present.
    public subscript(name: String) -> Double? {
        guard let i = FigureWriter.sampleMetrics.firstIndex(of: name), present & (1 << UInt32(i)) != 0 else { return nil }
        return values[i]
    }

    /// Metric name → value of the present metrics.
    public var dictionary: [String: Double] {
        var out: [String: Double] = [:]
        for (i, name) in FigureWriter.sampleMetrics.enumerated() where present & (1 << UInt32(i)) != 0 { out[name] = values[i] }
        return out
    }
}

/// Results of a run by task, filled (from any thread) as entries are verified or computed and read
/// when the figures are written: each entry is read from disk at most once per run.
public final class ResultTable: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [TaskDigest: RenderedMetrics] = [:]

    public init() {}

    public func insert(_ result: CellResult, for digest: TaskDigest) {
        let metrics = RenderedMetrics(result)
        lock.lock()
        results[digest] = metrics
        lock.unlock()
    }

    public subscript(digest: TaskDigest) -> RenderedMetrics? {
        lock.lock()
        defer { lock.unlock() }
        return results[digest]
    }

    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return results.count
    }
}
