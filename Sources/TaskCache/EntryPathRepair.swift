import Foundation

/// Entry paths blocked by something that is not an entry file: the entry path a folder, or its
/// shard folder `entries/<2 hex>` a file. Such an entry is reported as damaged and the blocking
/// item is moved aside (to `damaged/`), so that the task is recomputed and stored instead of
/// failing on every run.
extension TaskCache {
    /// Why the entry path of `key` is blocked, or nil when it holds a file or nothing.
    func blockedEntryPath(_ key: String) -> String? {
        let entry = entryURL(key)
        let shard = entry.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: shard.path, isDirectory: &isFolder), !isFolder.boolValue {
            return "entries/\(shard.lastPathComponent) is a file, not a folder"
        }
        if FileManager.default.fileExists(atPath: entry.path, isDirectory: &isFolder), isFolder.boolValue {
            return "the entry path is a folder, not a file"
        }
        return nil
    }

    /// Moves whatever blocks the entry path of `key` to `damaged/` (kept for inspection).
    func clearBlockedEntryPath(_ key: String) throws {
        let entry = entryURL(key)
        let shard = entry.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        let blocker: URL
        if FileManager.default.fileExists(atPath: shard.path, isDirectory: &isFolder), !isFolder.boolValue {
            blocker = shard
        } else if FileManager.default.fileExists(atPath: entry.path, isDirectory: &isFolder), isFolder.boolValue {
            blocker = entry
        } else {
            return
        }
        let aside = root.appendingPathComponent("damaged")
        try? FileManager.default.createDirectory(at: aside, withIntermediateDirectories: true)
        let target = aside.appendingPathComponent("\(blocker.lastPathComponent).\(UInt64.random(in: 0...UInt64.max))")
        // Another process may have moved it already; only a blocker still in place is an error.
        if rename(blocker.path, target.path) != 0 && blockedEntryPath(key) != nil {
            throw AtomicFileError(path: blocker.path, operation: "move aside", code: errno)
        }
    }
}
