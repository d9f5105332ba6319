/// SVG heatmaps in the paper's look: x axis n, y axis d, one filled rectangle per computed
/// cell in the quantized colour of its mean, a discrete colour bar on the right, optional
/// boundary lines, and nothing drawn where a cell was not computed.
///
/// The output is deterministic: the same input gives byte-identical text.
///
/// Elements carry classes so that tools and tests can find them: `cell` (with `data-n`,
/// `data-d`, `data-mean`, `data-level`), `boundary` and `boundary-halo` (with `data-level`),
/// `colorbar-box` (with `data-level`), `over-range-marker`, `title`, `panel-label`,
/// `x-tick-label`, `y-tick-label`, `colorbar-label`, `axis-label`.
public enum SVG {
    /// A stand-alone panel: its title (and sweep label, if any) above, the heatmap, and its
    /// colour bar to the right.
    public static func panel(_ panel: HeatmapPanel, options: RenderOptions = RenderOptions()) -> String {
        let style = Style(options)
        let body = BodyLayout(panels: [panel], options: options, style: style)
        var w = Writer()

        let titleLines = [(panel.title, "title", style.titleSize, true)]
            + (panel.sweepLabel.map { [($0, "panel-label", style.labelSize, false)] } ?? [])
        var y = style.pad
        var titleBaselines: [Double] = []
        for line in titleLines {
            y += line.2
            titleBaselines.append(y)
            y += 0.35 * line.2
        }
        let plotTop = (y + style.overRangeRoom).rounded()
        let plotLeft = (style.pad + body.leftMargin).rounded()
        let barLeft = plotLeft + body.plotWidth + style.colorbarGap
        let barHeight = style.colorbarHeight(plotHeight: body.plotHeight)
        let marked = overRangeMarked([panel], options: options)
        let barWidth = style.colorbarExtent(options: options, marked: marked)
        var width = barLeft + barWidth + style.pad
        for line in titleLines {
            width = max(width, style.textWidth(line.0, size: line.2) + 2 * style.pad)
        }
        let height = plotTop + max(body.plotHeight + body.bottomMargin, barHeight) + style.pad
        width = width.rounded(.up)

        w.open(width: width, height: height.rounded(.up), fontFamily: style.fontFamily)
        let centre = (plotLeft + body.plotWidth / 2)
        for (line, baseline) in zip(titleLines, titleBaselines) {
            // Centre over the plot, but keep the whole text on the canvas.
            let half = style.textWidth(line.0, size: line.2) / 2
            let x = min(max(centre, half + style.pad), width - half - style.pad)
            w.text(line.0, x: x, y: baseline, size: line.2, anchor: "middle", cls: line.1, bold: line.3)
        }
        drawBody(panel, options: options, style: style, layout: body, left: plotLeft, top: plotTop, into: &w)
        drawColorbar(options: options, style: style, marked: marked, left: barLeft, top: plotTop,
                     height: barHeight, into: &w)
        return w.close()
    }

