extension ScaleProfile {
    /// The grid computed under this profile.
    public func apply(to grid: Grid) -> Grid {
        switch self {
        case .full:
            return grid
        case .smoke:
            func limited(_ values: [Int], to limit: Int) -> [Int] {
                let kept = values.filter { $0 <= limit }
                return kept.isEmpty ? Array(values.prefix(1)) : kept
            }
            return Grid(n: limited(grid.n, to: 60), d: limited(grid.d, to: 30), samples: min(grid.samples, 2))
        }
    }
}
