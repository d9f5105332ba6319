/// The tasks a job array splits, fixed when the array is written: the keys missing then, with
/// their expected costs, and the shard count. Every element splits this same list with
/// `ShardAssignment`, so elements that start at different times (an array throttled to K running,
/// a requeued element) agree on who computes what, although the cache fills meanwhile.
///
/// Text format (`tasks.tsv`): a header line `neural-recovery-shard-tasks/1 shards=N`, then one
/// line per task, `key<TAB>cost` (cost in expected seconds, Swift's shortest round-trip form).
public struct ShardTaskList: Sendable {
    public static let format = "neural-recovery-shard-tasks/1"

    /// How many shards split the list.
    public let shards: Int
    /// The keys and expected costs, sorted by key.
    public let tasks: [(key: String, cost: Double)]

    public init(shards: Int, tasks: [(key: String, cost: Double)]) {
        self.shards = shards
        self.tasks = tasks.sorted { $0.key < $1.key }
    }

    /// The file's text.
    public var text: String {
        var lines = ["\(Self.format) shards=\(shards)"]
        for task in tasks { lines.append("\(task.key)\t\(task.cost)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads a list; a malformed one is an error naming `path` and the line.
    public static func parse(_ text: String, path: String) throws -> ShardTaskList {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = lines.first?.split(separator: " ") ?? []
        guard header.count == 2, header[0] == Self.format, header[1].hasPrefix("shards="),
              let shards = Int(header[1].dropFirst("shards=".count)), shards >= 1 else {
            throw ShardTaskListError(message: "\(path):1: expected the header `\(Self.format) shards=N`")
        }
        var tasks: [(key: String, cost: Double)] = []
        for (offset, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let fields = line.split(separator: "\t")
            guard fields.count == 2, let cost = Double(fields[1]), cost.isFinite, cost >= 0 else {
                throw ShardTaskListError(message: "\(path):\(offset + 1): expected `key<TAB>cost`")
            }
            tasks.append((String(fields[0]), cost))
        }
        return ShardTaskList(shards: shards, tasks: tasks)
    }

    /// The keys of shard `index` (1-based), sorted.
    public func keys(ofShard index: Int) -> [String] { keysByShard()[index - 1] }

    /// The sorted keys of every shard (index 0 is shard 1).
    public func keysByShard() -> [[String]] {
        let shardOf = ShardAssignment.assign(tasks, count: shards)
        var keys = [[String]](repeating: [], count: shards)
        for task in tasks { keys[shardOf[task.key]! - 1].append(task.key) }
        return keys
    }

    /// The expected cost of each shard (index 0 is shard 1).
    public var loads: [Double] { ShardAssignment.loads(tasks, count: shards) }
}

/// A shard task list that cannot be read.
public struct ShardTaskListError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
