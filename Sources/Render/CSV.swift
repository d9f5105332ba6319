/// One sample at one grid cell, for the per-sample CSV: how its computation ended and its metrics.
public struct SampleRow: Sendable, Equatable {
    /// Number of samples (x).
    public var n: Int
    /// Dimension (y).
    public var d: Int
    /// Index of the sample within the cell.
    public var sample: Int
    /// How the computation ended (`solved`, `maxIterations`, `trained`, `evaluated`, `notComputed`, …).
    public var status: String
    /// Metric name → value; a metric missing here is written as an empty field.
    public var values: [String: Double]

    /// Creates a row.
    public init(n: Int, d: Int, sample: Int, status: String, values: [String: Double]) {
        self.n = n
        self.d = d
        self.sample = sample
        self.status = status
        self.values = values
    }
}

/// CSV text for aggregates and samples. Lines end in `\n`; aggregates are written by
/// `Format.roundTrip` (shortest text that reads back as the same Double), per-sample metrics with
/// the significant digits the caller asks for (`Format.significant`), so the same input always
/// gives the same bytes.
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

    /// The leading columns of the per-sample CSV, before the metrics.
    public static let sampleKeys = ["n", "d", "sample", "status"]

    /// The header of the per-sample CSV: `n,d,sample,status` then the metric names in the order given.
    public static func sampleHeader(metrics: [String]) -> String {
        (sampleKeys + metrics).map(Format.csvField).joined(separator: ",") + "\n"
    }

    /// One line of the per-sample CSV, fields in the order of `metrics`; a metric's value is written
    /// with `digits[metric]` significant digits (all 17 when not given, i.e. exactly), NaN as `nan`.
    public static func sampleLine(_ row: SampleRow, metrics: [String], digits: [String: Int] = [:]) -> String {
        var fields = [String(row.n), String(row.d), String(row.sample), Format.csvField(row.status)]
        for name in metrics {
            fields.append(row.values[name].map { Format.significant($0, digits: digits[name] ?? 17) } ?? "")
        }
        return fields.joined(separator: ",") + "\n"
    }

    /// The per-sample CSV: header, then one line per row in the order given.
    public static func samples(_ rows: [SampleRow], metrics: [String], digits: [String: Int] = [:]) -> String {
        var out = sampleHeader(metrics: metrics)
        for row in rows { out += sampleLine(row, metrics: metrics, digits: digits) }
        return out
    }

    /// Why a per-sample CSV cannot be read: the line (1 = the header) and what is wrong.
    public struct SampleFileError: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "\(line): \(message)" }
    }

    /// The rows of a per-sample CSV written by `samples`, in file order (an empty field is a
    /// metric without value). Metric names and statuses are read as written, unquoted; the
    /// file must start with the header `n,d,sample,status`.
    public static func readSamples(_ text: String) throws -> [SampleRow] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).makeIterator()
        guard let header = lines.next()?.split(separator: ",", omittingEmptySubsequences: false).map(String.init),
              header.starts(with: sampleKeys) else {
            throw SampleFileError(line: 1, message: "not a per-sample CSV (the header must start \(sampleKeys.joined(separator: ",")))")
        }
        let metrics = header.dropFirst(sampleKeys.count)
        var rows: [SampleRow] = []
        var number = 1
        while let line = lines.next() {
            number += 1
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == header.count, let n = Int(fields[0]), let d = Int(fields[1]), let s = Int(fields[2]),
                  !fields[3].isEmpty else {
                throw SampleFileError(line: number, message: "malformed row (\(header.count) fields expected: n, d, sample, status, metrics)")
            }
            var values: [String: Double] = [:]
            for (name, field) in zip(metrics, fields.dropFirst(sampleKeys.count)) where !field.isEmpty {
                guard let value = Double(field) else { throw SampleFileError(line: number, message: "'\(field)' is not a number") }
                values[name] = value
            }
            rows.append(SampleRow(n: n, d: d, sample: s, status: String(fields[3]), values: values))
        }
        return rows
    }
}
