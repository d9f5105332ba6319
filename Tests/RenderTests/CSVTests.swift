import Testing
@testable import Render

@Test func aggregateCSVHasOneRowPerCell() throws {
    let cells: [GridCell: CellAggregate] = [
        GridCell(n: 10, d: 5): CellAggregate(count: 10, mean: 0.1, std: 0.25, min: 0, max: 1),
        GridCell(n: 20, d: 10): CellAggregate(count: 3, mean: 1.0 / 3.0, std: 1e-7, min: -0.0, max: 12_345_678.5),
        GridCell(n: 99, d: 99): CellAggregate(count: 1, mean: 5, std: 0, min: 5, max: 5),   // off the grid
    ]
    let panel = HeatmapPanel(title: "t", nValues: [20, 10], dValues: [10, 5], cells: cells)
    let text = CSV.aggregates(panel)
    #expect(text.hasSuffix("\n"))
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    #expect(lines.count == 5)
    #expect(lines[0] == "n,d,count,mean,std,min,max")
    #expect(lines[1] == "10,5,10,0.1,0.25,0,1")
    #expect(lines[2] == "10,10,,,,,")
    #expect(lines[3] == "20,5,,,,,")
    let fields = lines[4].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    #expect(fields.count == 7)
    #expect(fields[0] == "20" && fields[1] == "10" && fields[2] == "3")
    // Numbers read back exactly.
    #expect(Double(fields[3]) == 1.0 / 3.0)
    #expect(Double(fields[4]) == 1e-7)
    #expect(fields[5] == "0")
    #expect(Double(fields[6]) == 12_345_678.5)
}

@Test func perSampleCSV() {
    let metrics = ["recovery", "test,distance", "say \"hi\""]
    let rows = [
        SampleRow(n: 10, d: 20, sample: 0, values: ["recovery": 1, "test,distance": 0.125, "say \"hi\"": -2.5]),
        SampleRow(n: 10, d: 20, sample: 1, values: ["recovery": 0, "test,distance": .nan]),
        SampleRow(n: 30, d: 20, sample: 0, values: ["unlisted": 4, "say \"hi\"": .infinity]),
    ]
    let text = CSV.samples(rows, metrics: metrics)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines == [
        "n,d,sample,recovery,\"test,distance\",\"say \"\"hi\"\"\"",
        "10,20,0,1,0.125,-2.5",
        "10,20,1,0,,",
        "30,20,0,,,inf",
        "",
    ])
    #expect(CSV.sampleHeader(metrics: []) == "n,d,sample\n")
    #expect(CSV.sampleLine(rows[0], metrics: ["say \"hi\"", "recovery"]) == "10,20,0,-2.5,1\n")
}

@Test func csvFieldQuoting() {
    #expect(Format.csvField("plain") == "plain")
    #expect(Format.csvField("a,b") == "\"a,b\"")
    #expect(Format.csvField("line\nbreak") == "\"line\nbreak\"")
    #expect(Format.csvField("cr\r\nlf") == "\"cr\r\nlf\"")
    #expect(Format.csvField("q\"q") == "\"q\"\"q\"")
    #expect(Format.csvField(" padded") == "\" padded\"")
    #expect(Format.csvField("σ") == "σ")
}

@Test func numberFormatting() {
    #expect(Format.fixed(2.5) == "2.5")
    #expect(Format.fixed(3) == "3")
    #expect(Format.fixed(-1.25) == "-1.25")
    #expect(Format.fixed(-0.001) == "0")
    #expect(Format.fixed(-0.0) == "0")
    #expect(Format.fixed(0.1 + 0.2) == "0.3")
    #expect(Format.fixed(1.0 / 3.0, decimals: 3) == "0.333")
    #expect(Format.fixed(0.05, decimals: 1) == "0.1")
    #expect(Format.fixed(0.004) == "0")
    #expect(Format.fixed(0.006) == "0.01")
    #expect(Format.fixed(1234.5, decimals: 0) == "1235")
    #expect(Format.fixed(.nan) == "nan" && Format.fixed(-.infinity) == "-inf")
    #expect(Format.fixed(1e300) == "1e+300")
    #expect(Format.fixed(-2e16) == "-2e+16")
    #expect(Format.roundTrip(1) == "1")
    #expect(Format.roundTrip(-0.0) == "0")
    #expect(Format.roundTrip(0.1) == "0.1")
    #expect(Format.roundTrip(.nan) == "")
    for x in [1.0 / 3.0, 2.0 / 3.0, 1e-300, 6.02e23, -123.456, Double.pi, Double.leastNonzeroMagnitude, -Double.greatestFiniteMagnitude] {
        #expect(Double(Format.roundTrip(x)) == x)
    }
}

@Test func aggregateFromSamples() throws {
    let a = try #require(CellAggregate(samples: [1, 2, 3, 4, .nan]))
    #expect(a.count == 4 && a.mean == 2.5 && a.min == 1 && a.max == 4)
    #expect(abs(a.std - 1.25.squareRoot()) < 1e-15)
    #expect(CellAggregate(samples: [.nan]) == nil)
    #expect(CellAggregate(samples: []) == nil)
}

@Test func panelFromSamples() {
    let panel = HeatmapPanel(title: "t", nValues: [20, 10, 20], dValues: [5], samples: [
        GridCell(n: 10, d: 5): [1, 0, 1, 1],
        GridCell(n: 20, d: 5): [.nan, .nan],
    ])
    #expect(panel.nValues == [10, 20] && panel.dValues == [5])
    #expect(panel.aggregate(n: 10, d: 5)?.mean == 0.75)
    #expect(panel.aggregate(n: 10, d: 5)?.count == 4)
    #expect(panel.aggregate(n: 20, d: 5) == nil)
    #expect(panel.gridCells == [GridCell(n: 10, d: 5), GridCell(n: 20, d: 5)])
    #expect(HeatmapPanel.defaultNValues.count == 40 && HeatmapPanel.defaultNValues.last == 400)
    #expect(HeatmapPanel.defaultDValues == [10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
}

@Test func aggregateCSVReadsBackExactly() {
    let cells: [GridCell: CellAggregate] = [
        GridCell(n: 10, d: 5): CellAggregate(count: 10, mean: 0.1, std: 0.25, min: 0, max: 1),
        GridCell(n: 20, d: 10): CellAggregate(count: 3, mean: 1.0 / 3.0, std: 1e-7, min: -0.0, max: 12_345_678.5),
    ]
    // (20, 5) and (10, 10) are not computed: blank rows, left out on reading.
    let panel = HeatmapPanel(title: "t", nValues: [10, 20], dValues: [5, 10], cells: cells)
    #expect(CSV.readAggregates(CSV.aggregates(panel)) == cells)
}
