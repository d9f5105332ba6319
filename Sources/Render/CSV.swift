/// One sample's metrics at one grid cell, for the per-sample CSV.
public struct SampleRow: Sendable, Equatable {
    /// Number of samples (x).
    public var n: Int
    /// Dimension (y).
    public var d: Int
    /// Index of the sample within the cell.
    public var sample: Int
    /// Metric name → value; a metric missing here, or NaN, is written as an empty field.
    public var values: [String: Double]

    /// Creates a row.
    public init(n: Int, d: Int, sample: Int, values: [String: Double]) {
        self.n = n
        self.d = d
        self.sample = sample
        self.values = values
    }
}

/// CSV text for aggregates and samples. Lines end in `\n`, numbers are written by
/// `Format.roundTrip` (shortest text that reads back as the same Double), so the same
/// input always gives the same bytes.
public enum CSV {
    /// Header of the aggregate CSV.
    public static let aggregateHeader = ["n", "d", "count", "mean", "std", "min", "max"]

    /// The tidy aggregate CSV of a panel: header `n,d,count,mean,std,min,max`, then one row per
    /// grid cell ordered by n then d; a cell not computed keeps its n and d and leaves the other
    /// fields empty.
    public static func aggregates(_ panel: HeatmapPanel) -> String {
        var out = aggregateHeader.joined(separator: ",") + "\n"
        for cell in panel.gridCells {
            var fields = [String(cell.n), String(cell.d)]
            if let a = panel.cells[cell] {
                fields += [String(a.count), Format.roundTrip(a.mean), Format.roundTrip(a.std),
                           Format.roundTrip(a.min), Format.roundTrip(a.max)]
            } else {
                fields += ["", "", "", "", ""]
            }
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    /// The cells of an aggregate CSV written by `aggregates` (rows with empty fields, i.e. cells not
    /// computed, and lines that are not rows are left out).
    public static func readAggregates(_ text: String) -> [GridCell: CellAggregate] {
        var cells: [GridCell: CellAggregate] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == aggregateHeader.count, let n = Int(f[0]), let d = Int(f[1]), let count = Int(f[2]),
                  let mean = Double(f[3]), let std = Double(f[4]), let lo = Double(f[5]), let hi = Double(f[6]) else { continue }
            cells[GridCell(n: n, d: d)] = CellAggregate(count: count, mean: mean, std: std, min: lo, max: hi)
        }
        return cells
    }

    /// The header of the per-sample CSV: `n,d,sample` then the metric names in the order given.
    public static func sampleHeader(metrics: [String]) -> String {
        (["n", "d", "sample"] + metrics).map(Format.csvField).joined(separator: ",") + "\n"
    }

    /// One line of the per-sample CSV, fields in the order of `metrics`.
    public static func sampleLine(_ row: SampleRow, metrics: [String]) -> String {
        var fields = [String(row.n), String(row.d), String(row.sample)]
        for name in metrics {
            fields.append(row.values[name].map(Format.roundTrip) ?? "")
        }
        return fields.joined(separator: ",") + "\n"
    }

    /// The per-sample CSV: header, then one line per row in the order given.
    public static func samples(_ rows: [SampleRow], metrics: [String]) -> String {
        var out = sampleHeader(metrics: metrics)
        for row in rows { out += sampleLine(row, metrics: metrics) }
        return out
    }
}