    /// Several panels side by side under one shared title, wrapping after
    /// `options.panelsPerRow` panels; each panel is labelled with its sweep label (or its own
    /// title when it has none). One colour bar, shared by all panels, sits to the right of the
    /// first row.
    public static func figure(title: String, panels: [HeatmapPanel], options: RenderOptions = RenderOptions()) -> String {
        let style = Style(options)
        let body = BodyLayout(panels: panels, options: options, style: style)
        let perRow = max(1, options.panelsPerRow)
        let columns = max(1, min(perRow, panels.count))
        let rows = max(1, (panels.count + perRow - 1) / perRow)
        let marked = overRangeMarked(panels, options: options)

        let labelBand = style.labelSize * 1.6
        // The sweep label, or the panel's own title when it differs from the figure's.
        func label(_ panel: HeatmapPanel) -> String? { panel.sweepLabel ?? (panel.title == title ? nil : panel.title) }
        // A slot is wide enough for its plot and for the widest panel label drawn over the plot.
        let widestLabel = panels.compactMap(label).map { style.textWidth($0, size: style.labelSize) }.max() ?? 0
        let slotWidth = (max(body.leftMargin + body.plotWidth, widestLabel) + style.panelGap).rounded()
        let slotHeight = (labelBand + body.plotHeight + body.bottomMargin + style.panelGap / 2).rounded()
        let titleBaseline = style.pad + style.titleSize
        let gridTop = (titleBaseline + 0.5 * style.titleSize).rounded()
        let gridLeft = style.pad.rounded()
        let gridWidth = Double(columns) * slotWidth - style.panelGap
        let barLeft = gridLeft + gridWidth + style.colorbarGap
        let barTop = gridTop + labelBand.rounded() + style.overRangeRoom
        let barHeight = style.colorbarHeight(plotHeight: body.plotHeight)
        var width = barLeft + style.colorbarExtent(options: options, marked: marked) + style.pad
        width = max(width, style.textWidth(title, size: style.titleSize) + 2 * style.pad).rounded(.up)
        let height = max(gridTop + Double(rows) * slotHeight + style.overRangeRoom,
                         barTop + barHeight + style.pad).rounded(.up) + style.pad

        var w = Writer()
        w.open(width: width, height: height, fontFamily: style.fontFamily)
        // Centred over the panels, or over the whole figure when the title is wider than they are.
        let titleWidth = style.textWidth(title, size: style.titleSize)
        let titleCentre = titleWidth > gridWidth ? width / 2 : gridLeft + gridWidth / 2
        w.text(title, x: titleCentre.rounded(), y: titleBaseline, size: style.titleSize,
               anchor: "middle", cls: "title", bold: true)
        for (index, panel) in panels.enumerated() {
            let column = index % perRow
            let row = index / perRow
            let slotLeft = gridLeft + Double(column) * slotWidth
            let slotTop = gridTop + Double(row) * slotHeight + style.overRangeRoom
            let plotLeft = slotLeft + body.leftMargin.rounded()
            let plotTop = slotTop + labelBand.rounded()
            let cellsWidth = Double(panel.nValues.count) * body.cellWidth
            if let label = label(panel) {
                let labelCentre = max(plotLeft + cellsWidth / 2, slotLeft + style.textWidth(label, size: style.labelSize) / 2)
                w.text(label, x: labelCentre.rounded(), y: slotTop + style.labelSize * 1.1,
                       size: style.labelSize, anchor: "middle", cls: "panel-label", bold: false)
            }
            drawBody(panel, options: options, style: style, layout: body, left: plotLeft, top: plotTop, into: &w)
        }
        drawColorbar(options: options, style: style, marked: marked, left: barLeft, top: barTop,
                     height: barHeight, into: &w)
        return w.close()
    }

    // MARK: - Pieces

    /// Whether the colour bar marks the top box as including over-range values.
    static func overRangeMarked(_ panels: [HeatmapPanel], options: RenderOptions) -> Bool {
        switch options.overRange {
        case .always: return true
        case .never: return false
        case .automatic:
            return panels.contains { panel in
                panel.gridCells.contains { cell in
                    guard let mean = panel.cells[cell]?.mean else { return false }
                    return mean > options.valueRange.upperBound
                }
            }
        }
    }

