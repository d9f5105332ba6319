import LinearAlgebra
import RandomStreams

/// The arrangement patterns H = {h₁ … h_p} of a cell sample (docs/science.md §1).
public struct ArrangementPatterns: Equatable, Sendable {
    /// The distinct patterns, each n Booleans (hᵢ = 1[X uᵢ ≥ 0]), in order of first appearance.
    public var patterns: [[Bool]]
    /// For each planted neuron j (column of W*), the index of its pattern; empty for a linear planted model.
    public var plantedIndices: [Int]
    /// Whether some u ≠ 0 has X u ≥ 0 (decided exactly, see `AllOnesReachability`).
    public var allOnesReachable: Bool
    /// Whether the all-ones pattern was appended (reachable and not already drawn).
    public var allOnesAdded: Bool

    /// Builds the patterns of X from explicit directions: `planted` (d×k, may have 0 columns) first,
    /// then `directions` (d×p̂), deduplicated; the all-ones pattern appended when reachable and absent.
    public static func build(x: Matrix, planted: Matrix, directions: Matrix) throws -> ArrangementPatterns {
        var patterns: [[Bool]] = []
        var index: [[Bool]: Int] = [:]
        func add(_ h: [Bool]) -> Int {
            if let i = index[h] { return i }
            index[h] = patterns.count
            patterns.append(h)
            return patterns.count - 1
        }
        var plantedIndices: [Int] = []
        if planted.cols > 0 {
            let xw = x * planted
            for j in 0..<planted.cols { plantedIndices.append(add(xw.column(j).map { $0 >= 0 })) }
        }
        if directions.cols > 0 {
            let xu = x * directions
            for j in 0..<directions.cols { _ = add(xu.column(j).map { $0 >= 0 }) }
        }
        let reachable = try AllOnesReachability.isReachable(x)
        let ones = [Bool](repeating: true, count: x.rows)
        var added = false
        if reachable && index[ones] == nil {
            _ = add(ones)
            added = true
        }
        return ArrangementPatterns(patterns: patterns, plantedIndices: plantedIndices,
                                   allOnesReachable: reachable, allOnesAdded: added)
    }

    /// Draws `count` directions u ~ N(0, I_d) (one after another, d entries each) as a d×count matrix.
    public static func drawDirections(count: Int, d: Int, from source: VariateSource) -> Matrix {
        var u = Matrix(rows: d, cols: count)
        for j in 0..<count { for i in 0..<d { u[i, j] = source.nextNormal() } }
        return u
    }
}
