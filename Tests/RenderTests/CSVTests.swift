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
        SampleRow(n: 10, d: 20, sample: 0, status: "solved", values: ["recovery": 1, "test,distance": 0.125, "say \"hi\"": -2.5]),
        SampleRow(n: 10, d: 20, sample: 1, status: "maxIterations", values: ["recovery": 0, "test,distance": .nan]),
        SampleRow(n: 30, d: 20, sample: 0, status: "notComputed", values: ["unlisted": 4, "say \"hi\"": .infinity]),
    ]
    let text = CSV.samples(rows, metrics: metrics)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines == [
        "n,d,sample,status,recovery,\"test,distance\",\"say \"\"hi\"\"\"",
        "10,20,0,solved,1,0.125,-2.5",
        "10,20,1,maxIterations,0,nan,",
        "30,20,0,notComputed,,,inf",
        "",
    ])
    #expect(CSV.sampleHeader(metrics: []) == "n,d,sample,status\n")
    #expect(CSV.sampleLine(rows[0], metrics: ["say \"hi\"", "recovery"]) == "10,20,0,solved,-2.5,1\n")
}

@Test func perSampleDigitsAreTheOnesAskedFor() {
    let row = SampleRow(n: 10, d: 10, sample: 0, status: "solved",
                        values: ["recovery": 0, "objective": 0.06992054359985649, "cosine": 0.3973785520127444,
                                 "weight_distance": 0.999999999998428, "iterations": 24, "other_norm": 1.2345678e-9])
    let metrics = ["recovery", "weight_distance", "cosine", "other_norm", "objective", "iterations"]
    let digits = ["weight_distance": 5, "cosine": 5, "other_norm": 5, "objective": 8]
    #expect(CSV.sampleLine(row, metrics: metrics, digits: digits) == "10,10,0,solved,0,1,0.39738,1.2346e-09,0.069920544,24\n")
    // Without digits every value is written exactly.
    #expect(CSV.sampleLine(row, metrics: ["objective"]) == "10,10,0,solved,0.06992054359985649\n")
}

@Test func perSampleCSVReadsBackWhatWasWritten() throws {
    let metrics = ["recovery", "weight_distance", "objective"]
    let rows = [
        SampleRow(n: 10, d: 20, sample: 0, status: "solved", values: ["recovery": 1, "weight_distance": 3.5e-11, "objective": 2.25]),
        SampleRow(n: 10, d: 20, sample: 1, status: "numericalError", values: ["recovery": 0, "objective": -0.5]),
        SampleRow(n: 20, d: 20, sample: 0, status: "notComputed", values: [:]),
    ]
    let read = try CSV.readSamples(CSV.samples(rows, metrics: metrics))
    #expect(read == rows)
    // NaN reads back as NaN (not as a missing value).
    let nan = try CSV.readSamples(CSV.samples([SampleRow(n: 1, d: 1, sample: 0, status: "solved", values: ["cosine": .nan])], metrics: ["cosine"]))
    #expect(nan.count == 1 && nan[0].values["cosine"]?.isNaN == true)
    // Bad files name the line.
    #expect(throws: CSV.SampleFileError(line: 1, message: "not a per-sample CSV (the header must start n,d,sample,status)")) {
        try CSV.readSamples("n,d,sample,recovery\n10,10,0,1\n")
    }
    #expect(throws: CSV.SampleFileError.self) { try CSV.readSamples("n,d,sample,status,recovery\n10,10,0,solved,1\n10,10,1,solved\n") }
    #expect(throws: CSV.SampleFileError(line: 2, message: "'x' is not a number")) {
        try CSV.readSamples("n,d,sample,status,recovery\n10,10,0,solved,x\n")
    }
}

@Test func significantDigits() {
    #expect(Format.significant(0.5752622359499384, digits: 5) == "0.57526")
    #expect(Format.significant(0.999999999998428, digits: 8) == "1")
    #expect(Format.significant(0.99996, digits: 4) == "1")
    #expect(Format.significant(-0.99996, digits: 4) == "-1")
    #expect(Format.significant(1.23456e-9, digits: 3) == "1.23e-09")
    #expect(Format.significant(9.9996e-5, digits: 4) == "0.0001")
    #expect(Format.significant(1234567, digits: 3) == "1230000")
    #expect(Format.significant(15.608156316495585, digits: 8) == "15.608156")
    #expect(Format.significant(0.125, digits: 2) == "0.13")   // half away from zero
    #expect(Format.significant(24, digits: 1) == "20")
    #expect(Format.significant(3e300, digits: 5) == "3e+300")
    #expect(Format.significant(.leastNonzeroMagnitude, digits: 5) == "5e-324")
    #expect(Format.significant(0, digits: 5) == "0" && Format.significant(-0.0, digits: 5) == "0")
    #expect(Format.significant(.nan, digits: 5) == "nan" && Format.significant(-.infinity, digits: 5) == "-inf")
    // 17 digits is the shortest round-trip form.
    for x in [0.1, 1.0 / 3.0, 2.0 / 3.0 * 1e-7, 123_456.789, 1e22, .pi] {
        #expect(Format.significant(x, digits: 17) == Format.roundTrip(x))
        #expect(Double(Format.significant(x, digits: 17)) == x)
    }
    // Rounded to k digits, a value moves by at most 5·10^−k of itself.
    var state: UInt64 = 42
    for _ in 0..<2000 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        let x = Double(state >> 11) / Double(1 << 53) * [1e-9, 1e-3, 1, 1e3, 1e9][Int(state % 5)]
        guard x > 0 else { continue }
        for k in [5, 6, 8] {
            let y = Double(Format.significant(x, digits: k))!
            var bound = 5.0
            for _ in 0..<k { bound /= 10 }
            #expect(abs(y - x) <= bound * 1.000001 * x, "\(x) at \(k) digits: \(y)")
        }
    }
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
