import ArgumentParser
import Foundation
import Pipeline
import Planning

/// `neural-recovery gc`: remove cache entries no manifest references.
struct GCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove cache entries that no manifest references (at the given scale and overrides).",
        discussion: """
        Keeps every entry referenced by the manifests at both the full and the smoke scale (plus
        the given overrides), removes the rest, and removes temporary files older than an hour.
        """
    )

    @OptionGroup var options: PipelineOptions
    @Flag(help: "Only count what would be removed.")
    var dryRun = false

    func run() throws {
        var keep = Set<String>()
        for scale in [options.scale, .full, .smoke] {
            var o = options
            o.scale = scale
            let (plan, _) = try o.plan()
            keep.formUnion(plan.tasks.keys)
        }
        let context = options.context()
        let all = context.cache.allKeys()
        let unreferenced = all.filter { !keep.contains($0) }
        if dryRun {
            print("would remove \(unreferenced.count) of \(all.count) entries")
            return
        }
        let removed = context.cache.collectGarbage(keeping: keep)
        print("removed \(removed) of \(all.count) entries")
    }
}
