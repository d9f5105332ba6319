import Foundation
import Testing

/// README's table of phase boundaries states what the committed figures show: for every figure, the
/// same boundaries in the same panel order as the gallery (`outputs/index.html`, written by `render`
/// from the committed figure folders). The panel and criterion wording may differ; the slopes may not.
@Suite struct ReadmeBoundaryTableTests {
    /// Figure name → its slopes ("2.72", "none reached", …) in panel order, from README's table rows
    /// `| [figXX](outputs/figures/figXX/figure.svg) | panel | boundary | c |`.
    static func readmeSlopes(_ text: String) -> [String: [String]] {
        var slopes: [String: [String]] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| [") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 6, let close = cells[1].firstIndex(of: "]"),
                  cells[1].contains("](outputs/figures/") else { continue }
            let name = String(cells[1][cells[1].index(after: cells[1].startIndex)..<close])
            slopes[name, default: []].append(cells[4])
        }
        return slopes
    }

    /// Figure name → its slopes in panel order, from the gallery's `<table class="boundaries">` per section.
    static func gallerySlopes(_ html: String) -> [String: [String]] {
        var slopes: [String: [String]] = [:]
        for section in html.components(separatedBy: "<section id=\"").dropFirst() {
            guard let name = section.split(separator: "\"").first.map(String.init),
                  let table = section.components(separatedBy: "<table class=\"boundaries\">").dropFirst().first,
                  let body = table.components(separatedBy: "</table>").first else { continue }
            for row in body.components(separatedBy: "<tr><td>").dropFirst() {
                let cells = row.components(separatedBy: "</td><td>")
                guard cells.count == 3, let last = cells[2].components(separatedBy: "</td>").first else { continue }
                slopes[name, default: []].append(last)
            }
        }
        return slopes
    }

    @Test func readmeTableMatchesTheGallery() throws {
        let root = ToolRunner.packageRoot
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let gallery = try String(contentsOf: root.appendingPathComponent("outputs/index.html"), encoding: .utf8)
        let stated = Self.readmeSlopes(readme)
        let shown = Self.gallerySlopes(gallery)
        #expect(shown.count >= 20, "the gallery shows \(shown.count) boundary tables; expected every committed figure's")
        for name in Set(stated.keys).union(shown.keys).sorted() {
            #expect(stated[name] == shown[name],
                    "\(name): README states c = \(stated[name] ?? []), the gallery shows \(shown[name] ?? [])")
        }
    }

    @Test func bothParsersReadTheirFormat() {
        let readme = """
            | figure | panel | boundary | c in n ≈ c·d |
            |---|---|---|---|
            | [fig07](outputs/figures/fig07/figure.svg) | σ = 0 | distance ≤ 0.1 | 2.72 |
            | [fig07](outputs/figures/fig07/figure.svg) | σ = 0.05 | distance ≤ 0.1 | none reached |
            """
        #expect(Self.readmeSlopes(readme) == ["fig07": ["2.72", "none reached"]])
        let html = """
            <section id="fig07"><h2>t</h2><table class="boundaries"><tr><th>panel</th><th>boundary</th><th>c</th></tr>
            <tr><td>σ = 0</td><td>distance ≤ 0.1</td><td>2.72</td></tr>
            <tr><td>σ = 0.05</td><td>distance ≤ 0.1</td><td>none reached</td></tr>
            </table></section><section id="fig08"><h2>no table</h2></section>
            """
        #expect(Self.gallerySlopes(html) == ["fig07": ["2.72", "none reached"]])
    }
}
