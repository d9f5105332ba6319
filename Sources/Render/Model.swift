/// The position of one grid cell: `n` samples (x axis) and dimension `d` (y axis).
public struct GridCell: Sendable, Hashable, Comparable {
    /// Number of samples (x axis).
    public var n: Int
    /// Dimension (y axis).
    public var d: Int

    /// Creates a cell position.
    public init(n: Int, d: Int) {
        self.n = n
        self.d = d
    }

    /// Orders by `n`, then `d` (the row order of the CSV files).
    public static func < (a: GridCell, b: GridCell) -> Bool {
        (a.n, a.d) < (b.n, b.d)
    }
}

/// Summary of one metric over the samples of one cell.
public struct CellAggregate: Sendable, Equatable {
    /// Number of samples aggregated.
    public var count: Int
    /// Mean over the samples: the value the heatmap colours.
    public var mean: Double
    /// Standard deviation over the samples (whatever convention the caller used).
    public var std: Double
    /// Smallest sample.
    public var min: Double
    /// Largest sample.
    public var max: Double

    /// Creates an aggregate from precomputed statistics.
    public init(count: Int, mean: Double, std: Double, min: Double, max: Double) {
        self.count = count
        self.mean = mean
        self.std = std
        self.min = min
        self.max = max
    }

    /// Aggregates `samples`, ignoring NaNs: `count` is the number of non-NaN samples and `std`
    /// the population standard deviation (divisor `count`, NumPy's default).
    /// Returns nil when no non-NaN sample is left.
    public init?(samples: [Double]) {
        let values = samples.filter { !$0.isNaN }
        guard !values.isEmpty else { return nil }
        var sum = 0.0
        for v in values { sum += v }
        let mean = sum / Double(values.count)
        var squares = 0.0
        for v in values { squares += (v - mean) * (v - mean) }
        self.init(count: values.count, mean: mean, std: (squares / Double(values.count)).squareRoot(),
                  min: values.min()!, max: values.max()!)
    }
}

/// One heatmap: the aggregated metric over an (n, d) grid.
public struct HeatmapPanel: Sendable, Equatable {
    /// Title (the figure's or the panel's own); shown above a stand-alone panel.
    public var title: String
    /// The sweep value this panel shows, e.g. `σ = 0.05`; nil when the figure has no sweep.
    public var sweepLabel: String?
    /// The x values, strictly increasing.
    public let nValues: [Int]
    /// The y values, strictly increasing. Columns and rows are drawn equally wide and tall
    /// whatever the spacing of the values.
    public let dValues: [Int]
    /// The aggregate of each computed cell; a grid cell without an entry was not computed and is
    /// drawn blank. Entries off the grid are ignored.
    public var cells: [GridCell: CellAggregate]

    /// Creates a panel. `nValues` and `dValues` are sorted and de-duplicated.
    public init(title: String, sweepLabel: String? = nil, nValues: [Int], dValues: [Int],
                cells: [GridCell: CellAggregate]) {
        self.title = title
        self.sweepLabel = sweepLabel
        self.nValues = Array(Set(nValues)).sorted()
        self.dValues = Array(Set(dValues)).sorted()
        self.cells = cells
    }

    /// Creates a panel from raw samples per cell, aggregated by `CellAggregate(samples:)`;
    /// a cell whose samples are all NaN (or empty) stays blank.
    public init(title: String, sweepLabel: String? = nil, nValues: [Int], dValues: [Int],
                samples: [GridCell: [Double]]) {
        var cells: [GridCell: CellAggregate] = [:]
        for (cell, values) in samples {
            if let aggregate = CellAggregate(samples: values) { cells[cell] = aggregate }
        }
        self.init(title: title, sweepLabel: sweepLabel, nValues: nValues, dValues: dValues, cells: cells)
    }

    /// The aggregate at (n, d), or nil when not computed.
    public func aggregate(n: Int, d: Int) -> CellAggregate? {
        cells[GridCell(n: n, d: d)]
    }

    /// The grid cells in CSV order (n, then d).
    public var gridCells: [GridCell] {
        nValues.flatMap { n in dValues.map { d in GridCell(n: n, d: d) } }
    }

    /// The paper's default grid: n ∈ {10, 20, …, 400}.
    public static let defaultNValues: [Int] = Array(stride(from: 10, through: 400, by: 10))
    /// The paper's default grid: d ∈ {10, 20, …, 100}.
    public static let defaultDValues: [Int] = Array(stride(from: 10, through: 100, by: 10))
}

/// How the colour bar's top box is marked as also standing for values above the range.
public enum OverRangeMarking: Sendable, Equatable {
    /// Mark it when some computed cell's mean lies above the range.
    case automatic
    /// Always mark it (e.g. a distance metric, whatever this grid holds).
    case always
    /// Never mark it.
    case never
}

/// How a panel draws its cell means.
public enum HeatmapStyle: String, Sendable, Equatable, CaseIterable {
    /// One filled rectangle per computed cell in the colour of its band: the data as computed.
    case cells
    /// Filled contours of the means interpolated between cell centres (marching squares), with
    /// smooth boundary lines: the paper's look. Cells not computed stay blank around them.
    case contour
}

