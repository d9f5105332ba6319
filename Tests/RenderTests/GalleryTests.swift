import Foundation
import Testing
@testable import Render

struct GalleryTests {
    let figures = [
        GalleryFigure(name: "fig02", title: "Figure 2: skip & plain <exact>", statement: "skip · exact · planted linear · recovery",
                      image: "figures/fig02/figure.svg",
                      links: [.init(label: "panel-1.csv", path: "figures/fig02/panel-1.csv"),
                              .init(label: "manifest", path: "figures/fig02/manifest.resolved.yaml")],
                      boundaries: [.init(panel: "σ = 0", criterion: "recovery ≥ 0.5", slope: 2.345),
                                   .init(panel: "σ = 0.1", criterion: "recovery ≥ 0.5", slope: nil)]),
        GalleryFigure(name: "fig07", title: "Figure 7", statement: "distances", image: "figures/fig07/figure.svg",
                      links: [], incomplete: "12 of 400 cells missing"),
    ]

    @Test func pageIsWellFormedWithAThumbnailAndASectionPerFigure() throws {
        let page = Gallery.html(heading: "Figures", preamble: "All figures & their data.", figures: figures)
        let doc = try ParsedSVG(page.replacingOccurrences(of: "<!DOCTYPE html>\n", with: ""))
        let images = doc.named("img").compactMap { $0.attributes["src"] }
        // A thumbnail and a full image per figure.
        #expect(images == ["figures/fig02/figure.svg", "figures/fig07/figure.svg", "figures/fig02/figure.svg", "figures/fig07/figure.svg"])
        let sections = doc.named("section").compactMap { $0.attributes["id"] }
        #expect(sections == ["fig02", "fig07"])
        let hrefs = doc.named("a").compactMap { $0.attributes["href"] }
        #expect(hrefs.contains("#fig02") && hrefs.contains("figures/fig02/panel-1.csv") && hrefs.contains("figures/fig02/manifest.resolved.yaml"))
        // Text is escaped, boundaries are listed, the incomplete figure says so.
        #expect(page.contains("Figure 2: skip &amp; plain &lt;exact&gt;"))
        #expect(page.contains("<td>2.35</td>") && page.contains("none reached"))
        #expect(page.contains("Incomplete: 12 of 400 cells missing") && page.contains("fig07 (incomplete)"))
        // Self-contained: no script and nothing fetched from elsewhere.
        #expect(!page.contains("<script") && !page.contains("http://www.w3.org/1999/xhtml\" src") && !page.contains("https:"))
    }
}
