import Foundation
import RandomStreams
import Testing

/// Kolmogorov's limiting distribution: P(√n D > t) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²t²}.
func kolmogorovSurvival(_ t: Double) -> Double {
    if t < 0.2 { return 1 }
    var sum = 0.0
    for k in 1...100 {
        let term = exp(-2 * Double(k * k) * t * t)
        sum += (k % 2 == 1 ? 1 : -1) * term
        if term < 1e-16 { break }
    }
    return min(1, max(0, 2 * sum))
}

/// Largest gap between the empirical CDF of `samples` and `cdf`.
func kolmogorovSmirnovStatistic(_ samples: [Double], cdf: (Double) -> Double) -> Double {
    let sorted = samples.sorted()
    let n = Double(sorted.count)
    var d = 0.0
    for (i, x) in sorted.enumerated() {
        let f = cdf(x)
        d = max(d, Double(i + 1) / n - f, f - Double(i) / n)
    }
    return d
}

@Suite struct DistributionTests {
    @Test func normalsPassKolmogorovSmirnovAt1e5() {
        let z = CellStreams(identity: "ks-normal").stream(for: .design).normals(100_000)
        let d = kolmogorovSmirnovStatistic(z) { 0.5 * erfc(-$0 / 2.0.squareRoot()) }
        let p = kolmogorovSurvival(d * Double(z.count).squareRoot())
        #expect(p > 0.001, "KS statistic \(d), p = \(p)")
        let mean = z.reduce(0, +) / Double(z.count)
        let variance = z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(z.count - 1)
        #expect(abs(mean) < 5 / Double(z.count).squareRoot())
        #expect(abs(variance - 1) < 0.02)
    }

    @Test func uniformsPassKolmogorovSmirnov() {
        let s = CellStreams(identity: "ks-uniform").stream(for: .patterns)
        let u = (0..<100_000).map { _ in s.nextUniform() }
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        let d = kolmogorovSmirnovStatistic(u) { min(max($0, 0), 1) }
        #expect(kolmogorovSurvival(d * Double(u.count).squareRoot()) > 0.001)
    }

    @Test func theKSTestRejectsAWrongDistribution() {
        // The same machinery must reject uniforms tested as normals: the test can fail.
        let s = CellStreams(identity: "ks-wrong").stream(for: .design)
        let u = (0..<10_000).map { _ in s.nextUniform() }
        let d = kolmogorovSmirnovStatistic(u) { 0.5 * erfc(-$0 / 2.0.squareRoot()) }
        #expect(kolmogorovSurvival(d * Double(u.count).squareRoot()) < 1e-6)
    }
}