/// How panels are drawn. All sizes are in SVG user units (pixels).
public struct RenderOptions: Sendable, Equatable {
    /// The values mapped onto the colormap; outside values clamp to the end colours.
    public var valueRange: ClosedRange<Double>
    /// Number of discrete colours (levels); level k ∈ 0..<levels is drawn in
    /// `colormap(k / (levels − 1))`; see `levelIndex(of:)` for which values each level holds.
    public var levels: Int
    /// The colormap.
    public var colormap: Colormap
    /// Boundary lines to draw: each separates computed cells with mean ≥ level from computed
    /// cells with mean < level, as a staircase along cell edges.
    public var boundaryLevels: [Double]
    /// Label of the x axis.
    public var xAxisLabel: String
    /// Label of the y axis.
    public var yAxisLabel: String
    /// Label of the colour bar (the metric), empty for none.
    public var metricName: String
    /// Whether the colour bar marks its top box as including over-range values.
    public var overRange: OverRangeMarking
    /// Width of a panel's plot area (the cells); each column is `plotWidth / columns` wide.
    public var plotWidth: Double
    /// Height of a panel's plot area; each row is `plotHeight / rows` tall. The defaults give the
    /// paper's 4 : 3 axes whatever the grid, so cells need not be square.
    public var plotHeight: Double
    /// How the cell means are drawn.
    public var style: HeatmapStyle
    /// Font size of tick labels; titles and axis labels scale from it.
    public var fontSize: Double
    /// Panels per row in a figure before wrapping.
    public var panelsPerRow: Int

    /// Creates options; the defaults are the paper's look (jet, 11 levels over [0, 1]).
    public init(valueRange: ClosedRange<Double> = 0...1, levels: Int = 11, colormap: Colormap = .jet,
                boundaryLevels: [Double] = [], xAxisLabel: String = "n", yAxisLabel: String = "d",
                metricName: String = "", overRange: OverRangeMarking = .automatic,
                plotWidth: Double = 300, plotHeight: Double = 225, style: HeatmapStyle = .cells,
                fontSize: Double = 11, panelsPerRow: Int = 2) {
        self.valueRange = valueRange
        self.levels = levels
        self.colormap = colormap
        self.boundaryLevels = boundaryLevels
        self.xAxisLabel = xAxisLabel
        self.yAxisLabel = yAxisLabel
        self.metricName = metricName
        self.overRange = overRange
        self.plotWidth = plotWidth
        self.plotHeight = plotHeight
        self.style = style
        self.fontSize = fontSize
        self.panelsPerRow = panelsPerRow
    }

    /// Number of levels actually used (at least 2).
    public var effectiveLevels: Int { Swift.max(2, levels) }

    /// The level (colour band) a value is drawn in. With w = (upper − lower) / (levels − 1),
    /// band k < levels − 1 holds [lower + k w, lower + (k + 1) w) and the top band holds
    /// [upper, ∞): for the default 11 levels over [0, 1] the bands are [0, 0.1), …, [0.9, 1) and
    /// [1, ∞), so each possible mean of 10 success/failure samples has its own colour, a
    /// boundary at a band edge (0.9, 1) separates exactly the colours at and above it, and
    /// over-range values share the top colour. Values below `lower` take band 0; values within
    /// `edgeTolerance` below an edge count as on it (so 0.30000000000000004 and
    /// 0.29999999999999999 both land in [0.3, 0.4)). Nil for NaN.
    public func levelIndex(of value: Double) -> Int? {
        guard !value.isNaN else { return nil }
        let count = effectiveLevels
        let width = valueRange.upperBound - valueRange.lowerBound
        if !(width > 0) { return value >= valueRange.upperBound ? count - 1 : 0 }
        let t = (value - valueRange.lowerBound) / width * Double(count - 1) + RenderOptions.relativeEdgeTolerance
        if !(t > 0) { return 0 }
        if t >= Double(count - 1) { return count - 1 }
        return Int(t.rounded(.down))
    }

    /// Band edges are matched up to this fraction of a band's width.
    public static let relativeEdgeTolerance = 1e-9

    /// Absolute tolerance at band edges and boundary levels: `relativeEdgeTolerance` × band width.
    public var edgeTolerance: Double {
        let width = valueRange.upperBound - valueRange.lowerBound
        return width > 0 ? RenderOptions.relativeEdgeTolerance * width / Double(effectiveLevels - 1) : 0
    }

    /// Whether `value` is on the upper side of boundary `level` (≥, with `edgeTolerance`).
    public func isAtOrAbove(_ value: Double, level: Double) -> Bool {
        value >= level - edgeTolerance
    }

    /// The lower edge of band `index` (the top band's is `upper`), which the colour bar shows
    /// at that band's bottom edge.
    public func levelValue(_ index: Int) -> Double {
        let count = effectiveLevels
        if index == count - 1 { return valueRange.upperBound }
        return valueRange.lowerBound + Double(index) * (valueRange.upperBound - valueRange.lowerBound) / Double(count - 1)
    }

    /// The colour of level `index`.
    public func levelColor(_ index: Int) -> RGB {
        colormap.color(at: Double(index) / Double(effectiveLevels - 1))
    }

    /// The colour a value is drawn in; nil for NaN.
    public func color(for value: Double) -> RGB? {
        levelIndex(of: value).map(levelColor)
    }
}
