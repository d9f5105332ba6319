import Foundation
import Testing
@testable import Render

/// The figures committed under outputs/figures/: each recovery map is monotone in n for each d
/// within sampling noise, and has every cell of its grid. (Condition maps are not monotone by
/// nature: with few samples there are few patterns, and the NNIC conditions hold trivially.)
struct CommittedFigureTests {
    static let figures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("outputs/figures")

    /// (figure, panel CSV, metric) of every committed panel.
    static func panels() -> [(figure: String, csv: URL, metric: String)] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: figures.path)) ?? []).sorted()
        var out: [(String, URL, String)] = []
        for name in names {
            let folder = figures.appendingPathComponent(name)
            guard let yaml = try? String(contentsOf: folder.appendingPathComponent("manifest.resolved.yaml"), encoding: .utf8),
                  let line = yaml.split(separator: "\n").first(where: { $0.hasPrefix("metric: ") }) else { continue }
            let metric = String(line.dropFirst("metric: ".count))
            let csvs = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
                .filter { $0.hasPrefix("panel") && $0.hasSuffix(".csv") }.sorted()
            for csv in csvs { out.append((name, folder.appendingPathComponent(csv), metric)) }
        }
        return out
    }

    static func read(_ url: URL) throws -> HeatmapPanel {
        let text = try String(contentsOf: url, encoding: .utf8)
        // The grid from every row, computed or not; the cells from the shared reader.
        var ns = Set<Int>(), ds = Set<Int>()
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            if f.count >= 2, let n = Int(f[0]), let d = Int(f[1]) { ns.insert(n); ds.insert(d) }
        }
        return HeatmapPanel(title: url.path, nValues: Array(ns), dValues: Array(ds), cells: CSV.readAggregates(text))
    }

    @Test func recoveryMapsAreMonotoneInNWithinSamplingNoise() throws {
        let rates = Self.panels().filter { $0.metric == "recovery" }
        #expect(!rates.isEmpty, "no committed recovery figure under outputs/figures/")
        for (figure, csv, _) in rates {
            let panel = try Self.read(csv)
            // Every cell computed, except those blank by definition: normalized learners at n < d
            // (docs/science.md §2), whose manifests say `learned: normalized`.
            let normalized = (try? String(contentsOf: csv.deletingLastPathComponent().appendingPathComponent("manifest.resolved.yaml"),
                                          encoding: .utf8))?.contains("learned: normalized") ?? false
            let expected = panel.nValues.reduce(0) { total, n in
                total + panel.dValues.filter { d in !(normalized && n < d) }.count
            }
            #expect(panel.cells.count == expected,
                    "\(figure)/\(csv.lastPathComponent): \(panel.cells.count) of \(expected) cells")
            // From n = d on: below it, ReLU-skip exact (Figures 2, 4b) recovers smallest-pc weights, which lie in
            // X's row space there, by the minimum-norm fit (checked against the direct solve), then loses them
            // just above n = d; that is the program, not noise.
            let violations = MonotonicityCheck.violations(panel, fromNEqualsD: true)
            #expect(violations.isEmpty, "\(figure)/\(csv.lastPathComponent): \(violations.prefix(5))")
        }
    }
}
