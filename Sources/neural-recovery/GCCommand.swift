import ArgumentParser
import Foundation
import Pipeline
import Planning

/// `neural-recovery gc`: remove cache entries no manifest references.
struct GCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove cache entries that no manifest references, and pack the rest into one file.",
        discussion: """
        Keeps every entry referenced by the manifests at both the full and the smoke scale (plus the given overrides), removes the rest (entries of older code or cache versions, of edited parameters, of removed manifests), and removes temporary files older than an hour. The entries it keeps move from one file each into one pack (cache/packs/), each checked whole on the way, so the cache takes about its content's size on disk instead of a 4 KB file-system block per entry. Runs go on writing new entries as files; the next gc packs them too.
        """
    )

    @OptionGroup var options: PipelineOptions
    @Flag(help: "Only count what would be removed.")
    var dryRun = false
    @Flag(help: "Remove nothing: only pack the loose entries (what `make figures` does after a run).")
    var packOnly = false
    @Option(help: "With --pack-only: do nothing unless at least this many entries are loose (one file each).")
    var minLoose = 0

    func run() throws {
        if packOnly {
            let context = options.context()
            let loose = context.cache.looseEntryCount()
            guard loose >= max(1, minLoose) else { return }
            let all = Set(context.cache.allKeys())
            _ = context.cache.collectGarbage(keeping: all)
            print("packed \(all.count) entries (\(loose) were loose)")
            return
        }
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
