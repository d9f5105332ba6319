import ArgumentParser
import Foundation
import TaskCache

/// `neural-recovery carry`: pack what a sitting finished of a long figure, to commit and resume from.
struct CarryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "carry",
        abstract: "Pack the finished cell samples of figures still in progress, to carry them to the next sitting.",
        discussion: """
        For a figure longer than one sitting on the machine computing it (e.g. Figure 24: 16 000 samples, ≈ 22 CPU-hours on 2 cores): at the end of each sitting, `carry` copies the samples its cache holds and earlier sittings have not carried into a new pack, IN_PROGRESS/<figure>/<figure>-part-K.pack with its index (K one more than the last part). Commit that folder; on the next machine or sitting `make figures` (tools/carry-packs.sh) copies the packs into the cache, and `run` computes only what is still missing. Name the figures' manifests: unlike the other pipeline commands, `carry` has no default set of manifests.

        Each entry is verified before it is packed (header, checksum, key), and verified again when read from the pack; its key binds the cell's spec and the fingerprints of the code that computed it, so after a code change carried entries are misses, not hits. A figure with no sample missing is not packed: render it with `run`, commit outputs/figures/<figure>/ and remove its folder under IN_PROGRESS.

        Example, at the end of a sitting:
          neural-recovery carry experiments/fig24.yaml
          git add outputs/in-progress/fig24 && git commit -m "fig24: part 2"
        """
    )

    @OptionGroup var options: PipelineOptions
    @Option(help: ArgumentHelp("Folder of the figures in progress (one sub-folder per figure).", valueName: "folder"))
    var inProgress = "outputs/in-progress"

    func run() throws {
        guard !options.manifests.isEmpty else {
            throw failWithInputError("name the manifests of the figures to carry, e.g. `carry experiments/fig24.yaml`")
        }
        let (plan, context) = try options.plan()
        for figure in plan.figures {
            let name = figure.manifest.name
            let folder = URL(fileURLWithPath: inProgress).appendingPathComponent(name)
            let keys = figure.keys
            let held = keys.filter { context.cache.contains($0) }
            let missing = keys.count - held.count
            let carried = TaskCache.packedKeys(in: folder).intersection(keys)
            if missing == 0 {
                print("\(name): complete (\(keys.count) cell samples in the cache): nothing carried; render it with `run`, "
                      + "commit outputs/figures/\(name)/" + (carried.isEmpty ? "" : " and remove \(folder.path)"))
                continue
            }
            let fresh = held.subtracting(carried)
            if fresh.isEmpty {
                print("\(name): nothing new to carry (\(carried.count) of \(keys.count) cell samples carried, "
                      + "\(missing) still to compute)")
                continue
            }
            let part = "\(name)-part-\(nextPart(in: folder, figure: name))"
            let count: Int
            do {
                count = try context.cache.exportPack(fresh.sorted(), to: folder, name: part)
            } catch {
                throw failWithInputError("\(folder.path): cannot write \(part).pack: \(error.localizedDescription)")
            }
            let total = carried.count + count
            print("\(name): carried \(count) cell samples into \(folder.path)/\(part).pack; \(total) of \(keys.count) "
                  + "carried in all, \(missing) still to compute"
                  + (count < fresh.count ? " (\(fresh.count - count) damaged entries left out; `run` recomputes them)" : ""))
        }
    }

    /// One more than the largest K of `<figure>-part-K.index` or `.pack` in `folder` (1 when none).
    func nextPart(in folder: URL, figure: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let prefix = "\(figure)-part-"
        let parts = names.compactMap { name -> Int? in
            guard name.hasPrefix(prefix), name.hasSuffix(".index") || name.hasSuffix(".pack") else { return nil }
            return Int(name.dropFirst(prefix.count).prefix { $0.isNumber })
        }
        return (parts.max() ?? 0) + 1
    }
}