    /// The heatmap of one panel with its frame, ticks, axis labels and boundary lines; (left, top)
    /// is the top-left corner of the cell area.
    static func drawBody(_ panel: HeatmapPanel, options: RenderOptions, style: Style, layout: BodyLayout,
                         left: Double, top: Double, into w: inout Writer) {
        let cw = layout.cellWidth
        let ch = layout.cellHeight
        let columns = panel.nValues.count
        let rows = panel.dValues.count
        let width = Double(columns) * cw
        let height = Double(rows) * ch
        func x(_ i: Int) -> Double { left + Double(i) * cw }
        func y(_ j: Int) -> Double { top + Double(rows - j) * ch }   // lattice row j, d increasing upwards

        w.line("<g class=\"panel\">")
        let field = options.style == .contour
            ? ContourField(panel, left: left, top: top, cellWidth: cw, cellHeight: ch) : nil
        if let field {
            drawContourBands(field, options: options, into: &w)
        } else {
            w.line("<g class=\"cells\" shape-rendering=\"crispEdges\">")
            for (i, n) in panel.nValues.enumerated() {
                for (j, d) in panel.dValues.enumerated() {
                    guard let a = panel.cells[GridCell(n: n, d: d)], let level = options.levelIndex(of: a.mean) else { continue }
                    let fill = options.levelColor(level).hex
                    w.line("<rect class=\"cell\" x=\"\(f(x(i)))\" y=\"\(f(y(j + 1)))\" width=\"\(f(cw))\" height=\"\(f(ch))\" "
                        + "fill=\"\(fill)\" data-n=\"\(n)\" data-d=\"\(d)\" data-mean=\"\(Format.roundTrip(a.mean))\" data-level=\"\(level)\"/>")
                }
            }
            w.line("</g>")
        }

        // Boundary lines: halo first, then the line, so they read on every colour. Cell view: a
        // staircase along cell edges; contour view: the interpolated contour line.
        let dashes = ["", "6 3", "2 2", "8 3 2 3"]
        for (index, level) in options.boundaryLevels.enumerated() {
            var d = ""
            if let field {
                for (a, b) in field.contourSegments(level - options.edgeTolerance) {
                    d += (d.isEmpty ? "" : " ") + "M" + f(a.x) + " " + f(a.y) + " L" + f(b.x) + " " + f(b.y)
                }
            } else {
                for chain in boundaryChains(panel, level: level, tolerance: options.edgeTolerance) {
                    for (k, p) in chain.enumerated() {
                        d += (d.isEmpty ? "" : " ") + (k == 0 ? "M" : "L") + f(x(p.i)) + " " + f(y(p.j))
                    }
                }
            }
            guard !d.isEmpty else { continue }
            let join = field == nil ? "miter" : "round"
            let cap = field == nil ? "butt" : "round"
            let dash = dashes[index % dashes.count]
            let dashAttribute = dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\""
            let levelText = Format.fixed(level, decimals: 6)
            w.line("<path class=\"boundary-halo\" data-level=\"\(levelText)\" d=\"\(d)\" fill=\"none\" stroke=\"#000000\" "
                + "stroke-width=\"4\" stroke-linejoin=\"\(join)\" stroke-linecap=\"\(cap)\"/>")
            w.line("<path class=\"boundary\" data-level=\"\(levelText)\" d=\"\(d)\" fill=\"none\" stroke=\"#ffffff\" "
                + "stroke-width=\"2\" stroke-linejoin=\"\(join)\" stroke-linecap=\"\(cap)\"\(dashAttribute)/>")
        }

        w.line("<rect class=\"frame\" x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(width))\" height=\"\(f(height))\" "
            + "fill=\"none\" stroke=\"#000000\" stroke-width=\"1\"/>")

        // Ticks and labels.
        let tick = style.tickLength
        w.line("<g class=\"ticks\" stroke=\"#000000\" stroke-width=\"1\">")
        for i in layout.xTickIndices(columns) {
            let cx = x(i) + cw / 2
            w.line("<line x1=\"\(f(cx))\" y1=\"\(f(top + height))\" x2=\"\(f(cx))\" y2=\"\(f(top + height + tick))\"/>")
        }
        for j in layout.yTickIndices(rows) {
            let cy = y(j) - ch / 2
            w.line("<line x1=\"\(f(left - tick))\" y1=\"\(f(cy))\" x2=\"\(f(left))\" y2=\"\(f(cy))\"/>")
        }
        w.line("</g>")
        for i in layout.xTickIndices(columns) {
            w.text(String(panel.nValues[i]), x: x(i) + cw / 2, y: top + height + tick + 2 + style.fontSize,
                   size: style.fontSize, anchor: "middle", cls: "x-tick-label", bold: false)
        }
        for j in layout.yTickIndices(rows) {
            w.text(String(panel.dValues[j]), x: left - tick - 3, y: y(j) - ch / 2 + 0.36 * style.fontSize,
                   size: style.fontSize, anchor: "end", cls: "y-tick-label", bold: false)
        }
        w.text(options.xAxisLabel, x: left + width / 2, y: top + height + tick + 2 + style.fontSize + 4 + style.labelSize,
               size: style.labelSize, anchor: "middle", cls: "axis-label", bold: false)
        let yLabelX = left - tick - 3 - layout.yTickLabelWidth - 6 - 0.25 * style.labelSize
        w.text(options.yAxisLabel, x: yLabelX, y: top + height / 2, size: style.labelSize, anchor: "middle",
               cls: "axis-label", bold: false, rotate: true)
        w.line("</g>")
    }

