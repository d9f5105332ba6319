import CellEvaluation
import Foundation
import Planning
import TaskCache

/// Says why a task would run (or that it would not): the DVC/Bazel `explain` of the pipeline.
public enum Explainer {
    /// Why `task` is or is not up to date.
    public enum Reason: Equatable, Sendable, CustomStringConvertible {
        case cached
        case damaged(String)
        /// An entry exists for the same spec computed by other code: these units changed.
        case codeChanged([String])
        /// No entry for this spec at all (new cell, or a parameter changed).
        case neverComputed

        public var description: String {
            switch self {
            case .cached: return "cached"
            case .damaged(let why): return "cache entry damaged (\(why)): will recompute"
            case .codeChanged(let units): return "code changed since it was computed: \(units.joined(separator: ", "))"
            case .neverComputed: return "no entry for this spec (new cell, or its parameters changed)"
            }
        }
    }

    /// Why `task` is or is not up to date, reading and verifying its entry.
    public static func reason(_ task: PlannedTask, context: PipelineContext) -> Reason {
        switch context.cache.lookup(task.key, as: CellCacheEntry.self) {
        case .hit: return .cached
        case .damaged(let why): return .damaged(why)
        case .missing: return reasonForMissing(task, latest: context.cache.latest(specHash: task.family.latestName))
        }
    }

    /// Why a task without an entry would run, given the newest entry written for its family.
    static func reasonForMissing(_ task: PlannedTask, latest: LatestEntry?) -> Reason {
        guard let latest else { return .neverComputed }
        let units = Set(latest.fingerprints.keys).union(task.fingerprints.keys)
        let changed = units.filter { latest.fingerprints[$0] != task.fingerprints[$0] }.sorted()
        return changed.isEmpty ? .neverComputed : .codeChanged(changed)
    }

    /// Reasons for many tasks without reading their entries (for `status`): an entry file that
    /// exists counts as cached (a run verifies it when it uses it), and each family's latest
    /// pointer is read once.
    public struct Survey {
        let context: PipelineContext
        var pointers: [ObjectIdentifier: LatestEntry?] = [:]

        public init(context: PipelineContext) { self.context = context }

        public mutating func reason(_ task: PlannedTask) -> Reason {
            if context.cache.contains(task.digest) { return .cached }
            let id = ObjectIdentifier(task.family)
            if pointers[id] == nil { pointers[id] = .some(context.cache.latest(specHash: task.family.latestName)) }
            return Explainer.reasonForMissing(task, latest: pointers[id]!)
        }
    }

    /// Lines of the resolved manifest that differ from the one stored with the figure's outputs
    /// (`-` stored, `+` now); empty when they agree or nothing was stored.
    public static func manifestChanges(_ figure: PlannedFigure, context: PipelineContext) -> [String] {
        let stored = context.figureFolder(figure.manifest.name).appendingPathComponent("manifest.resolved.yaml")
        guard let data = FileManager.default.contents(atPath: stored.path) else { return [] }
        let old = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let new = figure.manifest.resolvedYAML().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let diff = new.difference(from: old)
        var lines: [String] = []
        for change in diff {
            switch change {
            case .remove(_, let line, _): lines.append("- \(line)")
            case .insert(_, let line, _): lines.append("+ \(line)")
            }
        }
        return lines
    }
}
