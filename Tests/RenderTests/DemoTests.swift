import Foundation
import Testing
@testable import Render

/// Synthetic panels and figures in the paper's look. Set `RENDER_DEMO_DIR` to also write them
/// (SVG and CSV) for a look, e.g. `rsvg-convert -o panel.png panel.svg`.
@Test func demoFigures() throws {
    let recovery = syntheticPanel(title: "Synthetic recovery (skip / relaxed)", sweep: "σ = 0", seed: 3, bernoulli: true)
    let panelOptions = RenderOptions(boundaryLevels: [0.9], metricName: "recovery")
    let sweep = [0.0, 0.05, 0.1, 0.2]
    // Distances: small where the phase transition says "recovered", above 1 far from it.
    let distances = sweep.enumerated().map { index, sigma -> HeatmapPanel in
        var panel = syntheticPanel(title: "Fig. 7", sweep: "σ = \(Format.fixed(sigma))", slope: 2.0 + 2 * sigma,
                                   noise: 0.05 + sigma, seed: UInt64(10 + index), blanks: index == 3)
        panel.cells = panel.cells.mapValues { a in
            CellAggregate(count: a.count, mean: 1.3 * (1 - a.mean) + sigma, std: a.std, min: 1.3 * (1 - a.max), max: 1.3 * (1 - a.min))
        }
        return panel
    }
    let distanceOptions = RenderOptions(boundaryLevels: [0.1], metricName: "weight distance")
    let outputs = [
        ("panel", SVG.panel(recovery, options: panelOptions)),
        ("figure", SVG.figure(title: "Figure 7: weight distance, σ sweep", panels: distances, options: distanceOptions)),
        ("figure6", SVG.figure(title: "Six panels", panels: (0..<6).map {
            syntheticPanel(title: "", sweep: "k = \($0)", slope: 1.5 + 0.3 * Double($0), seed: UInt64(40 + $0), bernoulli: true)
        }, options: panelOptions)),
        ("figure-contour", SVG.figure(title: "Figure 7: weight distance, σ sweep (contour)", panels: distances,
                                      options: RenderOptions(boundaryLevels: [0.1], metricName: "weight distance", style: .contour))),
        ("panel-single", SVG.figure(title: "Figure 4a: a single panel", panels: [recovery], options: panelOptions)),
    ]
    for (_, svg) in outputs { _ = try ParsedSVG(svg) }
    #expect(try ParsedSVG(outputs[1].1).withClass("over-range-marker").count == 1)

    guard let directory = ProcessInfo.processInfo.environment["RENDER_DEMO_DIR"] else { return }
    let url = URL(fileURLWithPath: directory, isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    for (name, svg) in outputs {
        try svg.write(to: url.appendingPathComponent(name + ".svg"), atomically: true, encoding: .utf8)
    }
    try CSV.aggregates(recovery).write(to: url.appendingPathComponent("panel.csv"), atomically: true, encoding: .utf8)
}
