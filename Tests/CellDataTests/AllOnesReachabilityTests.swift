import CellData
import Foundation
import LinearAlgebra
import RandomStreams
import Testing

/// Wendel (1962): n points drawn from a symmetric distribution in general position in R^d lie in
/// a common half-space with probability 2^{1−n} Σ_{k<d} C(n−1, k).
func wendel(n: Int, d: Int) -> Double {
    var sum = 0.0
    var binomial = 1.0  // C(n−1, 0)
    for k in 0..<min(d, n) {
        sum += binomial
        binomial = binomial * Double(n - 1 - k) / Double(k + 1)
    }
    return min(1, sum * pow(2, Double(1 - n)))
}

@Suite struct AllOnesReachabilityTests {
    @Test func positiveColumnIsReachable() throws {
        let stream = CellStreams(identity: "positive-column").stream(for: .design)
        var x = Matrix(rows: 20, cols: 4)
        for i in 0..<20 {
            for j in 0..<4 { x[i, j] = stream.nextNormal() }
            x[i, 2] = abs(x[i, 2]) + 0.1
        }
        let evidence = try AllOnesReachability.decide(x)
        guard case .direction(let u) = evidence else {
            Issue.record("expected a direction, got \(evidence)")
            return
        }
        #expect(x.times(u).allSatisfy { $0 >= -1e-12 })
    }

    @Test func plusMinusIdentityIsNotReachable() throws {
        let d = 5
        var x = Matrix(rows: 2 * d, cols: d)
        for i in 0..<d {
            x[i, i] = 1
            x[d + i, i] = -1
        }
        let evidence = try AllOnesReachability.decide(x)
        guard case .positiveLeftNullVector(let lambda) = evidence else {
            Issue.record("expected a certificate, got \(evidence)")
            return
        }
        #expect(lambda.allSatisfy { $0 > 0 })
        #expect(Vector.norm(x.times(lambda, .transpose)) < 1e-10)
    }

    @Test func semipositiveDirectionWithoutAStrictOneIsReachable() throws {
        // X u = (0, 0, 1) for u = (0, 1): the all-ones pattern 1[X u ≥ 0], though no u has X u > 0.
        let x = Matrix(rowMajor: [[1, 0], [-1, 0], [0, 1]])
        let evidence = try AllOnesReachability.decide(x)
        guard case .direction(let u) = evidence else {
            Issue.record("expected a direction, got \(evidence)")
            return
        }
        #expect(x.times(u).allSatisfy { $0 >= 0 } && Vector.maxAbs(x.times(u)) > 0)
    }

    @Test func squareInvertibleIsReachable() throws {
        // n = d: 1 ∈ range X, so X u = 1 > 0 (the program's bound s ≥ −1 is what keeps it bounded).
        let stream = CellStreams(identity: "square").stream(for: .design)
        let x = Matrix(rows: 6, cols: 6, columnMajor: stream.normals(36))
        let evidence = try AllOnesReachability.decide(x)
        guard case .direction = evidence else {
            Issue.record("expected a direction, got \(evidence)")
            return
        }
        #expect(evidenceHolds(evidence, for: x))
    }

    @Test func issue15DrawDecides() throws {
        // `sample --planted normalized --learned normalized --k 2 --n 40 --d 20 --sample 36` was
        // "undecided" with the former interior-point LP (100 iterations, s* = 2.9e−4).
        let c = try CellSample.generate(CellDataSpec(planted: .normalized, design: .gaussian, plantedWeights: .gaussian,
                                                     k: 2, sigma: 0, n: 40, d: 20, sample: 36))
        let evidence = try AllOnesReachability.decide(c.x)
        #expect(evidenceHolds(evidence, for: c.x), "\(evidence)")
    }

    @Test func concurrentDecisionsEqualSerialOnes() throws {
        // GLPK keeps one environment per thread; each call silences and frees its own thread's.
        let xs = (0..<24).map { t in
            Matrix(rows: 40, cols: 20, columnMajor: CellStreams(identity: "concurrent-\(t)").stream(for: .design).normals(800))
        }
        let serial = try xs.map { try AllOnesReachability.decide($0) }
        let results = ConcurrentResults(count: xs.count)
        DispatchQueue.concurrentPerform(iterations: xs.count) { i in results.set(i, try? AllOnesReachability.decide(xs[i])) }
        #expect(results.values == serial.map { Optional($0) })
    }

