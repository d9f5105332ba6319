import ArgumentParser
import Foundation
import Pipeline
import Planning

/// `neural-recovery status`: per manifest, complete or stale and why.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "For each manifest: complete, or stale and why (cells missing, code changed, parameters changed).",
        discussion: "Use `explain` for the reason of one cell."
    )

    @OptionGroup var options: PipelineOptions

    func run() throws {
        let (plan, context) = try options.plan()
        for figure in plan.figures {
            var reasons: [String: Int] = [:]
            var missing = 0
            for key in figure.keys.sorted() {
                guard let task = plan.tasks[key] else { continue }
                let reason = Explainer.reason(task, context: context)
                if reason == .cached { continue }
                missing += 1
                reasons[reason.description, default: 0] += 1
            }
            let name = figure.manifest.name
            let changes = Explainer.manifestChanges(figure, context: context)
            let stampFile = context.figureFolder(name).appendingPathComponent(".render-stamp")
            let stamp = FileManager.default.contents(atPath: stampFile.path).map { String(decoding: $0, as: UTF8.self) }
            let renderCurrent = stamp == (try? FigureWriter.stamp(figure, context: context))
            if missing == 0 && renderCurrent {
                print("\(name): complete (\(figure.keys.count) cells cached, figure up to date)")
                continue
            }
            var line = "\(name): stale — "
            if missing > 0 {
                line += "\(missing) of \(figure.keys.count) cell samples to compute: "
                line += reasons.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: "; ")
            } else {
                line += "cells cached, figure to re-render (renderer code or manifest changed)"
            }
            print(line)
            if !changes.isEmpty { print("  manifest changed since the last render:\n    " + changes.joined(separator: "\n    ")) }
        }
    }
}
