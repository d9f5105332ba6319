import CellEvaluation
import CodeFingerprint
import Foundation
import Manifest
import TaskCache

/// The cell samples of one panel share everything but (n, d, sample): the template spec, the code
/// fingerprints and the key family are made once per panel (and shared by panels of other figures
/// that compute the same cells).
public final class TaskFamily: Sendable {
    /// The panel's cell spec with n = d = sample = 0.
    public let template: CellSpec
    /// The fingerprints of the code the cells run (one dictionary per computation kind, shared).
    public let fingerprints: [String: String]
    /// Keys of the members: SHA-256 of the family digest and (n, d, sample).
    public let keys: TaskKeyFamily
    /// The family digest of the template alone (the same for every code version): names the cache's
    /// pointer to the newest entry of the family, which `explain` compares fingerprints with.
    public let latestName: String

    init(template: CellSpec, fingerprints: [String: String]) throws {
        self.template = template
        self.fingerprints = fingerprints
        keys = try TaskKeyFamily(template: template, fingerprints: fingerprints)
        latestName = try TaskKey.specHash(template)
    }

    /// The spec of one member.
    public func spec(n: Int, d: Int, sample: Int) -> CellSpec {
        var spec = template
        spec.data.n = n
        spec.data.d = d
        spec.data.sample = sample
        return spec
    }
}

/// One unit of work: a cell sample, its key and the code fingerprints the key includes.
public struct PlannedTask: Sendable {
    public let digest: TaskDigest
    public let family: TaskFamily
    let n: Int32, d: Int32, sample: Int32

    init(digest: TaskDigest, family: TaskFamily, n: Int, d: Int, sample: Int) {
        self.digest = digest
        self.family = family
        (self.n, self.d, self.sample) = (Int32(n), Int32(d), Int32(sample))
    }

    /// The cache key (64 hex digits).
    public var key: String { digest.hex }
    /// What the task computes.
    public var spec: CellSpec { family.spec(n: Int(n), d: Int(d), sample: Int(sample)) }
    /// The fingerprints of the code it runs (part of the key).
    public var fingerprints: [String: String] { family.fingerprints }
}

/// One (n, d) cell of a panel: the keys of its samples in sample order.
public struct PlannedCell: Sendable {
    public let n: Int
    public let d: Int
    public let samples: [TaskDigest]

    /// The sample keys as hex strings.
    public var sampleKeys: [String] { samples.map(\.hex) }
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

    /// Every task the figure needs (with repeats across panels removed).
    public var digests: Set<TaskDigest> { Set(panels.flatMap { $0.cells.flatMap(\.samples) }) }
    /// Every task key the figure needs (with repeats across panels removed).
    public var keys: Set<String> { Set(digests.map(\.hex)) }
}

/// The unique tasks of a plan in order of first appearance, found by key.
public struct PlannedTasks: Sendable {
    /// Every unique task.
    public let values: [PlannedTask]
    let index: [TaskDigest: Int]

    public var count: Int { values.count }
    /// Every unique key (hex).
    public var keys: [String] { values.map(\.key) }
    public subscript(digest: TaskDigest) -> PlannedTask? { index[digest].map { values[$0] } }
    public subscript(key: String) -> PlannedTask? { TaskDigest(hex: key).flatMap { self[$0] } }
}

/// Manifests → panels → cell samples, with identical cells (across panels and figures) one task.
///
/// A panel's spec is encoded once; each sample's key is one SHA-256 over the panel family's digest
/// and (n, d, sample). Tasks hold 32-byte digests and a reference to their family, so a full-scale
/// plan (hundreds of thousands of samples) costs about a microsecond and ~100 bytes per sample.
public struct Plan: Sendable {
    public let figures: [PlannedFigure]
    /// The unique tasks, by key.
    public let tasks: PlannedTasks
    /// How many (panel, n, d, sample) slots the figures have in all, shared ones counted each time.
    public let references: Int

    /// Expands `manifests` with the code `fingerprints` (inject a changed one to simulate a code change).
    public init(manifests: [ExperimentManifest], fingerprints: CodeFingerprints = .current) throws {
        var values: [PlannedTask] = []
        var index: [TaskDigest: Int] = [:]
        var figures: [PlannedFigure] = []
        var references = 0
        var families: [CellSpec: TaskFamily] = [:]
        var printsOfKind: [CellSpec.Kind: [String: String]] = [:]
        let panelsOfManifests = manifests.map { $0.panels() }
        let slots = zip(manifests, panelsOfManifests).reduce(0) { $0 + $1.1.count * $1.0.grid.n.count * $1.0.grid.d.count * $1.0.grid.samples }
        values.reserveCapacity(slots)
        index.reserveCapacity(slots)
        for (manifest, manifestPanels) in zip(manifests, panelsOfManifests) {
            var panels: [PlannedPanel] = []
            for panel in manifestPanels {
                let template = panel.cell.cellSpec(n: 0, d: 0, sample: 0)
                let family: TaskFamily
                if let known = families[template] {
                    family = known
                } else {
                    let prints = printsOfKind[template.kind] ?? fingerprints.restricted(to: template.codeUnits)
                    printsOfKind[template.kind] = prints
                    family = try TaskFamily(template: template, fingerprints: prints)
                    families[template] = family
                }
                var cells: [PlannedCell] = []
                cells.reserveCapacity(manifest.grid.n.count * manifest.grid.d.count)
                for n in manifest.grid.n {
                    for d in manifest.grid.d {
                        var samples: [TaskDigest] = []
                        samples.reserveCapacity(manifest.grid.samples)
                        for sample in 0..<manifest.grid.samples {
                            let digest = family.keys.key(n, d, sample)
                            if index[digest] == nil {
                                index[digest] = values.count
                                values.append(PlannedTask(digest: digest, family: family, n: n, d: d, sample: sample))
                            }
                            samples.append(digest)
                        }
                        references += samples.count
                        cells.append(PlannedCell(n: n, d: d, samples: samples))
                    }
                }
                panels.append(PlannedPanel(index: panel.index, label: panel.label, cells: cells))
            }
            figures.append(PlannedFigure(manifest: manifest, panels: panels))
        }
        self.figures = figures
        self.tasks = PlannedTasks(values: values, index: index)
        self.references = references
    }

    /// Keys without a cache entry file (not verified; the executor verifies before skipping).
    public func missing(in cache: TaskCache) -> [PlannedTask] {
        tasks.values.filter { !cache.contains($0.digest) }.sorted { $0.digest < $1.digest }
    }

    /// The deterministic share `index` (1-based) of `count` of `tasks`, balanced in expected cost
    /// (`ShardAssignment` over each spec's `costUnits`), sorted by key. The same for every process,
    /// machine and run given the same tasks; `run --shard` passes the missing ones.
    public static func shard(_ tasks: [PlannedTask], index: Int, count: Int) -> [PlannedTask] {
        let shardOf = ShardAssignment.assign(tasks.map { ($0.key, $0.spec.costUnits) }, count: count)
        return tasks.filter { shardOf[$0.key] == index }.sorted { $0.digest < $1.digest }
    }
}
