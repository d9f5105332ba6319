/// One figure of the gallery page.
public struct GalleryFigure: Sendable, Equatable {
    /// A link under the figure: its text and its path relative to the page.
    public struct Link: Sendable, Equatable {
        public var label: String
        public var path: String
        public init(label: String, path: String) {
            self.label = label
            self.path = path
        }
    }

    /// A measured phase boundary of one panel: its label and c of n ≈ c·d (nil: no cell past it).
    public struct Boundary: Sendable, Equatable {
        public var panel: String
        public var criterion: String
        public var slope: Double?
        public init(panel: String, criterion: String, slope: Double?) {
            self.panel = panel
            self.criterion = criterion
            self.slope = slope
        }
    }

    /// The figure's anchor on the page (the manifest's name, e.g. `fig07`).
    public var name: String
    /// The figure's title.
    public var title: String
    /// One line: what the figure shows (learned model, formulation, planted model, metric, sweep).
    public var statement: String
    /// The figure's SVG, relative to the page.
    public var image: String
    /// Links to its data and manifest.
    public var links: [Link]
    /// Phase boundaries per panel (empty for metrics without one).
    public var boundaries: [Boundary]
    /// Why the figure is not complete (cells or samples missing), nil when it is.
    public var incomplete: String?

    public init(name: String, title: String, statement: String, image: String, links: [Link],
                boundaries: [Boundary] = [], incomplete: String? = nil) {
        self.name = name
        self.title = title
        self.statement = statement
        self.image = image
        self.links = links
        self.boundaries = boundaries
        self.incomplete = incomplete
    }
}

/// The gallery: one self-contained HTML page (no script, no network, works from `file://`) with a
/// thumbnail grid linking to each figure, then every figure with its statement, boundaries and
/// links. The page is well-formed XML (XHTML syntax), so tools can parse it.
public enum Gallery {
    /// The page for `figures`, in order, under `heading`; `preamble` is one paragraph of text.
    public static func html(heading: String, preamble: String, figures: [GalleryFigure]) -> String {
        var lines: [String] = []
        func add(_ s: String) { lines.append(s) }
        let e = Format.xmlEscaped
        add("<!DOCTYPE html>")
        add("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">")
        add("<head>")
        add("<meta charset=\"utf-8\"/>")
        add("<title>\(e(heading))</title>")
        add("<style>")
        add("body { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; margin: 1.5em auto; max-width: 70em; padding: 0 1em; color: #222; }")
        add(".thumbs { display: grid; grid-template-columns: repeat(auto-fill, minmax(11em, 1fr)); gap: 0.8em; }")
        add(".thumbs a { display: block; text-decoration: none; color: inherit; font-size: 0.8em; border: 1px solid #ddd; padding: 0.3em; }")
        add(".thumbs img { width: 100%; height: 7em; object-fit: contain; background: #fff; }")
        add("section { margin-top: 2.5em; border-top: 1px solid #ccc; padding-top: 1em; }")
        add("section img { max-width: 100%; height: auto; }")
        add(".incomplete { color: #a00; font-weight: bold; }")
        add("table { border-collapse: collapse; } td, th { padding: 0.15em 0.8em; border-bottom: 1px solid #eee; text-align: left; }")
        add("</style>")
        add("</head>")
        add("<body>")
        add("<h1>\(e(heading))</h1>")
        add("<p>\(e(preamble))</p>")
        add("<div class=\"thumbs\">")
        for figure in figures {
            let mark = figure.incomplete == nil ? "" : " (incomplete)"
            add("<a href=\"#\(e(figure.name))\"><img src=\"\(e(figure.image))\" alt=\"\(e(figure.name))\"/>"
                + "<span>\(e(figure.name))\(mark)</span></a>")
        }
        add("</div>")
        for figure in figures {
            add("<section id=\"\(e(figure.name))\">")
            add("<h2>\(e(figure.title))</h2>")
            if let why = figure.incomplete { add("<p class=\"incomplete\">Incomplete: \(e(why))</p>") }
            add("<p class=\"statement\">\(e(figure.statement))</p>")
            add("<img src=\"\(e(figure.image))\" alt=\"\(e(figure.title))\"/>")
            if !figure.boundaries.isEmpty {
                add("<table class=\"boundaries\"><tr><th>panel</th><th>boundary</th><th>c in n ≈ c·d</th></tr>")
                for b in figure.boundaries {
                    let c = b.slope.map { Format.fixed($0, decimals: 2) } ?? "none reached"
                    add("<tr><td>\(e(b.panel))</td><td>\(e(b.criterion))</td><td>\(e(c))</td></tr>")
                }
                add("</table>")
            }
            add("<p class=\"links\">" + figure.links.map { "<a href=\"\(e($0.path))\">\(e($0.label))</a>" }
                .joined(separator: " · ") + "</p>")
            add("</section>")
        }
        add("</body>")
        add("</html>")
        return lines.joined(separator: "\n") + "\n"
    }
}