    /// Random designs of every data kind on the paper's grid (n ≥ d, where the question is an LP),
    /// fixed seed; `ALL_ONES_DRAWS` sets the count (`make check-all-ones` runs 10 000).
    @Test func randomDrawsAllDecideWithCheckedCertificates() throws {
        let draws = ProcessInfo.processInfo.environment["ALL_ONES_DRAWS"].flatMap(Int.init) ?? 300
        let kinds: [DesignMatrixKind] = [.gaussian, .cubic, .whitened, .whitenedCubic]
        let picker = CellStreams(identity: "all-ones-draws").stream(for: .patterns)
        var reachable = 0, unreachable = 0
        var worstRatio = 0.0
        for t in 0..<draws {
            let d = 10 * (1 + Int(picker.nextUniform() * 10) % 10)
            let n = d + 10 * (Int(picker.nextUniform() * 40) % max(1, (400 - d) / 10 + 1))
            let kind = kinds[t % kinds.count]
            let x = try DesignMatrix.draw(kind, n: n, d: d, from: CellStreams(identity: "all-ones-draw-\(t)").stream(for: .design))
            let evidence: AllOnesReachability.Evidence
            do { evidence = try AllOnesReachability.decide(x) } catch {
                Issue.record("draw \(t) (\(kind), n = \(n), d = \(d)): \(error)")
                continue
            }
            #expect(evidenceHolds(evidence, for: x), "draw \(t) (\(kind), n = \(n), d = \(d)): \(evidence)")
            if case .positiveLeftNullVector(let lambda) = evidence {
                unreachable += 1
                let sigmaMin = try SymmetricEigen(Matrix.gram(x, .transpose)).values[0].squareRoot()
                worstRatio = max(worstRatio, Vector.norm(x.times(lambda, .transpose)) / (lambda.min()! * sigmaMin))
            } else { reachable += 1 }
        }
        // worstRatio: the largest ‖Xᵀλ‖ / (min λ·σ_min) of the λ certificates (a proof needs < 1).
        print("all-ones draws: \(draws), reachable \(reachable), unreachable \(unreachable), worst λ ratio \(worstRatio)")
        #expect(reachable + unreachable == draws)
        #expect(reachable > 0 && unreachable > 0)
    }

    @Test func fewerSamplesThanFeaturesIsReachable() throws {
        let stream = CellStreams(identity: "wide").stream(for: .design)
        let x = Matrix(rows: 4, cols: 9, columnMajor: stream.normals(36))
        #expect(try AllOnesReachability.decide(x) == .rankDeficient(rank: 4))
    }

    @Test func rankDeficientTallIsReachable() throws {
        let stream = CellStreams(identity: "rank-deficient").stream(for: .design)
        let a = Matrix(rows: 30, cols: 2, columnMajor: stream.normals(60))
        let b = Matrix(rows: 2, cols: 5, columnMajor: stream.normals(10))
        #expect(try AllOnesReachability.decide(a * b) == .rankDeficient(rank: 2))
    }

    @Test(arguments: [(20, 10), (30, 10), (12, 4)])
    func randomGaussianFractionMatchesWendel(_ size: (Int, Int)) throws {
        let (n, d) = size
        let trials = 200
        var reachable = 0
        for t in 0..<trials {
            let stream = CellStreams(identity: "wendel-\(n)-\(d)-\(t)").stream(for: .design)
            let x = Matrix(rows: n, cols: d, columnMajor: stream.normals(n * d))
            if try AllOnesReachability.isReachable(x) { reachable += 1 }
        }
        let p = wendel(n: n, d: d)
        let fraction = Double(reachable) / Double(trials)
        let sigma = (p * (1 - p) / Double(trials)).squareRoot()
        #expect(abs(fraction - p) <= 4 * sigma + 1e-9, "n=\(n) d=\(d): fraction \(fraction), Wendel \(p)")
    }

    @Test func wendelFormulaSanity() {
        #expect(abs(wendel(n: 20, d: 10) - 0.5) < 1e-12)
        #expect(wendel(n: 5, d: 10) == 1)
    }
}

/// Results written by concurrent iterations, one slot each.
final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [AllOnesReachability.Evidence?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: AllOnesReachability.Evidence?) { lock.lock(); slots[i] = value; lock.unlock() }
    var values: [AllOnesReachability.Evidence?] { lock.lock(); defer { lock.unlock() }; return slots }
}
