import Testing
@testable import Render

/// `matplotlib.colormaps["jet"](x)` and `matplotlib.colors.to_hex` from matplotlib 3.11.2,
/// made in a throw-away venv with:
///
///     jet = matplotlib.colormaps["jet"]
///     for x in xs: print(x, colors.to_hex(jet(x)), [round(c, 6) for c in jet(x)[:3]])
private let matplotlibJet: [(x: Double, hex: String, rgb: (Double, Double, Double))] = [
    (0, "#000080", (0.0, 0.0, 0.5)),
    (0.05, "#0000b6", (0.0, 0.0, 0.713904)),
    (0.1, "#0000f1", (0.0, 0.0, 0.945633)),
    (0.125, "#0000ff", (0.0, 0.001961, 1.0)),
    (0.2, "#004cff", (0.0, 0.3, 1.0)),
    (0.3, "#00b0ff", (0.0, 0.692157, 1.0)),
    (0.35, "#00e4f8", (0.0, 0.896078, 0.970904)),
    (0.4, "#29ffce", (0.16129, 1.0, 0.806452)),
    (0.5, "#7dff7a", (0.490196, 1.0, 0.477546)),
    (0.6, "#ceff29", (0.806452, 1.0, 0.16129)),
    (0.66, "#feed00", (0.996205, 0.930283, 0.0)),
    (0.7, "#ffc400", (1.0, 0.770516, 0.0)),
    (0.8, "#ff6800", (1.0, 0.407407, 0.0)),
    (0.9, "#f10800", (0.945633, 0.029775, 0.0)),
    (0.95, "#b60000", (0.713904, 0.0, 0.0)),
    (1.0, "#800000", (0.5, 0.0, 0.0)),
]

/// `[to_hex(jet(k / 10)) for k in range(11)]`: the 11 level colours of the paper's colour bar.
let matplotlibJetLevels = ["#000080", "#0000f1", "#004cff", "#00b0ff", "#29ffce", "#7dff7a",
                           "#ceff29", "#ffc400", "#ff6800", "#f10800", "#800000"]

@Test func jetMatchesMatplotlib() {
    for entry in matplotlibJet {
        let c = Jet.matplotlib(entry.x)
        #expect(abs(c.red - entry.rgb.0) < 1e-6, "red at \(entry.x)")
        #expect(abs(c.green - entry.rgb.1) < 1e-6, "green at \(entry.x)")
        #expect(abs(c.blue - entry.rgb.2) < 1e-6, "blue at \(entry.x)")
        #expect(c.hex == entry.hex, "hex at \(entry.x)")
        #expect(Colormap.jet.color(at: entry.x) == c)
    }
}

@Test func jetEndpointsAndMidpointFromTheDefinition() {
    // Endpoints straight from the anchor tables: (0, 0, 0.5) and (0.5, 0, 0).
    #expect(Jet.matplotlib(0) == RGB(red: 0, green: 0, blue: 0.5))
    #expect(Jet.matplotlib(1) == RGB(red: 0.5, green: 0, blue: 0))
    // matplotlib samples x = 0.5 at lookup entry floor(0.5·256) = 128, i.e. at t = 128/255;
    // there red rises on 0.35…0.66 and blue falls on 0.34…0.65.
    let t = 128 * (1.0 / 255.0)
    let mid = Jet.matplotlib(0.5)
    #expect(abs(mid.red - (t - 0.35) / 0.31) < 1e-12)
    #expect(mid.green == 1)
    #expect(abs(mid.blue - (1 - (t - 0.34) / 0.31)) < 1e-12)
    #expect(abs(mid.red - 0.49) < 0.005 && abs(mid.blue - 0.48) < 0.005)
    // The exact definition at 0.5 is symmetric: red = blue = 0.15/0.31.
    let exact = Jet.continuous(0.5)
    #expect(abs(exact.red - 0.15 / 0.31) < 1e-12 && abs(exact.blue - 0.15 / 0.31) < 1e-12)
}

