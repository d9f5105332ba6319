import CellEvaluation
import CodeFingerprint
import Foundation
import Manifest
import TaskCache

/// One unit of work: a cell sample, its key and the code fingerprints the key includes.
public struct PlannedTask: Sendable {
    public let key: String
    public let spec: CellSpec
    public let fingerprints: [String: String]
}

/// One (n, d) cell of a panel: the keys of its samples in sample order.
public struct PlannedCell: Sendable {
    public let n: Int
    public let d: Int
    public let sampleKeys: [String]
}

/// One panel of a figure: a sweep value and its grid of cells.
public struct PlannedPanel: Sendable {
    public let index: Int
    public let label: String
    public let cells: [PlannedCell]
}

/// One manifest expanded.
public struct PlannedFigure: Sendable {
    public let manifest: ExperimentManifest
    public let panels: [PlannedPanel]

    /// Every task key the figure needs (with repeats across panels removed).
    public var keys: Set<String> { Set(panels.flatMap { $0.cells.flatMap(\.sampleKeys) }) }
}

/// Manifests → panels → cell samples, with identical cells (across panels and figures) one task.
public struct Plan: Sendable {
    public let figures: [PlannedFigure]
    /// The unique tasks, by key.
    public let tasks: [String: PlannedTask]
    /// How many (panel, n, d, sample) slots the figures have in all, shared ones counted each time.
    public let references: Int

    /// Expands `manifests` with the code `fingerprints` (inject a changed one to simulate a code change).
    public init(manifests: [ExperimentManifest], fingerprints: CodeFingerprints = .current) throws {
        var tasks: [String: PlannedTask] = [:]
        var figures: [PlannedFigure] = []
        var references = 0
        var keyOfSpec: [CellSpec: String] = [:]
        for manifest in manifests {
            var panels: [PlannedPanel] = []
            for panel in manifest.panels() {
                var cells: [PlannedCell] = []
                for n in manifest.grid.n {
                    for d in manifest.grid.d {
                        var keys: [String] = []
                        for sample in 0..<manifest.grid.samples {
                            let spec = panel.cell.cellSpec(n: n, d: d, sample: sample)
                            let key: String
                            if let known = keyOfSpec[spec] {
                                key = known
                            } else {
                                let prints = fingerprints.restricted(to: spec.codeUnits)
                                key = try TaskKey.make(spec: spec, fingerprints: prints)
                                keyOfSpec[spec] = key
                                tasks[key] = PlannedTask(key: key, spec: spec, fingerprints: prints)
                            }
                            keys.append(key)
                            references += 1
                        }
                        cells.append(PlannedCell(n: n, d: d, sampleKeys: keys))
                    }
                }
                panels.append(PlannedPanel(index: panel.index, label: panel.label, cells: cells))
            }
            figures.append(PlannedFigure(manifest: manifest, panels: panels))
        }
        self.figures = figures
        self.tasks = tasks
        self.references = references
    }

    /// Keys without a cache entry file (not verified; the executor verifies before skipping).
    public func missing(in cache: TaskCache) -> [PlannedTask] {
        tasks.values.filter { !cache.contains($0.key) }.sorted { $0.key < $1.key }
    }

    /// The deterministic share `index` (1-based) of `count` of `tasks`, balanced in expected cost
    /// (`ShardAssignment` over each spec's `costUnits`), sorted by key. The same for every process,
    /// machine and run given the same tasks; `run --shard` passes the missing ones.
    public static func shard(_ tasks: [PlannedTask], index: Int, count: Int) -> [PlannedTask] {
        let shardOf = ShardAssignment.assign(tasks.map { ($0.key, $0.spec.costUnits) }, count: count)
        return tasks.filter { shardOf[$0.key] == index }.sorted { $0.key < $1.key }
    }
}
