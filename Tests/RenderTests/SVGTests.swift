import Foundation
import Testing
@testable import Render

private func aggregate(_ mean: Double) -> CellAggregate {
    CellAggregate(count: 10, mean: mean, std: 0, min: mean, max: mean)
}

/// A 4 × 3 grid with known means; (30, 2) and (40, 3) are not computed, (20, 3) is NaN.
private func smallPanel(title: String = "Small") -> HeatmapPanel {
    let means: [GridCell: Double] = [
        GridCell(n: 10, d: 1): 0, GridCell(n: 20, d: 1): 0.5, GridCell(n: 30, d: 1): 1, GridCell(n: 40, d: 1): 1.7,
        GridCell(n: 10, d: 2): -0.2, GridCell(n: 20, d: 2): 0.3, GridCell(n: 40, d: 2): 0.95,
        GridCell(n: 10, d: 3): 0.1, GridCell(n: 20, d: 3): .nan, GridCell(n: 30, d: 3): 0.9,
    ]
    return HeatmapPanel(title: title, nValues: [40, 10, 30, 20], dValues: [3, 1, 2], cells: means.mapValues(aggregate))
}

@Test func panelIsWellFormedWithOneFilledRectPerComputedCell() throws {
    let svg = SVG.panel(smallPanel())
    let doc = try ParsedSVG(svg)
    #expect(doc.root.name == "svg")
    #expect(doc.root.attributes["xmlns"] == nil || doc.root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
    let cells = doc.withClass("cell")
    // 10 entries, one of them NaN: 9 rects.
    #expect(cells.count == 9)
    var fills: [GridCell: String] = [:]
    for cell in cells {
        let n = try #require(cell.attributes["data-n"].flatMap { Int($0) })
        let d = try #require(cell.attributes["data-d"].flatMap { Int($0) })
        #expect(fills[GridCell(n: n, d: d)] == nil, "one rect per cell")
        fills[GridCell(n: n, d: d)] = cell.attributes["fill"]
        #expect(cell.name == "rect")
    }
    #expect(fills[GridCell(n: 10, d: 1)] == "#000080")      // 0 → jet(0), dark blue
    #expect(fills[GridCell(n: 30, d: 1)] == "#800000")      // 1 → jet(1), dark red
    #expect(fills[GridCell(n: 20, d: 1)] == "#7dff7a")      // 0.5 → jet(0.5)
    #expect(fills[GridCell(n: 40, d: 1)] == "#800000")      // above the range clamps to the top colour
    #expect(fills[GridCell(n: 10, d: 2)] == "#000080")      // below the range clamps to the bottom colour
    #expect(fills[GridCell(n: 20, d: 2)] == matplotlibJetLevels[3])
    #expect(fills[GridCell(n: 40, d: 2)] == matplotlibJetLevels[9])   // 0.95 is in the band [0.9, 1)
    #expect(fills[GridCell(n: 30, d: 3)] == matplotlibJetLevels[9])
    #expect(fills[GridCell(n: 10, d: 3)] == matplotlibJetLevels[1])
    // Blank: not computed and NaN cells have no heat rect.
    #expect(fills[GridCell(n: 30, d: 2)] == nil)
    #expect(fills[GridCell(n: 40, d: 3)] == nil)
    #expect(fills[GridCell(n: 20, d: 3)] == nil)
}

