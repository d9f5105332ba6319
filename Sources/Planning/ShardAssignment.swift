/// Splits tasks into shards of nearly equal expected cost, deterministically: every process that
/// is given the same (key, cost) pairs and shard count computes the same assignment, whatever the
/// order it was given them in.
///
/// Longest-processing-time greedy: tasks sorted by cost (largest first, ties by key) each go to the
/// shard with the least cost so far (ties to the lowest index). The most loaded shard ends at most
/// 4/3 of the optimum (Graham, 1969), and within one task's cost of the mean.
public enum ShardAssignment {
    /// The 1-based shard of each key among `count` shards.
    public static func assign(_ items: [(key: String, cost: Double)], count: Int) -> [String: Int] {
        precondition(count >= 1, "a shard count is at least 1")
        let ordered = items.map { (key: $0.key, cost: $0.cost.isFinite ? max($0.cost, 0) : 0) }
            .sorted { $0.cost != $1.cost ? $0.cost > $1.cost : $0.key < $1.key }
        var loads = ShardLoads(count: count)
        var shardOf: [String: Int] = [:]
        shardOf.reserveCapacity(ordered.count)
        for item in ordered where shardOf[item.key] == nil {
            shardOf[item.key] = loads.addToLightest(item.cost) + 1
        }
        return shardOf
    }

    /// The expected cost of each shard (index 0 is shard 1) under `assign`.
    public static func loads(_ items: [(key: String, cost: Double)], count: Int) -> [Double] {
        let shardOf = assign(items, count: count)
        var totals = [Double](repeating: 0, count: count)
        var seen = Set<String>()
        for item in items where seen.insert(item.key).inserted { totals[shardOf[item.key]! - 1] += max(item.cost, 0) }
        return totals
    }
}

/// A binary min-heap of (load, shard index): the lightest shard, lowest index first on ties.
private struct ShardLoads {
    private var heap: [(load: Double, index: Int)]

    init(count: Int) { heap = (0..<count).map { (0, $0) } }

    private func lighter(_ a: Int, _ b: Int) -> Bool {
        heap[a].load != heap[b].load ? heap[a].load < heap[b].load : heap[a].index < heap[b].index
    }

    /// Adds `cost` to the lightest shard and returns its 0-based index.
    mutating func addToLightest(_ cost: Double) -> Int {
        let index = heap[0].index
        heap[0].load += cost
        var i = 0
        while true {
            let left = 2 * i + 1, right = left + 1
            var smallest = i
            if left < heap.count && lighter(left, smallest) { smallest = left }
            if right < heap.count && lighter(right, smallest) { smallest = right }
            if smallest == i { break }
            heap.swapAt(i, smallest)
            i = smallest
        }
        return index
    }
}
