import ArgumentParser
import Foundation
import Pipeline
import Planning

/// `neural-recovery status`: per manifest, complete or stale and why.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "For each manifest: complete, or stale and why (cells missing, code changed, parameters changed).",
        discussion: """
        A figure whose render stamp matches (same cell keys, renderer and manifest; every output file in place with its recorded digest) is complete without opening its cache entries. For the others, an entry file that exists counts as cached: `run` verifies it when it uses it. Use `explain` for the reason of one cell.
        """
    )

    @OptionGroup var options: PipelineOptions

    func run() throws {
        let (plan, context) = try options.plan()
        let state = RunState(plan: plan, context: context)
        var survey = Explainer.Survey(context: context)
        for (figure, upToDate) in zip(plan.figures, state.upToDate) {
            let name = figure.manifest.name
            let digests = figure.digests
            if upToDate {
                // By its render stamp: the cache may hold none of these cells (a fresh clone's committed figures).
                print("\(name): complete (figure up to date with its \(digests.count) cell samples)")
                continue
            }
            var reasons: [String: Int] = [:]
            var missing = 0
            for digest in digests {
                guard let task = plan.tasks[digest] else { continue }
                let reason = survey.reason(task)
                if reason == .cached { continue }
                missing += 1
                reasons[reason.description, default: 0] += 1
            }
            var line = "\(name): stale — "
            if missing > 0 {
                line += "\(missing) of \(digests.count) cell samples to compute: "
                line += reasons.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: "; ")
            } else {
                line += "cells cached, figure to render (renderer code or manifest changed, or output files missing or altered)"
            }
            print(line)
            // The figure on disk (e.g. committed to the repository) may be current although this
            // cache lacks its cells: its provenance says what produced it.
            if let provenance = FigureProvenance.read(context.figureFolder(name)) {
                let why = provenance.changes(against: figure.manifest, fingerprints: context.fingerprints)
                print(why.isEmpty
                      ? "  rendered figure: current with this code and manifest (rendered \(provenance.rendered), \(provenance.missingSamples == 0 ? "complete" : "\(provenance.missingSamples) samples missing"))"
                      : "  rendered figure (\(provenance.rendered)) is stale: " + why.joined(separator: "; "))
            }
            let changes = Explainer.manifestChanges(figure, context: context)
            if !changes.isEmpty { print("  manifest changed since the last render:\n    " + changes.joined(separator: "\n    ")) }
        }
    }
}
