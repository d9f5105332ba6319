import ArgumentParser
import Foundation
import Pipeline
import Planning

/// `neural-recovery render`: write figures from cached results without computing anything.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Write each figure's SVG and CSV from the cache, computing nothing (missing cells are blank).",
        discussion: """
        Outputs go to outputs/figures/<manifest>/: figure.svg (panels side by side), per panel panel-K.svg, panel-K.csv (n, d, count, mean, std, min, max) and samples-K.csv (one line per sample: n, d, sample, its status and the metrics its cells have, with the digits verify needs), and manifest.resolved.yaml (the manifest after overrides and scale). Then outputs/index.html, the gallery of every figure folder (thumbnails, what each figure shows, its phase boundaries, links to its data); it opens from file:// with no server.

        --gallery-only rewrites just outputs/index.html from the figure folders on disk (no manifest, no cache).
        """
    )

    @OptionGroup var options: PipelineOptions
    @Flag(help: "Rewrite figures even when nothing they depend on changed.")
    var force = false
    @Flag(help: "Only rewrite OUTPUTS/index.html from the figure folders on disk.")
    var galleryOnly = false

    func run() throws {
        if galleryOnly {
            print("gallery: \(try GalleryWriter.write(context: options.context()).path)")
            return
        }
        let (plan, context) = try options.plan()
        for figure in plan.figures {
            switch try FigureWriter.write(figure, context: context, force: force) {
            case .unchanged: print("\(figure.manifest.name): unchanged")
            case .written(let missing):
                print("\(figure.manifest.name): written" + (missing > 0 ? " (\(missing) samples not computed yet: blank)" : ""))
            }
        }
        print("gallery: \(try GalleryWriter.write(context: context).path)")
    }
}
