import CellEvaluation
import CodeFingerprint
import Foundation
import Manifest
import Planning
import Render
import TaskCache

/// Aggregates a planned figure's cached results and writes its outputs under
/// `outputs/figures/<manifest>/`: per panel an SVG heatmap, an aggregate CSV and a per-sample CSV
/// (`samples-K.csv`: every sample's status and the metrics its cells have, with the digits `verify`
/// needs, see `sampleDigits`); the figure SVG with the panels side by side; the resolved manifest.
///
/// A render stamp (`RenderStamp`: the renderer's code fingerprint, the resolved manifest and the
/// cell keys, plus the digest of every file written) makes rendering incremental: a figure whose
/// inputs are unchanged and whose files are all in place is not rewritten, and none of its cache
/// entries is opened.
public enum FigureWriter {
    /// The code the outputs depend on besides the cells.
    public static let codeUnits = ["Render", "Pipeline/Figures"]

    /// The suffix of panel `index`'s files (`panel-2.csv`): none when the figure has one panel.
    public static func panelSuffix(index: Int, of count: Int) -> String { count == 1 ? "" : "-\(index + 1)" }

    /// The resolved manifest's file name in a figure's folder (what the figure computed).
    public static let manifestName = "manifest.resolved.yaml"

    /// The render stamp's file name in a figure's folder; written only for a complete figure.
    public static let stampName = ".render-stamp"

    /// What rendering one figure did.
    public enum Outcome: Equatable, Sendable {
        case written(missingSamples: Int)
        case unchanged
    }

    /// Every metric name a cell result may hold that rendering keeps, in the per-sample CSV's
    /// column order.
    public static let sampleMetrics = ["recovery", "weight_distance", "test_distance", "test_error", "other_norm",
                                       "cosine", "holds", "largest_lhs", "objective", "iterations", "diverged_epoch",
                                       "seconds"]

    /// Metrics left out of the per-sample CSV: wall-clock `seconds` differs from run to run (so
    /// every line would change when a figure is recomputed); their sum is in `provenance.json`.
    public static let unwrittenMetrics: Set<String> = ["seconds"]

    /// The per-sample CSV's metric columns for `rows`: those of `sampleMetrics` that some row has
    /// (a column empty in every row is left out), without `unwrittenMetrics`.
    public static func sampleColumns(_ rows: [SampleRow]) -> [String] {
        sampleMetrics.filter { name in !unwrittenMetrics.contains(name) && rows.contains { $0.values[name] != nil } }
    }

    /// Significant digits of each metric in the per-sample CSV of cells of `kind`: the fewest that
    /// keep the rounding error within 1 % of the relative part of the tolerance `verify` holds the
    /// metric to (`FigureVerifier.tolerance`): 8 for objectives and conditions, 6 for training,
    /// 5 for what a convex solution defines. Verdicts and iterations are written exactly.
    public static func sampleDigits(kind: CellSpec.Kind) -> [String: Int] {
        var digits: [String: Int] = [:]
        for name in sampleMetrics where !FigureVerifier.verdicts.contains(name) && !FigureVerifier.uncompared.contains(name) {
            let relative = FigureVerifier.tolerance(name, kind: kind).relative
            // Rounding to k significant digits moves a value by at most 5·10^−k of itself.
            var k = 1, error = 0.5
            while error > 0.01 * relative && k < 17 {
                k += 1
                error /= 10
            }
            digits[name] = k
        }
        return digits
    }

    /// Digest of everything the outputs are made from: renderer code, resolved manifest, panel
    /// labels and every sample key in grid order.
    public static func stamp(_ figure: PlannedFigure, context: PipelineContext) throws -> String {
        var bytes = try CanonicalJSON.encode(context.fingerprints.restricted(to: codeUnits))
        bytes.append(Data(figure.manifest.resolvedYAML().utf8))
        for panel in figure.panels {
            bytes.append(Data(panel.label.utf8))
            bytes.append(0)
            for cell in panel.cells {
                for digest in cell.samples { digest.withUnsafeBytes { bytes.append(contentsOf: $0) } }
            }
        }
        return CanonicalJSON.sha256(bytes)
    }