@Test func jetIsContinuousAndClamped() {
    // Piecewise linear without jumps: neighbouring samples differ by at most slope·h (max slope 1/0.11).
    var previous = Jet.continuous(0)
    let steps = 10_000
    for k in 1...steps {
        let c = Jet.continuous(Double(k) / Double(steps))
        let bound = 1.0 / 0.11 / Double(steps) + 1e-12
        #expect(abs(c.red - previous.red) <= bound && abs(c.green - previous.green) <= bound
                && abs(c.blue - previous.blue) <= bound)
        previous = c
    }
    #expect(Jet.matplotlib(-3) == Jet.matplotlib(0))
    #expect(Jet.matplotlib(7) == Jet.matplotlib(1))
    #expect(Jet.matplotlib(.nan) == Jet.matplotlib(0))
    #expect(Jet.lookupIndex(0.999) == 255 && Jet.lookupIndex(0.5) == 128 && Jet.lookupIndex(0.0039) == 0)
}

@Test func levelsQuantizeToNearestLevel() {
    let options = RenderOptions()
    #expect((0..<11).map { options.levelColor($0).hex } == matplotlibJetLevels)
    #expect(options.levelIndex(of: 0) == 0)
    #expect(options.levelIndex(of: 1) == 10)
    #expect(options.levelIndex(of: 0.5) == 5)
    #expect(options.levelIndex(of: 0.04) == 0)
    #expect(options.levelIndex(of: 0.06) == 0)
    #expect(options.levelIndex(of: 0.1) == 1)
    #expect(options.levelIndex(of: 0.94) == 9)
    #expect(options.levelIndex(of: 0.999) == 9)
    // Floating-point neighbours of a band edge land on the edge's band.
    #expect(options.levelIndex(of: 0.1 + 0.2) == 3)
    #expect(options.levelIndex(of: 0.3.nextDown) == 3)
    #expect(options.levelIndex(of: 0.2999) == 2)
    // Every mean of ten 0/1 samples, however it was summed, has its own band.
    for k in 0...10 {
        var sum = 0.0
        for s in 0..<10 { sum += s < k ? 0.1 : 0 }
        #expect(options.levelIndex(of: sum) == k, "\(k)/10 summed")
        #expect(options.levelIndex(of: Double(k) / 10) == k, "\(k)/10")
    }
    #expect(options.levelIndex(of: 1.8) == 10)
    #expect(options.levelIndex(of: -0.3) == 0)
    #expect(options.levelIndex(of: .infinity) == 10)
    #expect(options.levelIndex(of: .nan) == nil)
    #expect(options.levelValue(10) == 1 && options.levelValue(0) == 0)

    let wide = RenderOptions(valueRange: 0...2, levels: 5)
    #expect(wide.levelIndex(of: 1) == 2)
    #expect(wide.levelIndex(of: 1.3) == 2)
    #expect(wide.levelIndex(of: 1.5) == 3)
    #expect(wide.levelIndex(of: 1.99) == 3)
    #expect(wide.levelIndex(of: 2) == 4)
    #expect(wide.levelValue(3) == 1.5)
    #expect(wide.levelColor(4) == Jet.matplotlib(1))
    #expect(wide.levelColor(2) == Jet.matplotlib(0.5))
}

@Test func hexRounding() {
    #expect(RGB(red: 0, green: 0, blue: 0).hex == "#000000")
    #expect(RGB(red: 1, green: 1, blue: 1).hex == "#ffffff")
    #expect(RGB(red: 0.5, green: 2, blue: -1).hex == "#80ff00")
    #expect(RGB(red: 10.0 / 255, green: 171.0 / 255, blue: 254.4 / 255).hex == "#0aabfe")
}