    /// Filled contours: the computed area in the first level's colour, then each level's region
    /// (where the interpolated mean reaches its band) painted over it in that level's colour, one
    /// path per level.
    static func drawContourBands(_ field: ContourField, options: RenderOptions, into w: inout Writer) {
        w.line("<g class=\"contours\">")
        for level in 0..<options.effectiveLevels {
            let threshold = level == 0 ? -Double.infinity : options.levelValue(level) - options.edgeTolerance
            var d = ""
            for polygon in field.superlevelPolygons(threshold) {
                for (k, p) in polygon.enumerated() {
                    d += (d.isEmpty ? "" : " ") + (k == 0 ? "M" : "L") + f(p.x) + " " + f(p.y)
                }
                d += " Z"
            }
            guard !d.isEmpty else { continue }
            w.line("<path class=\"contour-band\" data-level=\"\(level)\" d=\"\(d)\" fill=\"\(options.levelColor(level).hex)\"/>")
        }
        w.line("</g>")
    }

    /// The discrete colour bar: one box per level from the bottom (first level) up, a tick and
    /// label at each box's lower edge (the band's lowest value); when marked, the top box's
    /// label reads `≥ max` and a triangle in the top colour sits on the bar.
    static func drawColorbar(options: RenderOptions, style: Style, marked: Bool, left: Double, top: Double,
                             height: Double, into w: inout Writer) {
        let count = options.effectiveLevels
        let box = height / Double(count)
        let bw = style.colorbarWidth
        w.line("<g class=\"colorbar\" shape-rendering=\"crispEdges\">")
        for k in 0..<count {
            let y = top + Double(count - 1 - k) * box
            w.line("<rect class=\"colorbar-box\" x=\"\(f(left))\" y=\"\(f(y))\" width=\"\(f(bw))\" height=\"\(f(box))\" "
                + "fill=\"\(options.levelColor(k).hex)\" data-level=\"\(k)\"/>")
        }
        w.line("</g>")
        if marked {
            let fill = options.levelColor(count - 1).hex
            let tip = min(style.overRangeRoom - 2, bw * 0.9)
            w.line("<path class=\"over-range-marker\" d=\"M\(f(left)) \(f(top)) L\(f(left + bw / 2)) \(f(top - tip)) "
                + "L\(f(left + bw)) \(f(top)) Z\" fill=\"\(fill)\" stroke=\"#000000\" stroke-width=\"1\" stroke-linejoin=\"miter\"/>")
        }
        w.line("<rect class=\"colorbar-frame\" x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(bw))\" height=\"\(f(height))\" "
            + "fill=\"none\" stroke=\"#000000\" stroke-width=\"1\"/>")

        let stride = style.colorbarLabelStride(box: box, count: count)
        w.line("<g class=\"colorbar-ticks\" stroke=\"#000000\" stroke-width=\"1\">")
        for k in style.colorbarLabelled(count: count, stride: stride) {
            let cy = top + Double(count - k) * box
            w.line("<line x1=\"\(f(left + bw))\" y1=\"\(f(cy))\" x2=\"\(f(left + bw + style.tickLength))\" y2=\"\(f(cy))\"/>")
        }
        w.line("</g>")
        for k in style.colorbarLabelled(count: count, stride: stride) {
            let cy = top + Double(count - k) * box
            w.text(style.colorbarText(k, options: options, marked: marked), x: left + bw + style.tickLength + 3,
                   y: cy + 0.36 * style.fontSize, size: style.fontSize, anchor: "start", cls: "colorbar-label", bold: false)
        }
        if !options.metricName.isEmpty {
            let x = left + bw + style.tickLength + 3 + style.colorbarLabelWidth(options: options, marked: marked)
                + 6 + 0.75 * style.labelSize
            w.text(options.metricName, x: x, y: top + height / 2, size: style.labelSize, anchor: "middle",
                   cls: "axis-label colorbar-title", bold: false, rotate: true)
        }
    }

