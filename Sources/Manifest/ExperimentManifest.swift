/// One experiment: a heatmap (or a row of panels) of one metric over an (n, d) grid.
public struct ExperimentManifest: Codable, Equatable, Sendable {
    /// The manifest's file stem, e.g. `fig07`: names the figure's outputs.
    public var name: String
    /// Human-readable title, e.g. "Figure 7: ReLU-skip, relaxed (eq. 15), weight distance".
    public var title: String
    /// What every cell computes, before the sweep substitutes its values.
    public var cell: CellParameters
    /// Values that vary from panel to panel; nil for a single panel.
    public var sweep: Sweep?
    /// The (n, d) grid and number of samples per cell.
    public var grid: Grid
    /// The metric drawn.
    public var metric: Metric
    /// How the heatmap is drawn.
    public var render: RenderOptions

    public init(name: String, title: String, cell: CellParameters, sweep: Sweep? = nil, grid: Grid = Grid(),
                metric: Metric, render: RenderOptions = RenderOptions()) {
        self.name = name
        self.title = title
        self.cell = cell
        self.sweep = sweep
        self.grid = grid
        self.metric = metric
        self.render = render
    }
}

/// The (n, d) grid of a heatmap.
public struct Grid: Codable, Equatable, Sendable {
    /// Sample counts n (x axis), increasing. YAML: a list or `{from, to, step}`.
    public var n: [Int]
    /// Dimensions d (y axis), increasing. YAML: a list or `{from, to, step}`.
    public var d: [Int]
    /// Samples per cell (≥ 1).
    public var samples: Int

    /// The docs/science.md §6 default: n ∈ {10, 20, …, 400}, d ∈ {10, 20, …, 100}, 10 samples.
    public init(n: [Int] = Array(stride(from: 10, through: 400, by: 10)),
                d: [Int] = Array(stride(from: 10, through: 100, by: 10)), samples: Int = 10) {
        self.n = n
        self.d = d
        self.samples = samples
    }
}

/// How the heatmap is drawn.
public struct RenderOptions: Codable, Equatable, Sendable {
    /// Lower end of the colour scale (YAML `range: [lo, hi]`, default [0, 1]).
    public var rangeLow: Double
    /// Upper end of the colour scale; larger values get the top colour.
    public var rangeHigh: Double
    /// Number of contour levels (default 11).
    public var levels: Int
    /// Optional contour line drawn at this value (e.g. 0.9 for recovery).
    public var boundary: Double?
    /// Colormap name (default `jet`).
    public var colormap: String
    /// Whether values above the range are marked in the colour bar (default true).
    public var markOverRange: Bool
    /// How cells are drawn: `cells` (one rectangle per cell, the data as computed; default) or
    /// `contour` (filled contours interpolated between cell centres, the paper's look).
    public var style: String

    /// Colormap names a manifest may ask for.
    public static let colormaps = ["jet"]
    /// Drawing styles a manifest may ask for.
    public static let styles = ["cells", "contour"]

    public init(rangeLow: Double = 0, rangeHigh: Double = 1, levels: Int = 11, boundary: Double? = nil,
                colormap: String = "jet", markOverRange: Bool = true, style: String = "cells") {
        self.rangeLow = rangeLow
        self.rangeHigh = rangeHigh
        self.levels = levels
        self.boundary = boundary
        self.colormap = colormap
        self.markOverRange = markOverRange
        self.style = style
    }
}
