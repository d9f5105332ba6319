import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Render

/// A parsed SVG: every element in document order with its attributes and text.
struct ParsedSVG {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text: String
        var classes: [String] { (attributes["class"] ?? "").split(separator: " ").map(String.init) }
    }

    var root: Element
    var elements: [Element]

    /// Parses `svg` with Foundation's XMLDocument; throws when it is not well-formed XML.
    init(_ svg: String) throws {
        let document = try XMLDocument(xmlString: svg, options: [])
        guard let rootElement = document.rootElement() else { throw ParseError.noRoot }
        var all: [Element] = []
        func visit(_ node: XMLElement) {
            var attributes: [String: String] = [:]
            for attribute in node.attributes ?? [] {
                if let name = attribute.name { attributes[name] = attribute.stringValue ?? "" }
            }
            all.append(Element(name: node.localName ?? node.name ?? "", attributes: attributes, text: node.stringValue ?? ""))
            for child in node.children ?? [] {
                if let element = child as? XMLElement { visit(element) }
            }
        }
        visit(rootElement)
        root = all[0]
        elements = all
    }

    enum ParseError: Error { case noRoot }

    func withClass(_ cls: String) -> [Element] { elements.filter { $0.classes.contains(cls) } }
    func named(_ name: String) -> [Element] { elements.filter { $0.name == name } }
}

extension ParsedSVG.Element {
    func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }
}

/// A tiny deterministic generator for synthetic grids (SplitMix64).
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// A synthetic phase transition: recovery when n exceeds `slope`·d, blurred by `noise` (or,
/// with `bernoulli`, 0/1 samples with that probability), with a few cells left out and a
/// not-computed corner.
func syntheticPanel(title: String = "Synthetic", sweep: String? = nil, slope: Double = 2.2, noise: Double = 0.08,
                    scale: Double = 1, seed: UInt64 = 1, blanks: Bool = true, bernoulli: Bool = false) -> HeatmapPanel {
    var rng = SplitMix(state: seed)
    var cells: [GridCell: CellAggregate] = [:]
    for n in HeatmapPanel.defaultNValues {
        for d in HeatmapPanel.defaultDValues {
            if blanks && ((n > 330 && d > 70) || rng.uniform() < 0.02) { continue }
            let samples = (0..<10).map { _ -> Double in
                let logistic = 1 / (1 + exp(-(Double(n) - slope * Double(d)) / 18))
                // Success/failure samples, as the recovery metric has them.
                if bernoulli { return rng.uniform() < logistic ? 1 : 0 }
                return scale * min(1, max(0, logistic + noise * (rng.uniform() - 0.5) * 2))
            }
            cells[GridCell(n: n, d: d)] = CellAggregate(samples: samples)
        }
    }
    return HeatmapPanel(title: title, sweepLabel: sweep, nValues: HeatmapPanel.defaultNValues,
                        dValues: HeatmapPanel.defaultDValues, cells: cells)
}