    /// A point of the cell lattice: column edge `i` (0…columns), row edge `j` (0…rows, upwards).
    struct LatticePoint: Hashable, Comparable {
        var i: Int
        var j: Int
        static func < (a: LatticePoint, b: LatticePoint) -> Bool { (a.i, a.j) < (b.i, b.j) }
    }

    /// The cell edges separating computed cells with mean ≥ `level` (less `tolerance`) from
    /// computed cells below it, joined into polylines with straight runs merged.
    static func boundaryChains(_ panel: HeatmapPanel, level: Double, tolerance: Double = 0) -> [[LatticePoint]] {
        let columns = panel.nValues.count
        let rows = panel.dValues.count
        // state: nil = not computed (or NaN), true = at or above the level.
        var state = [[Bool?]](repeating: [Bool?](repeating: nil, count: rows), count: columns)
        for (i, n) in panel.nValues.enumerated() {
            for (j, d) in panel.dValues.enumerated() {
                if let mean = panel.cells[GridCell(n: n, d: d)]?.mean, !mean.isNaN {
                    state[i][j] = mean >= level - tolerance
                }
            }
        }
        var segments: [(LatticePoint, LatticePoint)] = []
        for i in 0..<columns {
            for j in 0..<rows {
                guard let here = state[i][j] else { continue }
                if i + 1 < columns, let right = state[i + 1][j], right != here {
                    segments.append((LatticePoint(i: i + 1, j: j), LatticePoint(i: i + 1, j: j + 1)))
                }
                if j + 1 < rows, let above = state[i][j + 1], above != here {
                    segments.append((LatticePoint(i: i, j: j + 1), LatticePoint(i: i + 1, j: j + 1)))
                }
            }
        }
        guard !segments.isEmpty else { return [] }

        var incident: [LatticePoint: [Int]] = [:]
        for (s, (a, b)) in segments.enumerated() {
            incident[a, default: []].append(s)
            incident[b, default: []].append(s)
        }
        var used = [Bool](repeating: false, count: segments.count)
        var chains: [[LatticePoint]] = []

        func walk(from start: LatticePoint) {
            var chain = [start]
            var current = start
            while let s = incident[current]?.first(where: { !used[$0] }) {
                used[s] = true
                let (a, b) = segments[s]
                current = a == current ? b : a
                chain.append(current)
            }
            if chain.count > 1 { chains.append(simplified(chain)) }
        }
        // Open chains start at odd-degree points, then what is left are closed loops.
        for point in incident.keys.sorted() where incident[point]!.count % 2 == 1 {
            walk(from: point)
        }
        for (s, segment) in segments.enumerated() where !used[s] {
            walk(from: segment.0)
        }
        return chains
    }

