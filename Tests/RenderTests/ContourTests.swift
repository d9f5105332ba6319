import Foundation
import Testing
@testable import Render

/// A panel whose mean rises linearly with n: mean(n, d) = (n − 10) / 30 on n ∈ {10, 20, 30, 40}.
private func rampPanel(d dValues: [Int] = [1, 2, 3]) -> HeatmapPanel {
    var cells: [GridCell: CellAggregate] = [:]
    for n in [10, 20, 30, 40] {
        for d in dValues {
            let mean = Double(n - 10) / 30
            cells[GridCell(n: n, d: d)] = CellAggregate(count: 1, mean: mean, std: 0, min: mean, max: mean)
        }
    }
    return HeatmapPanel(title: "Ramp", nValues: [10, 20, 30, 40], dValues: dValues, cells: cells)
}

/// The area of a simple polygon (shoelace formula).
private func area(_ polygon: [ContourField.Point]) -> Double {
    var twice = 0.0
    for k in polygon.indices {
        let a = polygon[k], b = polygon[(k + 1) % polygon.count]
        twice += a.x * b.y - b.x * a.y
    }
    return abs(twice) / 2
}

struct ContourTests {
    // Cells 10 wide and 20 tall, cell area from (0, 0): centres at x = 5, 15, 25, 35 carry 0, 1/3, 2/3, 1.
    let field = ContourField(rampPanel(), left: 0, top: 0, cellWidth: 10, cellHeight: 20)

    @Test func superlevelAreaOfALinearRampIsExact() {
        // Between centres the field is linear in x: mean ≥ 0.5 right of x = 20, so the region is
        // 40 − 20 = 20 wide and 60 tall; ≥ 0 is the whole 40 × 60 area; above 1 nothing.
        let cases: [(threshold: Double, expected: Double)] = [(0.5, 1200), (0, 2400), (1.0 / 6, 1800), (1.5, 0)]
        for (threshold, expected) in cases {
            let total = field.superlevelPolygons(threshold).map(area).reduce(0, +)
            #expect(abs(total - expected) < 1e-9, "threshold \(threshold): \(total) vs \(expected)")
        }
    }

    @Test func contourLineOfALinearRampIsStraight() {
        let segments = field.contourSegments(0.5)
        #expect(!segments.isEmpty)
        for (a, b) in segments {
            #expect(abs(a.x - 20) < 1e-12 && abs(b.x - 20) < 1e-12)
        }
        // The segments cover the whole height once: 0 to 60.
        let covered = segments.map { abs($0.1.y - $0.0.y) }.reduce(0, +)
        #expect(abs(covered - 60) < 1e-9)
    }

    @Test func cellsNotComputedLeaveTheirSquaresBlank() {
        var panel = rampPanel()
        panel.cells[GridCell(n: 40, d: 3)] = nil
        let holey = ContourField(panel, left: 0, top: 0, cellWidth: 10, cellHeight: 20)
        let full = field.superlevelPolygons(0).map(area).reduce(0, +)
        let blank = holey.superlevelPolygons(0).map(area).reduce(0, +)
        // The missing corner cell blanks the squares it is a corner of: its quarter of the
        // nodes' squares around it (the 10 × 20 cell and the half-cells bordering it) and more.
        #expect(blank < full - 10 * 20 + 1e-9)
        #expect(blank > 0)
    }

    @Test func saddlesAreResolvedByTheCentre() {
        // Corners 1, 0, 1, 0 (checkerboard): centre 0.5 joins the high corners at threshold 0.5,
        // separates them at 0.6. Either way the region's area is consistent with the line.
        var cells: [GridCell: CellAggregate] = [:]
        for (n, d, v) in [(1, 1, 1.0), (2, 1, 0.0), (1, 2, 0.0), (2, 2, 1.0)] {
            cells[GridCell(n: n, d: d)] = CellAggregate(count: 1, mean: v, std: 0, min: v, max: v)
        }
        let saddle = ContourField(HeatmapPanel(title: "", nValues: [1, 2], dValues: [1, 2], cells: cells),
                                  left: 0, top: 0, cellWidth: 10, cellHeight: 10)
        let joined = saddle.contourSegments(0.5)
        let split = saddle.contourSegments(0.6)
        // The centre square is the only one with four crossings: two segments in it either way.
        #expect(joined.count == split.count)
        #expect(saddle.superlevelPolygons(0.5).map(area).reduce(0, +) > saddle.superlevelPolygons(0.6).map(area).reduce(0, +))
    }

    @Test func contourFigureDrawsOneBandPathPerLevelReached() throws {
        let options = RenderOptions(boundaryLevels: [0.5], style: .contour)
        let doc = try ParsedSVG(SVG.panel(rampPanel(), options: options))
        #expect(doc.withClass("cell").isEmpty)
        let bands = doc.withClass("contour-band")
        // Means reach 0 … 1: every one of the 11 levels is painted, in its colour, in order.
        #expect(bands.map { $0.attributes["data-level"] ?? "" } == (0..<11).map(String.init))
        #expect(bands.map { $0.attributes["fill"] ?? "" } == matplotlibJetLevels)
        #expect(doc.withClass("boundary").count == 1)
        // The same panel in the cell view has no contour bands.
        #expect(try ParsedSVG(SVG.panel(rampPanel())).withClass("contour-band").isEmpty)
    }
}

struct LayoutTests {
    @Test func panelsHaveThePapersAspectWhateverTheGrid() throws {
        let doc = try ParsedSVG(SVG.panel(syntheticPanel()))
        let frame = try #require(doc.withClass("frame").first)
        let width = try #require(frame.number("width")), height = try #require(frame.number("height"))
        #expect(abs(width / height - 4.0 / 3) < 1e-9, "40 × 10 cells drawn at 4 : 3, not as a strip")
    }

    @Test func aSinglePanelFigureKeepsItsColourBarNextToThePanel() throws {
        let panel = syntheticPanel(title: "A long figure title that is much wider than the panel itself, as titles are")
        let doc = try ParsedSVG(SVG.figure(title: panel.title, panels: [panel], options: RenderOptions()))
        let frame = try #require(doc.withClass("frame").first)
        let right = try #require(frame.number("x")) + (try #require(frame.number("width")))
        let bar = try #require(doc.withClass("colorbar-box").compactMap { $0.number("x") }.first)
        #expect(bar > right)
        #expect(bar - right < 3 * 11 + 30, "the colour bar sits beside the plot, not past the title's width")
    }
}
