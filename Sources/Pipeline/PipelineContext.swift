import CellEvaluation
import CodeFingerprint
import Foundation
import Planning
import TaskCache

/// A cached cell result.
public typealias CellCacheEntry = CacheEntry<CellSpec, CellResult>

/// Where a pipeline reads and writes: `outputs/` with the cache under `outputs/cache/` and the
/// figures under `outputs/figures/<manifest>/`.
public struct PipelineContext: Sendable {
    public let outputs: URL
    public let cache: TaskCache
    public let fingerprints: CodeFingerprints

    public init(outputs: URL, fingerprints: CodeFingerprints = .current) {
        self.outputs = outputs
        self.cache = TaskCache(root: outputs.appendingPathComponent("cache"))
        self.fingerprints = fingerprints
    }

    public func figureFolder(_ name: String) -> URL {
        outputs.appendingPathComponent("figures").appendingPathComponent(name)
    }

    /// The verified result of `key`, or nil when missing or damaged.
    public func result(_ key: String) -> CellResult? {
        if case .hit(let result) = cache.lookupResult(key, as: CellResult.self) { return result }
        return nil
    }
}