    /// Drops the middle points of straight runs.
    static func simplified(_ chain: [LatticePoint]) -> [LatticePoint] {
        guard chain.count > 2 else { return chain }
        var out = [chain[0]]
        for k in 1..<(chain.count - 1) {
            let a = out[out.count - 1]
            let b = chain[k]
            let c = chain[k + 1]
            let collinear = (b.i - a.i) * (c.j - b.j) == (b.j - a.j) * (c.i - b.i)
            if !collinear { out.append(b) }
        }
        out.append(chain[chain.count - 1])
        return out
    }

    static func f(_ x: Double) -> String { Format.fixed(x, decimals: 2) }
}

// MARK: - Layout

/// Sizes derived from the options.
struct Style {
    let fontSize: Double
    let titleSize: Double
    let labelSize: Double
    let pad: Double
    let tickLength: Double = 4
    let colorbarWidth: Double
    let colorbarGap: Double
    let panelGap: Double
    let overRangeRoom: Double
    let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"

    init(_ options: RenderOptions) {
        fontSize = max(4, options.fontSize)
        titleSize = (fontSize * 1.3).rounded()
        labelSize = (fontSize * 1.15).rounded()
        pad = (fontSize * 0.9).rounded()
        colorbarWidth = (fontSize * 1.4).rounded()
        colorbarGap = (fontSize * 1.6).rounded()
        panelGap = (fontSize * 2.5).rounded()
        overRangeRoom = (fontSize * 1.3).rounded()
    }

    /// Estimated advance width of `text` (DejaVu Sans digits are 0.64 em; most glyphs are narrower).
    func textWidth(_ text: String, size: Double) -> Double {
        Double(text.count) * 0.64 * size
    }

    func colorbarHeight(plotHeight: Double) -> Double {
        max(plotHeight, 8 * fontSize).rounded()
    }

    func colorbarText(_ k: Int, options: RenderOptions, marked: Bool) -> String {
        let value = Format.fixed(options.levelValue(k), decimals: 3)
        return marked && k == options.effectiveLevels - 1 ? "≥ " + value : value
    }

    func colorbarLabelWidth(options: RenderOptions, marked: Bool) -> Double {
        (0..<options.effectiveLevels).map { textWidth(colorbarText($0, options: options, marked: marked), size: fontSize) }.max() ?? 0
    }

    /// Width from the colour bar's left edge to the right end of its metric label.
    func colorbarExtent(options: RenderOptions, marked: Bool) -> Double {
        var extent = colorbarWidth + tickLength + 3 + colorbarLabelWidth(options: options, marked: marked)
        if !options.metricName.isEmpty { extent += 6 + 1.5 * labelSize }
        return extent
    }

    /// Label every `stride`-th box so that labels do not overlap.
    func colorbarLabelStride(box: Double, count: Int) -> Int {
        var stride = 1
        while Double(stride) * box < fontSize * 1.05 && stride < count { stride += 1 }
        return stride
    }

    /// The labelled boxes: every `stride`-th from the bottom, and always the top one.
    func colorbarLabelled(count: Int, stride: Int) -> [Int] {
        var labelled = Array(Swift.stride(from: 0, to: count, by: stride))
        if labelled.last != count - 1 {
            if let last = labelled.last, count - 1 - last < stride { labelled.removeLast() }
            labelled.append(count - 1)
        }
        return labelled
    }
}

/// Margins and tick choices shared by all panels of a figure.
struct BodyLayout {
    /// Width of one column and height of one row: the plot area over the widest and tallest grid.
    let cellWidth: Double
    let cellHeight: Double
    /// Width of the widest panel's cell area.
    let plotWidth: Double
    /// Height of the tallest panel's cell area.
    let plotHeight: Double
    /// Room left of the cell area for y tick labels and the y axis label.
    let leftMargin: Double
    /// Room below the cell area for x tick labels and the x axis label.
    let bottomMargin: Double
    let yTickLabelWidth: Double
    let xStride: Int
    let yStride: Int