@Test func cellsAreLaidOutOnTheGrid() throws {
    let options = RenderOptions(plotWidth: 48, plotHeight: 48)   // 4 × 3 cells of 12 × 16
    let doc = try ParsedSVG(SVG.panel(smallPanel(), options: options))
    let cells = doc.withClass("cell")
    func rect(_ n: Int, _ d: Int) throws -> (x: Double, y: Double) {
        let e = try #require(cells.first { $0.attributes["data-n"] == String(n) && $0.attributes["data-d"] == String(d) })
        #expect(e.number("width") == 12 && e.number("height") == 16)
        return (try #require(e.number("x")), try #require(e.number("y")))
    }
    let origin = try rect(10, 1)
    // n grows to the right, d grows upwards, one cell per step.
    #expect(try rect(20, 1).x == origin.x + 12 && rect(20, 1).y == origin.y)
    #expect(try rect(40, 1).x == origin.x + 36)
    #expect(try rect(10, 2).y == origin.y - 16 && rect(10, 2).x == origin.x)
    #expect(try rect(10, 3).y == origin.y - 32)
    let frame = try #require(doc.withClass("frame").first)
    #expect(frame.number("x") == origin.x && frame.number("y") == origin.y - 32)
    #expect(frame.number("width") == 48 && frame.number("height") == 48)
    // Tick labels name grid values, in increasing order along each axis.
    let xLabels = doc.withClass("x-tick-label").map(\.text)
    let yLabels = doc.withClass("y-tick-label").map(\.text)
    #expect(!xLabels.isEmpty && xLabels.allSatisfy { ["10", "20", "30", "40"].contains($0) })
    #expect(!yLabels.isEmpty && yLabels.allSatisfy { ["1", "2", "3"].contains($0) })
    #expect(doc.withClass("axis-label").map(\.text).contains("n"))
    #expect(doc.withClass("axis-label").map(\.text).contains("d"))
}

@Test func colourBarHasOneBoxPerLevel() throws {
    let doc = try ParsedSVG(SVG.panel(smallPanel(), options: RenderOptions(metricName: "recovery", plotHeight: 42)))
    let boxes = doc.withClass("colorbar-box")
    #expect(boxes.count == 11)
    let byLevel = boxes.sorted { Int($0.attributes["data-level"]!)! < Int($1.attributes["data-level"]!)! }
    #expect(byLevel.map { $0.attributes["fill"] ?? "" } == matplotlibJetLevels)
    // Level 0 at the bottom, level 10 at the top, boxes stacked without gaps.
    let ys = byLevel.compactMap { $0.number("y") }
    let h = try #require(byLevel[0].number("height"))
    for k in 1..<11 { #expect(abs(ys[k] - (ys[k - 1] - h)) < 0.02) }
    let labels = doc.withClass("colorbar-label").map(\.text)
    // This panel is short (3 rows), so every other box is labelled; the top one always is.
    #expect(labels == ["0", "0.2", "0.4", "0.6", "0.8", "≥ 1"])
    #expect(doc.withClass("colorbar-title").map(\.text) == ["recovery"])

    let five = try ParsedSVG(SVG.panel(smallPanel(), options: RenderOptions(levels: 5)))
    #expect(five.withClass("colorbar-box").count == 5)
    #expect(five.withClass("colorbar-label").map(\.text).contains("0.25"))
}

@Test func overRangeMarking() throws {
    // smallPanel has a mean of 1.7, so automatic marks the top box.
    let marked = try ParsedSVG(SVG.panel(smallPanel()))
    #expect(marked.withClass("over-range-marker").count == 1)
    #expect(marked.withClass("colorbar-label").map(\.text).last == "≥ 1")
    #expect(marked.withClass("over-range-marker").first?.attributes["fill"] == "#800000")

    var inRange = smallPanel()
    inRange.cells[GridCell(n: 40, d: 1)] = aggregate(0.8)
    let plain = try ParsedSVG(SVG.panel(inRange))
    #expect(plain.withClass("over-range-marker").isEmpty)
    #expect(plain.withClass("colorbar-label").map(\.text).last == "1")
    #expect(try ParsedSVG(SVG.panel(inRange, options: RenderOptions(overRange: .always))).withClass("over-range-marker").count == 1)
    #expect(try ParsedSVG(SVG.panel(smallPanel(), options: RenderOptions(overRange: .never))).withClass("over-range-marker").isEmpty)
}

@Test func boundaryLineOnlyWhenAsked() throws {
    let none = try ParsedSVG(SVG.panel(smallPanel()))
    #expect(none.withClass("boundary").isEmpty)
    let doc = try ParsedSVG(SVG.panel(smallPanel(), options: RenderOptions(boundaryLevels: [0.9])))
    let lines = doc.withClass("boundary")
    #expect(lines.count == 1)
    #expect(lines.first?.attributes["data-level"] == "0.9")
    #expect(lines.first?.name == "path")
    let path = lines.first?.attributes["d"] ?? ""
    #expect(path.hasPrefix("M") && path.contains("L"))
    #expect(lines.first?.attributes["fill"] == "none")
    #expect(doc.withClass("boundary-halo").count == 1)
    // Two levels draw two lines (a level every cell exceeds draws none).
    let two = try ParsedSVG(SVG.panel(smallPanel(), options: RenderOptions(boundaryLevels: [0.9, 0.4, -5])))
    #expect(two.withClass("boundary").map { $0.attributes["data-level"] ?? "" } == ["0.9", "0.4"])
}

@Test func boundaryFollowsCellEdges() {
    // 3 columns × 2 rows; the right column is at or above the level: one vertical edge line.
    let step = HeatmapPanel(title: "", nValues: [1, 2, 3], dValues: [1, 2], cells: [
        GridCell(n: 1, d: 1): aggregate(0.1), GridCell(n: 2, d: 1): aggregate(0.2), GridCell(n: 3, d: 1): aggregate(0.9),
        GridCell(n: 1, d: 2): aggregate(0.1), GridCell(n: 2, d: 2): aggregate(0.2), GridCell(n: 3, d: 2): aggregate(1),
    ])
    let chains = SVG.boundaryChains(step, level: 0.9)
    #expect(chains.count == 1)
    let ends = Set(chains[0].map { [$0.i, $0.j] })
    #expect(chains[0].count == 2 && ends == [[2, 0], [2, 2]])

    // A staircase: cell (i, j) is in when i > j.
    let stairs = HeatmapPanel(title: "", nValues: [0, 1, 2, 3], dValues: [0, 1, 2, 3], cells: Dictionary(uniqueKeysWithValues:
        (0..<4).flatMap { i in (0..<4).map { j in (GridCell(n: i, d: j), aggregate(i > j ? 1 : 0)) } }))
    let staircase = SVG.boundaryChains(stairs, level: 0.5)
    #expect(staircase.count == 1)
    // (1,0) → (1,1) → (2,1) → (2,2) → (3,2) → (3,3) → (4,3): six unit steps, no straight runs.
    #expect(staircase[0].count == 7)
    let stairEnds = Set([staircase[0].first!, staircase[0].last!].map { [$0.i, $0.j] })
    #expect(stairEnds == [[1, 0], [4, 3]])
}

@Test func boundaryLengthMatchesDifferingNeighbours() {
    // Random grids with blanks: the chains use exactly the edges between computed neighbours on
    // different sides of the level, each once, all axis-aligned.
    for seed in UInt64(1)...20 {
        var rng = SplitMix(state: seed)
        let columns = 3 + Int(rng.next() % 8), rows = 2 + Int(rng.next() % 6)
        var cells: [GridCell: CellAggregate] = [:]
        for i in 0..<columns {
            for j in 0..<rows where rng.uniform() > 0.15 {
                cells[GridCell(n: i, d: j)] = aggregate(rng.uniform())
            }
        }
        let panel = HeatmapPanel(title: "", nValues: Array(0..<columns), dValues: Array(0..<rows), cells: cells)
        let level = 0.5
        var expected = 0
        for i in 0..<columns {
            for j in 0..<rows {
                guard let here = cells[GridCell(n: i, d: j)]?.mean else { continue }
                if let right = cells[GridCell(n: i + 1, d: j)]?.mean, (right >= level) != (here >= level) { expected += 1 }
                if let up = cells[GridCell(n: i, d: j + 1)]?.mean, (up >= level) != (here >= level) { expected += 1 }
            }
        }
        var length = 0
        var edges = Set<[Int]>()
        for chain in SVG.boundaryChains(panel, level: level) {
            for (a, b) in zip(chain, chain.dropFirst()) {
                #expect(a.i == b.i || a.j == b.j, "axis-aligned")
                length += abs(a.i - b.i) + abs(a.j - b.j)
                // Unit edges along the run.
                let steps = abs(a.i - b.i) + abs(a.j - b.j)
                for s in 0..<steps {
                    let p = [a.i + (b.i - a.i).signum() * s, a.j + (b.j - a.j).signum() * s]
                    let q = [p[0] + (b.i - a.i).signum(), p[1] + (b.j - a.j).signum()]
                    edges.insert(p.lexicographicallyPrecedes(q) ? p + q : q + p)
                }
            }
        }
        #expect(length == expected, "seed \(seed)")
        #expect(edges.count == expected, "each edge once, seed \(seed)")
    }
}

@Test func textIsEscaped() throws {
    var panel = smallPanel(title: "a < b & \"c\" > 'd' \u{1}")
    panel.sweepLabel = "σ = 0.05 & <more>"
    let options = RenderOptions(xAxisLabel: "n<", yAxisLabel: "d&", metricName: "dist & <x>")
    let svg = SVG.panel(panel, options: options)
    #expect(!svg.contains("a < b"))
    let doc = try ParsedSVG(svg)
    #expect(doc.withClass("title").map(\.text) == ["a < b & \"c\" > 'd' \u{FFFD}"])
    #expect(doc.withClass("panel-label").map(\.text) == ["σ = 0.05 & <more>"])
    #expect(doc.withClass("colorbar-title").map(\.text) == ["dist & <x>"])
    #expect(Set(doc.withClass("axis-label").map(\.text)).isSuperset(of: ["n<", "d&"]))

    let figure = SVG.figure(title: "Fig <7> & co", panels: [panel, panel], options: options)
    let parsed = try ParsedSVG(figure)
    #expect(parsed.withClass("title").map(\.text) == ["Fig <7> & co"])
}

@Test func renderingIsDeterministic() {
    let a = syntheticPanel(seed: 7)
    // Same content, dictionary built in another order.
    let shuffled = HeatmapPanel(title: a.title, sweepLabel: a.sweepLabel, nValues: a.nValues.reversed(),
                                dValues: a.dValues, cells: Dictionary(uniqueKeysWithValues: a.cells.sorted { $0.key > $1.key }))
    let options = RenderOptions(boundaryLevels: [0.9, 1], metricName: "recovery")
    let first = SVG.panel(a, options: options)
    #expect(first == SVG.panel(a, options: options))
    #expect(first == SVG.panel(shuffled, options: options))
    #expect(Array(first.utf8) == Array(SVG.panel(shuffled, options: options).utf8))
    let figure = SVG.figure(title: "F", panels: [a, shuffled], options: options)
    #expect(figure == SVG.figure(title: "F", panels: [shuffled, a], options: options))
    #expect(CSV.aggregates(a) == CSV.aggregates(shuffled))
    // And a change shows.
    var b = a
    b.cells[GridCell(n: 10, d: 10)] = aggregate(0.61)
    #expect(SVG.panel(b, options: options) != first)
}

@Test func defaultGridTickLabelsDoNotOverlap() throws {
    let doc = try ParsedSVG(SVG.panel(syntheticPanel()))
    let x = doc.withClass("x-tick-label")
    #expect(x.map(\.text) == ["50", "100", "150", "200", "250", "300", "350", "400"])
    let positions = x.compactMap { $0.number("x") }
    let fontSize = try #require(x.first?.number("font-size"))
    for (a, b) in zip(positions, positions.dropFirst()) {
        #expect(b - a > 3 * 0.64 * fontSize, "room for three digits")
    }
    let y = doc.withClass("y-tick-label")
    let ys = y.compactMap { $0.number("y") }
    #expect(y.count >= 5)
    for (a, b) in zip(ys, ys.dropFirst()) { #expect(a - b >= fontSize, "labels go up and do not overlap") }
    #expect(doc.withClass("cell").count == syntheticPanel().cells.count)
    // The default grid is tall enough to label all 11 colour boxes.
    #expect(doc.withClass("colorbar-label").map(\.text) == (0...10).map { Format.fixed(Double($0) / 10) })
}

@Test func figureWrapsPanelsIntoRows() throws {
    let panels = (0..<6).map { syntheticPanel(title: "P", sweep: "σ = \($0)", seed: UInt64($0)) }
    let doc = try ParsedSVG(SVG.figure(title: "Six", panels: panels, options: RenderOptions(boundaryLevels: [0.9], panelsPerRow: 4)))
    #expect(doc.withClass("title").map(\.text) == ["Six"])
    #expect(doc.withClass("panel-label").map(\.text) == (0..<6).map { "σ = \($0)" })
    #expect(doc.withClass("colorbar-box").count == 11)
    #expect(doc.withClass("cell").count == panels.map(\.cells.count).reduce(0, +))
    #expect(doc.withClass("boundary").count == 6)
    let frames = doc.withClass("frame").map { ($0.number("x")!, $0.number("y")!) }
    #expect(frames.count == 6)
    // Four in the first row, left to right; the fifth starts the second row under the first.
    #expect(frames[0..<4].allSatisfy { $0.1 == frames[0].1 })
    #expect(zip(frames[0..<3], frames[1..<4]).allSatisfy { $0.0 < $1.0 })
    #expect(frames[4].0 == frames[0].0 && frames[4].1 > frames[0].1)
    #expect(frames[5].1 == frames[4].1 && frames[5].0 == frames[1].0)
    // The colour bar sits right of every panel.
    let width = try #require(doc.withClass("frame").first?.number("width"))
    let bar = try #require(doc.withClass("colorbar-box").compactMap { $0.number("x") }.first)
    #expect(bar > frames[3].0 + width)
    let svgWidth = try #require(doc.root.number("width"))
    #expect(bar < svgWidth)
}

@Test func emptyPanelsStillRender() throws {
    let empty = HeatmapPanel(title: "Empty", nValues: [], dValues: [], cells: [:])
    let doc = try ParsedSVG(SVG.panel(empty, options: RenderOptions(boundaryLevels: [0.9])))
    #expect(doc.withClass("cell").isEmpty)
    #expect(doc.withClass("colorbar-box").count == 11)
    let blank = HeatmapPanel(title: "Blank", nValues: [10, 20], dValues: [10], cells: [:])
    #expect(try ParsedSVG(SVG.figure(title: "", panels: [blank], options: RenderOptions())).withClass("cell").isEmpty)
    _ = try ParsedSVG(SVG.figure(title: "None", panels: [], options: RenderOptions()))
}
