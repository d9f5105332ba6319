import Foundation
import TaskCache

/// Checks, before the first task starts, that a run will be able to store what it computes: the
/// cache's entry and lease folders and the figures folder can be created and written. A run that
/// could not store its results fails at once with one line, instead of computing everything first.
public enum OutputsCheck {
    /// Why results could not be stored under `context.outputs`, or nil: the cache folders when
    /// `cache` (tasks will run), the figures folder when `figures`. Creates the folders.
    public static func problem(_ context: PipelineContext, cache: Bool = true, figures: Bool = true) -> String? {
        var folders: [URL] = []
        if cache { folders += [context.cache.root.appendingPathComponent("entries"), context.cache.root.appendingPathComponent("leases")] }
        if figures { folders.append(context.outputs.appendingPathComponent("figures")) }
        for folder in folders {
            let probe = folder.appendingPathComponent(".write-probe-\(getpid())")
            do {
                try AtomicFile.write(Data(), to: probe)
                unlink(probe.path)
            } catch {
                return "\(error); nothing was computed (check --outputs \(context.outputs.path))"
            }
        }
        return nil
    }
}