    init(panels: [HeatmapPanel], options: RenderOptions, style: Style) {
        let columns = panels.map { $0.nValues.count }.max() ?? 0
        let rows = panels.map { $0.dValues.count }.max() ?? 0
        cellWidth = columns > 0 ? options.plotWidth / Double(columns) : options.plotWidth
        cellHeight = rows > 0 ? options.plotHeight / Double(rows) : options.plotHeight
        plotWidth = Double(columns) * cellWidth
        plotHeight = Double(rows) * cellHeight
        let xLabel = panels.flatMap { $0.nValues }.map { style.textWidth(String($0), size: style.fontSize) }.max() ?? 0
        let yLabel = panels.flatMap { $0.dValues }.map { style.textWidth(String($0), size: style.fontSize) }.max() ?? 0
        yTickLabelWidth = yLabel
        xStride = BodyLayout.niceStride(step: cellWidth, needed: xLabel + 0.8 * style.fontSize)
        yStride = BodyLayout.niceStride(step: cellHeight, needed: 1.1 * style.fontSize)
        leftMargin = (style.tickLength + 3 + yLabel + 6 + 1.2 * style.labelSize).rounded(.up)
        bottomMargin = (style.tickLength + 2 + style.fontSize + 4 + style.labelSize + 0.4 * style.labelSize).rounded(.up)
    }

    /// The smallest of 1, 2, 5, 10, 20, 50, … with `stride × step ≥ needed`.
    static func niceStride(step: Double, needed: Double) -> Int {
        guard step > 0 else { return 1 }
        var base = 1
        while true {
            for m in [1, 2, 5] where Double(base * m) * step >= needed { return base * m }
            if base > 1_000_000 { return base }
            base *= 10
        }
    }

    /// Labelled columns: every `xStride`-th, counting from 1 (so 10, 20, … gives 50, 100, …).
    func xTickIndices(_ count: Int) -> [Int] { BodyLayout.ticks(count, stride: xStride) }
    /// Labelled rows, chosen like the columns.
    func yTickIndices(_ count: Int) -> [Int] { BodyLayout.ticks(count, stride: yStride) }

    static func ticks(_ count: Int, stride: Int) -> [Int] {
        guard count > 0 else { return [] }
        let picked = (0..<count).filter { ($0 + 1) % stride == 0 }
        return picked.isEmpty ? [0] : picked
    }
}

/// Accumulates SVG lines.
struct Writer {
    private var lines: [String] = []

    mutating func open(width: Double, height: Double, fontFamily: String) {
        let w = Format.fixed(width), h = Format.fixed(height)
        lines.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        lines.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(w)\" height=\"\(h)\" "
            + "viewBox=\"0 0 \(w) \(h)\" font-family=\"\(Format.xmlEscaped(fontFamily))\">")
        lines.append("<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\" fill=\"#ffffff\"/>")
    }

    mutating func line(_ text: String) { lines.append(text) }

    mutating func text(_ text: String, x: Double, y: Double, size: Double, anchor: String, cls: String, bold: Bool,
                       rotate: Bool = false) {
        guard !text.isEmpty else { return }
        let xs = Format.fixed(x), ys = Format.fixed(y)
        let weight = bold ? " font-weight=\"bold\"" : ""
        let transform = rotate ? " transform=\"rotate(-90 \(xs) \(ys))\"" : ""
        lines.append("<text class=\"\(cls)\" x=\"\(xs)\" y=\"\(ys)\" font-size=\"\(Format.fixed(size))\" "
            + "text-anchor=\"\(anchor)\"\(weight)\(transform)>\(Format.xmlEscaped(text))</text>")
    }

    mutating func close() -> String {
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }
}
