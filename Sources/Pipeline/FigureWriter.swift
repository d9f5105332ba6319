import CellEvaluation
import CodeFingerprint
import Foundation
import Manifest
import Planning
import Render
import TaskCache

/// Aggregates a planned figure's cached results and writes its outputs under
/// `outputs/figures/<manifest>/`: per panel an SVG heatmap, an aggregate CSV and a per-sample CSV
/// with every metric; the figure SVG with the panels side by side; the resolved manifest.
///
/// A render stamp (the renderer's code fingerprint, the resolved manifest and the cell keys)
/// makes rendering incremental: an unchanged figure is not rewritten.
public enum FigureWriter {
    /// The code the outputs depend on besides the cells.
    public static let codeUnits = ["Render", "Pipeline"]

    /// The render stamp's file name in a figure's folder; written only for a complete figure.
    public static let stampName = ".render-stamp"

    /// What rendering one figure did.
    public enum Outcome: Equatable, Sendable {
        case written(missingSamples: Int)
        case unchanged
    }

    /// Every metric name that may appear in per-sample CSVs, in column order.
    public static let sampleMetrics = ["recovery", "weight_distance", "test_distance", "test_error", "other_norm",
                                       "cosine", "holds", "largest_lhs", "objective", "iterations", "seconds"]

    public static func stamp(_ figure: PlannedFigure, context: PipelineContext) throws -> String {
        var bytes = try CanonicalJSON.encode(context.fingerprints.restricted(to: codeUnits))
        bytes.append(Data(figure.manifest.resolvedYAML().utf8))
        for panel in figure.panels {
            bytes.append(Data(panel.label.utf8))
            for cell in panel.cells { bytes.append(Data(cell.sampleKeys.joined(separator: ",").utf8)) }
        }
        return CanonicalJSON.sha256(bytes)
    }

    /// Writes the figure unless its stamp is unchanged (`force` rewrites anyway).
    @discardableResult
    public static func write(_ figure: PlannedFigure, context: PipelineContext, force: Bool = false) throws -> Outcome {
        let folder = context.figureFolder(figure.manifest.name)
        let stampURL = folder.appendingPathComponent(stampName)
        let stamp = try stamp(figure, context: context)
        let previous = FileManager.default.contents(atPath: stampURL.path).map { String(decoding: $0, as: UTF8.self) }
        var missing = 0
        // Cells are all present when the stamp can be trusted: a stamp is only written then.
        if !force, previous == stamp, FileManager.default.fileExists(atPath: folder.appendingPathComponent("figure.svg").path) {
            return .unchanged
        }
        let manifest = figure.manifest
        let metric = manifest.metric.rawValue
        let options = renderOptions(manifest)
        var panels: [HeatmapPanel] = []
        for panel in figure.panels {
            var samples: [GridCell: [Double]] = [:]
            var rows: [SampleRow] = []
            for cell in panel.cells {
                var values: [Double] = []
                var blank = false
                for (sample, key) in cell.sampleKeys.enumerated() {
                    guard let result = context.result(key) else { missing += 1; continue }
                    if result.isNotComputed { blank = true; continue }
                    rows.append(SampleRow(n: cell.n, d: cell.d, sample: sample, values: result.metrics))
                    if let v = result.metrics[metric] { values.append(v) }
                }
                if !blank && !values.isEmpty { samples[GridCell(n: cell.n, d: cell.d)] = values }
            }
            let heatmap = HeatmapPanel(title: manifest.title, sweepLabel: panel.label.isEmpty ? nil : panel.label,
                                       nValues: manifest.grid.n, dValues: manifest.grid.d, samples: samples)
            panels.append(heatmap)
            let suffix = figure.panels.count == 1 ? "" : "-\(panel.index + 1)"
            try AtomicFile.write(Data(SVG.panel(heatmap, options: options).utf8),
                                 to: folder.appendingPathComponent("panel\(suffix).svg"))
            try AtomicFile.write(Data(CSV.aggregates(heatmap).utf8), to: folder.appendingPathComponent("panel\(suffix).csv"))
            try AtomicFile.write(Data(CSV.samples(rows, metrics: sampleMetrics).utf8),
                                 to: folder.appendingPathComponent("samples\(suffix).csv"))
        }
        try AtomicFile.write(Data(SVG.figure(title: manifest.title, panels: panels, options: options).utf8),
                             to: folder.appendingPathComponent("figure.svg"))
        try AtomicFile.write(Data(manifest.resolvedYAML().utf8), to: folder.appendingPathComponent("manifest.resolved.yaml"))
        if missing == 0 {
            try AtomicFile.write(Data(stamp.utf8), to: stampURL)
        } else {
            try? FileManager.default.removeItem(at: stampURL)
        }
        return .written(missingSamples: missing)
    }

    static func renderOptions(_ manifest: ExperimentManifest) -> Render.RenderOptions {
        let r = manifest.render
        return Render.RenderOptions(
            valueRange: r.rangeLow...r.rangeHigh, levels: r.levels, colormap: .jet,
            boundaryLevels: r.boundary.map { [$0] } ?? [], metricName: manifest.metric.rawValue,
            overRange: r.markOverRange ? .automatic : .never,
            style: Render.HeatmapStyle(rawValue: r.style) ?? .cells)
    }
}
