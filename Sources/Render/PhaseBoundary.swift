/// The phase boundary of a panel: for each d, the smallest n from which on every computed cell
/// meets a criterion (recovery ≥ 0.5, or distance ≤ 0.1), and the slope c of the line n ≈ c·d
/// through the origin that fits those points best in least squares. "From which on" makes the
/// boundary the last crossing: for a monotone map it is the first n meeting the criterion, and a
/// map that also meets it at small n for another reason (a condition that holds trivially with few
/// samples) is measured where it meets it for good.
public struct PhaseBoundary: Sendable, Equatable {
    /// What a cell's mean must satisfy to count as past the transition.
    public enum Criterion: Sendable, Equatable {
        /// mean ≥ value (recovery rates, probabilities that a condition holds).
        case atLeast(Double)
        /// mean ≤ value (distances, errors).
        case atMost(Double)

        /// Whether `mean` satisfies the criterion.
        public func isMet(by mean: Double) -> Bool {
            switch self {
            case .atLeast(let value): return mean >= value
            case .atMost(let value): return mean <= value
            }
        }
    }

    /// One point per d of the grid: the smallest computed n from which on every computed mean meets
    /// the criterion, or nil when the largest computed n does not.
    public let points: [(d: Int, n: Int?)]
    /// c of n ≈ c·d over the points that exist (Σ n·d / Σ d²); nil when there are none.
    public let slope: Double?

    /// The boundary of `panel` under `criterion`.
    public init(_ panel: HeatmapPanel, criterion: Criterion) {
        points = panel.dValues.map { d in
            // From the largest n down, as long as every computed cell meets the criterion.
            var from: Int?
            for n in panel.nValues.reversed() {
                guard let mean = panel.aggregate(n: n, d: d)?.mean, !mean.isNaN else { continue }
                guard criterion.isMet(by: mean) else { break }
                from = n
            }
            return (d, from)
        }
        var nd = 0.0, dd = 0.0
        for point in points {
            guard let n = point.n else { continue }
            nd += Double(n) * Double(point.d)
            dd += Double(point.d) * Double(point.d)
        }
        slope = dd > 0 ? nd / dd : nil
    }

    public static func == (a: PhaseBoundary, b: PhaseBoundary) -> Bool {
        a.slope == b.slope && a.points.elementsEqual(b.points) { $0.d == $1.d && $0.n == $1.n }
    }
}

/// Pairs of cells where a rate falls as n grows by more than sampling noise explains.
public enum MonotonicityCheck {
    /// A pair (n₁ < n₂, same d) whose means fall from `higher` to `lower`.
    public struct Violation: Sendable, Equatable, CustomStringConvertible {
        public let d: Int
        public let n1: Int
        public let n2: Int
        public let higher: Double
        public let lower: Double
        public var description: String { "d = \(d): mean \(higher) at n = \(n1) but \(lower) at n = \(n2)" }
    }

    /// For each d and each pair n₁ < n₂ of computed cells, a violation when
    /// mean(n₁) − mean(n₂) > z · √(p̂(1 − p̂)(1/k₁ + 1/k₂)) + 1/(k₁ + k₂), with p̂ the pooled rate and kᵢ
    /// the sample counts: a two-proportion test at about `z` standard errors, with a continuity
    /// correction so that one flipped sample out of ten never counts as a violation by itself.
    /// With `fromNEqualsD`, only cells with n ≥ d are compared: below n = d the labels can be interpolated
    /// exactly, and a planted weight in X's row space (`smallest-pc` at n < d) is then recovered by the
    /// minimum-norm fit itself (docs/science.md §8), a regime the n-monotonicity does not speak about.
    public static func violations(_ panel: HeatmapPanel, z: Double = 3, fromNEqualsD: Bool = false) -> [Violation] {
        var found: [Violation] = []
        for d in panel.dValues {
            let column = panel.nValues.compactMap { n in panel.aggregate(n: n, d: d).map { (n, $0) } }
                .filter { !$0.1.mean.isNaN && $0.1.count > 0 && (!fromNEqualsD || $0.0 >= d) }
            for (a, first) in column.enumerated() {
                for second in column[(a + 1)...] {
                    let k1 = Double(first.1.count), k2 = Double(second.1.count)
                    let pooled = (first.1.mean * k1 + second.1.mean * k2) / (k1 + k2)
                    let noise = z * (max(0, pooled * (1 - pooled)) * (1 / k1 + 1 / k2)).squareRoot() + 1 / (k1 + k2)
                    if first.1.mean - second.1.mean > noise {
                        found.append(Violation(d: d, n1: first.0, n2: second.0, higher: first.1.mean, lower: second.1.mean))
                    }
                }
            }
        }
        return found
    }
}
