import Foundation
import Manifest
import Render
import TaskCache

/// Writes `outputs/index.html`, the gallery of every rendered figure, from what is on disk: each
/// folder under `outputs/figures/` with a `figure.svg`, its panel CSVs and its
/// `manifest.resolved.yaml`. It reads no cache entry and needs no plan, so a run of one manifest
/// keeps the others in the gallery.
public enum GalleryWriter {
    /// The gallery's file name, in the outputs folder.
    public static let fileName = "index.html"

    /// Writes the gallery of every figure folder (by name) and returns its URL. A folder without
    /// `figure.svg` or with an unreadable manifest is left out.
    @discardableResult
    public static func write(context: PipelineContext) throws -> URL {
        let outputs = context.outputs
        let figures = outputs.appendingPathComponent("figures")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: figures.path)) ?? []).sorted()
        var entries: [GalleryFigure] = []
        for name in names {
            let folder = context.figureFolder(name)
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("figure.svg").path),
                  let yaml = try? String(contentsOf: folder.appendingPathComponent(FigureWriter.manifestName), encoding: .utf8),
                  let manifest = try? ExperimentManifest.parse(yaml: yaml, name: name) else { continue }
            entries.append(try entry(manifest, folder: folder))
        }
        let page = Gallery.html(
            heading: "neural-recovery: the paper's figures",
            preamble: "Every figure rendered under outputs/figures/, from the manifests in experiments/. "
                + "Boundaries: per d the smallest n from which on the mean stays ≥ 0.5 (recovery, conditions) or ≤ 0.1 (distances), fitted as n ≈ c·d.",
            figures: entries)
        let url = outputs.appendingPathComponent(fileName)
        try AtomicFile.write(Data(page.utf8), to: url)
        return url
    }

    /// The criterion of a metric's phase boundary, nil for metrics without one.
    public static func boundaryCriterion(_ metric: Metric) -> (PhaseBoundary.Criterion, String)? {
        switch metric {
        case .recovery: return (.atLeast(0.5), "recovery ≥ 0.5")
        case .holds: return (.atLeast(0.5), "holds ≥ 0.5")
        case .weightDistance: return (.atMost(0.1), "distance ≤ 0.1")
        case .testDistance: return (.atMost(0.1), "test distance ≤ 0.1")
        default: return nil
        }
    }

    /// One line: what a manifest's cells compute and what is drawn.
    public static func statement(_ manifest: ExperimentManifest) -> String {
        let cell = manifest.cell
        var parts: [String] = []
        if let condition = cell.condition {
            parts.append("condition \(condition.rawValue)")
        } else {
            parts.append("learned \(cell.learned?.rawValue ?? "?") · \(cell.formulation?.rawValue ?? "?")")
        }
        parts.append("planted \(cell.planted.rawValue) (\(cell.data.rawValue) data)")
        parts.append("metric \(manifest.metric.rawValue)")
        if let sweep = manifest.sweep {
            parts.append("sweep " + sweep.axes.map { "\($0.key.rawValue) ∈ {\($0.values.map(\.description).joined(separator: ", "))}" }
                .joined(separator: " × "))
        }
        parts.append("\(manifest.grid.n.count) × \(manifest.grid.d.count) cells, \(manifest.grid.samples) samples")
        if cell.learned == .normalized && cell.formulation == .relaxed {
            // README, "The n = d diagonal": a property of eq. 17, not a solver failure.
            parts.append("on the diagonal n = d the all-ones pattern fits y as cheaply as the planted one (k = 1) or more "
                + "cheaply (k ≥ 2), so recovery reads 0 there")
        }
        return parts.joined(separator: " · ")
    }

    static func entry(_ manifest: ExperimentManifest, folder: URL) throws -> GalleryFigure {
        let panels = manifest.panels()
        let relative = "figures/\(manifest.name)/"
        var links: [GalleryFigure.Link] = []
        var boundaries: [GalleryFigure.Boundary] = []
        var missingCells = 0
        for panel in panels {
            let suffix = FigureWriter.panelSuffix(index: panel.index, of: panels.count)
            links.append(.init(label: "panel\(suffix).csv", path: relative + "panel\(suffix).csv"))
            links.append(.init(label: "samples\(suffix).csv", path: relative + "samples\(suffix).csv"))
            let csv = folder.appendingPathComponent("panel\(suffix).csv")
            guard FileManager.default.fileExists(atPath: csv.path) else { missingCells += manifest.grid.n.count * manifest.grid.d.count; continue }
            let cells = try CSV.readAggregates(String(contentsOf: csv, encoding: .utf8))
            let heatmap = HeatmapPanel(title: manifest.title, sweepLabel: panel.label.isEmpty ? nil : panel.label,
                                       nValues: manifest.grid.n, dValues: manifest.grid.d, cells: cells)
            missingCells += manifest.grid.n.count * manifest.grid.d.count - heatmap.cells.count
            if let (criterion, text) = boundaryCriterion(manifest.metric) {
                boundaries.append(.init(panel: panel.label.isEmpty ? "—" : panel.label, criterion: text,
                                        slope: PhaseBoundary(heatmap, criterion: criterion).slope))
            }
        }
        links.append(.init(label: "manifest", path: relative + FigureWriter.manifestName))
        // FigureWriter stamps a figure only when every sample of every cell had a result.
        var incomplete: String?
        if !FileManager.default.fileExists(atPath: folder.appendingPathComponent(FigureWriter.stampName).path) {
            incomplete = "some samples were not computed when it was rendered"
                + (missingCells > 0 ? " (\(missingCells) cell\(missingCells == 1 ? "" : "s") blank)" : "")
        }
        var line = statement(manifest)
        if let provenance = FigureProvenance.read(folder) {
            line += " · rendered \(provenance.rendered) by \(provenance.tool) on \(provenance.machine.cores) cores, "
                + "\(Int(provenance.computeSeconds.rounded())) s of compute"
            if let unusual = provenance.unusualStatuses { line += " · samples that did not end normally: \(unusual)" }
            links.append(.init(label: "provenance", path: relative + FigureProvenance.fileName))
        }
        return GalleryFigure(name: manifest.name, title: manifest.title, statement: line,
                             image: relative + "figure.svg", links: links, boundaries: boundaries, incomplete: incomplete)
    }

}