/// `[to_hex(jet(i / 255))[1:] for i in range(256)]` from matplotlib 3.11.2: the whole lookup table.
private let matplotlibJetTable = [
    "000080 000084 000089 00008d 000092 000096 00009b 00009f 0000a4 0000a8 0000ad 0000b2 0000b6 0000bb 0000bf 0000c4",
    "0000c8 0000cd 0000d1 0000d6 0000da 0000df 0000e3 0000e8 0000ed 0000f1 0000f6 0000fa 0000ff 0000ff 0000ff 0000ff",
    "0000ff 0004ff 0008ff 000cff 0010ff 0014ff 0018ff 001cff 0020ff 0024ff 0028ff 002cff 0030ff 0034ff 0038ff 003cff",
    "0040ff 0044ff 0048ff 004cff 0050ff 0054ff 0058ff 005cff 0060ff 0064ff 0068ff 006cff 0070ff 0074ff 0078ff 007cff",
    "0080ff 0084ff 0088ff 008cff 0090ff 0094ff 0098ff 009cff 00a0ff 00a4ff 00a8ff 00acff 00b0ff 00b4ff 00b8ff 00bcff",
    "00c0ff 00c4ff 00c8ff 00ccff 00d0ff 00d4ff 00d8ff 00dcfe 00e0fb 00e4f8 02e8f4 06ecf1 09f0ee 0cf4eb 0ff8e7 13fce4",
    "16ffe1 19ffde 1cffdb 1fffd7 23ffd4 26ffd1 29ffce 2cffca 30ffc7 33ffc4 36ffc1 39ffbe 3cffba 40ffb7 43ffb4 46ffb1",
    "49ffad 4dffaa 50ffa7 53ffa4 56ffa0 5aff9d 5dff9a 60ff97 63ff94 66ff90 6aff8d 6dff8a 70ff87 73ff83 77ff80 7aff7d",
    "7dff7a 80ff77 83ff73 87ff70 8aff6d 8dff6a 90ff66 94ff63 97ff60 9aff5d 9dff5a a0ff56 a4ff53 a7ff50 aaff4d adff49",
    "b1ff46 b4ff43 b7ff40 baff3c beff39 c1ff36 c4ff33 c7ff30 caff2c ceff29 d1ff26 d4ff23 d7ff1f dbff1c deff19 e1ff16",
    "e4ff13 e7ff0f ebff0c eeff09 f1fc06 f4f802 f8f500 fbf100 feed00 ffea00 ffe600 ffe200 ffde00 ffdb00 ffd700 ffd300",
    "ffd000 ffcc00 ffc800 ffc400 ffc100 ffbd00 ffb900 ffb600 ffb200 ffae00 ffab00 ffa700 ffa300 ff9f00 ff9c00 ff9800",
    "ff9400 ff9100 ff8d00 ff8900 ff8600 ff8200 ff7e00 ff7a00 ff7700 ff7300 ff6f00 ff6c00 ff6800 ff6400 ff6000 ff5d00",
    "ff5900 ff5500 ff5200 ff4e00 ff4a00 ff4700 ff4300 ff3f00 ff3b00 ff3800 ff3400 ff3000 ff2d00 ff2900 ff2500 ff2200",
    "ff1e00 ff1a00 ff1600 ff1300 fa0f00 f60b00 f10800 ed0400 e80000 e40000 df0000 da0000 d60000 d10000 cd0000 c80000",
    "c40000 bf0000 bb0000 b60000 b20000 ad0000 a80000 a40000 9f0000 9b0000 960000 920000 8d0000 890000 840000 800000",
].joined(separator: " ").split(separator: " ").map { "#" + $0 }

@Test func jetLookupTableMatchesMatplotlibBitForBit() {
    #expect(matplotlibJetTable.count == 256)
    for i in 0..<256 {
        let x = Double(i) / 255
        #expect(Jet.lookupIndex(x) == i, "entry \(i)")
        #expect(Jet.matplotlib(x).hex == matplotlibJetTable[i], "entry \(i)")
        // The table samples the definition: agreement to rounding error.
        let exact = Jet.continuous(x)
        let sampled = Jet.matplotlib(x)
        #expect(abs(exact.red - sampled.red) < 1e-12 && abs(exact.green - sampled.green) < 1e-12
                && abs(exact.blue - sampled.blue) < 1e-12, "entry \(i)")
    }
}

@Test func coloursAgreeWithBoundariesAtBandEdges() {
    // A boundary at a band edge separates exactly the colours at and above it.
    let options = RenderOptions()
    var rng = SplitMix(state: 99)
    for _ in 0..<20_000 {
        let v = rng.uniform() * 1.6 - 0.3
        let band = options.levelIndex(of: v)!
        for k in 1...10 {
            let edge = options.levelValue(k)
            #expect((band >= k) == options.isAtOrAbove(v, level: edge), "value \(v), edge \(edge)")
        }
    }
    #expect(options.isAtOrAbove(0.8999999999999999, level: 0.9))
    #expect(!options.isAtOrAbove(0.8999999, level: 0.9))
}