    /// Whether the figure's outputs are current: the stamp's inputs match and every file it lists
    /// is in place with its recorded digest. Reads no cache entry.
    public static func isUpToDate(_ figure: PlannedFigure, context: PipelineContext) -> Bool {
        let folder = context.figureFolder(figure.manifest.name)
        guard let stored = RenderStamp.read(in: folder), let inputs = try? stamp(figure, context: context) else { return false }
        return stored.inputs == inputs && stored.outputsIntact(in: folder)
    }

    /// Writes the figure unless it is up to date (`force` rewrites anyway). Results come from
    /// `results` when it has them (a run passes what it verified or computed), else from the cache
    /// (each entry read and verified once).
    @discardableResult
    public static func write(_ figure: PlannedFigure, context: PipelineContext, results: ResultTable? = nil,
                             force: Bool = false) throws -> Outcome {
        let folder = context.figureFolder(figure.manifest.name)
        let stampURL = folder.appendingPathComponent(stampName)
        // Cells are all present when the stamp can be trusted: a stamp is only written then.
        if !force, isUpToDate(figure, context: context) { return .unchanged }
        let inputs = try stamp(figure, context: context)
        let lookup: (TaskDigest) -> RenderedMetrics? = { digest in
            // A task another run finished meanwhile (runs sharing the cache) is read from the cache.
            if let known = results?[digest] { return known }
            return context.result(digest.hex).map(RenderedMetrics.init)
        }
        var missing = 0
        var files: [(name: String, sha256: String)] = []
        func put(_ text: String, _ name: String) throws {
            let data = Data(text.utf8)
            try AtomicFile.write(data, to: folder.appendingPathComponent(name))
            files.append((name, CanonicalJSON.sha256(data)))
        }
        let manifest = figure.manifest
        let metric = manifest.metric.rawValue
        let options = renderOptions(manifest)
        var panels: [HeatmapPanel] = []
        var computeSeconds = 0.0, samplesWithResults = 0
        var statuses: [String: Int] = [:]
        // One cell of each panel: its kind of computation and the code it runs.
        let panelCells = manifest.panels().map { $0.cell.cellSpec(n: manifest.grid.n.first ?? 1, d: manifest.grid.d.first ?? 1, sample: 0) }
        for panel in figure.panels {
            var samples: [GridCell: [Double]] = [:]
            var rows: [SampleRow] = []
            for cell in panel.cells {
                var values: [Double] = []
                var blank = false
                for (sample, digest) in cell.samples.enumerated() {
                    guard let result = lookup(digest) else { missing += 1; continue }
                    rows.append(SampleRow(n: cell.n, d: cell.d, sample: sample, status: result.status, values: result.dictionary))
                    statuses[result.status, default: 0] += 1
                    if result.notComputed { blank = true; continue }
                    samplesWithResults += 1
                    computeSeconds += result["seconds"] ?? 0
                    if let v = result[metric] { values.append(v) }
                }
                if !blank && !values.isEmpty { samples[GridCell(n: cell.n, d: cell.d)] = values }
            }
            let heatmap = HeatmapPanel(title: manifest.title, sweepLabel: panel.label.isEmpty ? nil : panel.label,
                                       nValues: manifest.grid.n, dValues: manifest.grid.d, samples: samples)
            panels.append(heatmap)
            let suffix = panelSuffix(index: panel.index, of: figure.panels.count)
            try put(SVG.panel(heatmap, options: options), "panel\(suffix).svg")
            try put(CSV.aggregates(heatmap), "panel\(suffix).csv")
            try put(CSV.samples(rows, metrics: sampleColumns(rows), digits: sampleDigits(kind: panelCells[panel.index].kind)),
                    "samples\(suffix).csv")
        }
        try put(SVG.figure(title: manifest.title, panels: panels, options: options), "figure.svg")
        try put(manifest.resolvedYAML(), manifestName)
        var cellCode: [String: String] = [:]
        for cell in panelCells {
            cellCode.merge(context.fingerprints.restricted(to: cell.codeUnits)) { a, _ in a }
        }
        try put(FigureProvenance.make(manifest, fingerprints: cellCode, renderer: context.fingerprints.restricted(to: codeUnits),
                                      computeSeconds: computeSeconds, samples: samplesWithResults,
                                      missingSamples: missing, statuses: statuses).text, FigureProvenance.fileName)
        if missing == 0 {
            try AtomicFile.write(Data(RenderStamp(inputs: inputs, files: files).text.utf8), to: stampURL)
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
