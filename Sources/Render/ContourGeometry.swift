/// Filled contours and contour lines of a panel's means by marching squares.
///
/// The means sit at the cell centres; the field is extended to the plot frame by repeating the
/// outermost centres, so the contours fill the same area as the cells. Inside each square of four
/// neighbouring nodes the field is interpolated linearly along the edges (the classic marching
/// squares), and a saddle is resolved by the mean of its four corners. A square with a corner
/// that was not computed (or NaN) is left blank.
struct ContourField {
    /// Node x coordinates, left to right.
    let xs: [Double]
    /// Node y coordinates, bottom to top (in SVG units, so decreasing).
    let ys: [Double]
    /// `values[a][b]` at (`xs[a]`, `ys[b]`); NaN where the cell was not computed.
    let values: [[Double]]

    /// The field of `panel` drawn with its cell area's top-left corner at (`left`, `top`).
    init(_ panel: HeatmapPanel, left: Double, top: Double, cellWidth: Double, cellHeight: Double) {
        let columns = panel.nValues.count, rows = panel.dValues.count
        var xs = [left]
        for i in 0..<columns { xs.append(left + (Double(i) + 0.5) * cellWidth) }
        xs.append(left + Double(columns) * cellWidth)
        let bottom = top + Double(rows) * cellHeight
        var ys = [bottom]
        for j in 0..<rows { ys.append(bottom - (Double(j) + 0.5) * cellHeight) }
        ys.append(top)
        self.xs = xs
        self.ys = ys
        values = (0..<(columns + 2)).map { a in
            let i = min(max(a - 1, 0), max(columns - 1, 0))
            return (0..<(rows + 2)).map { b in
                let j = min(max(b - 1, 0), max(rows - 1, 0))
                guard columns > 0, rows > 0 else { return .nan }
                return panel.cells[GridCell(n: panel.nValues[i], d: panel.dValues[j])]?.mean ?? .nan
            }
        }
    }

    struct Point: Equatable {
        var x: Double
        var y: Double
    }

    /// The four corners of square (a, b), counter-clockwise from bottom-left, with their values;
    /// nil when a corner is missing.
    private func corners(_ a: Int, _ b: Int) -> [(Point, Double)]? {
        let nodes = [(a, b), (a + 1, b), (a + 1, b + 1), (a, b + 1)]
        var out: [(Point, Double)] = []
        for (i, j) in nodes {
            let v = values[i][j]
            guard !v.isNaN else { return nil }
            out.append((Point(x: xs[i], y: ys[j]), v))
        }
        return out
    }

    /// Where the field crosses `threshold` on the edge from `p` to `q`.
    private func crossing(_ p: (Point, Double), _ q: (Point, Double), _ threshold: Double) -> Point {
        let t = (threshold - p.1) / (q.1 - p.1)
        return Point(x: p.0.x + t * (q.0.x - p.0.x), y: p.0.y + t * (q.0.y - p.0.y))
    }

    /// Whether a saddle square's centre (the mean of its corners) is at or above `threshold`.
    private func centreAbove(_ c: [(Point, Double)], _ threshold: Double) -> Bool {
        (c[0].1 + c[1].1 + c[2].1 + c[3].1) / 4 >= threshold
    }

    /// The region where the field is at or above `threshold`, as closed polygons: runs of whole
    /// squares merged into rectangles along each row, and the cut squares along the contour.
    func superlevelPolygons(_ threshold: Double) -> [[Point]] {
        var polygons: [[Point]] = []
        guard xs.count > 1, ys.count > 1 else { return [] }
        for b in 0..<(ys.count - 1) {
            var runStart: Int?
            func closeRun(_ end: Int) {
                guard let start = runStart else { return }
                polygons.append([Point(x: xs[start], y: ys[b]), Point(x: xs[end], y: ys[b]),
                                 Point(x: xs[end], y: ys[b + 1]), Point(x: xs[start], y: ys[b + 1])])
                runStart = nil
            }
            for a in 0..<(xs.count - 1) {
                guard let c = corners(a, b) else { closeRun(a); continue }
                let above = c.map { $0.1 >= threshold }
                if above.allSatisfy({ $0 }) {
                    if runStart == nil { runStart = a }
                    continue
                }
                closeRun(a)
                guard above.contains(true) else { continue }
                let saddle = above == [true, false, true, false] || above == [false, true, false, true]
                if saddle && !centreAbove(c, threshold) {
                    for k in 0..<4 where above[k] {
                        let previous = c[(k + 3) % 4], next = c[(k + 1) % 4]
                        polygons.append([c[k].0, crossing(c[k], next, threshold), crossing(previous, c[k], threshold)])
                    }
                    continue
                }
                var polygon: [Point] = []
                for k in 0..<4 {
                    let next = c[(k + 1) % 4]
                    if above[k] { polygon.append(c[k].0) }
                    if above[k] != (next.1 >= threshold) { polygon.append(crossing(c[k], next, threshold)) }
                }
                polygons.append(polygon)
            }
            closeRun(xs.count - 1)
        }
        return polygons
    }

    /// The contour line at `threshold`, as segments, one or two per square it crosses.
    func contourSegments(_ threshold: Double) -> [(Point, Point)] {
        var segments: [(Point, Point)] = []
        guard xs.count > 1, ys.count > 1 else { return [] }
        for a in 0..<(xs.count - 1) {
            for b in 0..<(ys.count - 1) {
                guard let c = corners(a, b) else { continue }
                let above = c.map { $0.1 >= threshold }
                // The crossing on edge k (from corner k to corner k + 1), where the side changes.
                let edges: [Point?] = (0..<4).map { k in
                    above[k] != above[(k + 1) % 4] ? crossing(c[k], c[(k + 1) % 4], threshold) : nil
                }
                let cut = edges.compactMap { $0 }
                if cut.count == 2 {
                    segments.append((cut[0], cut[1]))
                } else if cut.count == 4 {
                    // A saddle: cut off the two corners not joined through the centre.
                    let joinedSide = centreAbove(c, threshold)
                    for k in 0..<4 where above[k] != joinedSide {
                        segments.append((edges[(k + 3) % 4]!, edges[k]!))
                    }
                }
            }
        }
        return segments
    }
}
