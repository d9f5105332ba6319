import CellEvaluation
import CodeFingerprint
import Foundation
import Manifest
import TaskCache

/// What produced a rendered figure, written beside it as `provenance.json`: the manifest (its
/// digest), the code fingerprints of the modules its cells and its renderer ran, the tool version,
/// when and on what machine it was rendered, and the compute time its samples recorded.
public struct FigureProvenance: Codable, Equatable, Sendable {
    /// The tool's version (also `neural-recovery --version`).
    public static let toolVersion = "0.1.0"
    /// The file name in a figure's folder.
    public static let fileName = "provenance.json"

    public var manifest: String
    /// SHA-256 of `manifest.resolved.yaml`.
    public var manifestDigest: String
    /// Module → source digest, for every module a cell of the figure runs.
    public var cellCode: [String: String]
    /// Module → source digest of the renderer.
    public var renderCode: [String: String]
    public var tool: String
    /// ISO 8601, UTC.
    public var rendered: String
    public var machine: Machine
    /// Sum of the `seconds` every sample recorded (CPU of one core; samples shared by several
    /// panels counted once per panel).
    public var computeSeconds: Double
    /// Cell samples with a result, and missing ones (0 for a complete figure).
    public var samples: Int
    public var missingSamples: Int
    /// Status → how many samples ended with it (`solved`, `maxIterations`, `trained`, `notComputed`,
    /// …; counted once per panel, as `samples`); nil in files written before statuses were counted.
    public var statuses: [String: Int]?

    public struct Machine: Codable, Equatable, Sendable {
        public var cores: Int
        public var memoryGB: Double
        public var os: String
    }

    /// The provenance of `manifest`'s figure rendered now with the given counts.
    public static func make(_ manifest: ExperimentManifest, fingerprints: [String: String], renderer: [String: String],
                            computeSeconds: Double, samples: Int, missingSamples: Int,
                            statuses: [String: Int]) -> FigureProvenance {
        let info = ProcessInfo.processInfo
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return FigureProvenance(
            manifest: manifest.name, manifestDigest: CanonicalJSON.sha256(Data(manifest.resolvedYAML().utf8)),
            cellCode: fingerprints, renderCode: renderer, tool: "neural-recovery \(toolVersion)",
            rendered: formatter.string(from: Date()),
            machine: Machine(cores: info.activeProcessorCount,
                             memoryGB: (Double(info.physicalMemory) / 1e9 * 10).rounded() / 10,
                             os: info.operatingSystemVersionString),
            computeSeconds: (computeSeconds * 10).rounded() / 10, samples: samples, missingSamples: missingSamples,
            statuses: statuses)
    }

    /// The JSON text (sorted keys, indented: diff-friendly).
    public var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }

    /// Why a figure rendered with this provenance no longer matches `manifest` and the current code
    /// (empty when it matches): the modules whose sources changed, and a changed manifest.
    public func changes(against manifest: ExperimentManifest, fingerprints: CodeFingerprints) -> [String] {
        var out: [String] = []
        if manifestDigest != CanonicalJSON.sha256(Data(manifest.resolvedYAML().utf8)) { out.append("manifest changed") }
        let changed = cellCode.filter { fingerprints.units[$0.key] != $0.value }.keys.sorted()
        if !changed.isEmpty { out.append("cell code changed (" + changed.joined(separator: ", ") + ")") }
        let renderChanged = renderCode.filter { fingerprints.units[$0.key] != $0.value }.keys.sorted()
        if !renderChanged.isEmpty { out.append("renderer changed (" + renderChanged.joined(separator: ", ") + ")") }
        return out
    }

    /// The statuses a sample does not normally end with, e.g. `3 maxIterations, 1 numericalError`
    /// (most frequent first), or nil when every sample ended as its kind of computation should
    /// (`solved`, `trained`, `evaluated`, or `notComputed` by design).
    public var unusualStatuses: String? {
        let usual: Set<String> = ["solved", "trained", "evaluated", CellResult.notComputedStatus]
        let unusual = (statuses ?? [:]).filter { !usual.contains($0.key) && $0.value > 0 }
            .sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        return unusual.isEmpty ? nil : unusual.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }

    /// The provenance in a figure folder, nil when absent or unreadable.
    public static func read(_ folder: URL) -> FigureProvenance? {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(fileName).path) else { return nil }
        return try? JSONDecoder().decode(FigureProvenance.self, from: data)
    }
}
