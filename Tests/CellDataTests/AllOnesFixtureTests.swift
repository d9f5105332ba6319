import CellData
import Foundation
import LinearAlgebra
import RandomStreams
import Testing

/// A file of Tests/CellDataTests/Fixtures (written by tools/make_all_ones_fixtures.py).
func cellDataFixture<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
    let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name)
    return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
}

/// The evidence re-checked independently of `AllOnesReachability`'s own checks: a direction with
/// X u ≥ 0 (to 1e−12 relative) and X u ≠ 0, or λ > 0 with ‖Xᵀλ‖ < min λ·σ_min(X)/2.
func evidenceHolds(_ evidence: AllOnesReachability.Evidence, for x: Matrix) -> Bool {
    switch evidence {
    case .rankDeficient(let rank):
        return rank < x.cols
    case .direction(let u):
        let xu = x.times(u)
        let size = Vector.maxAbs(xu)
        return size > 0 && xu.allSatisfy { $0 >= -1e-12 * size }
    case .positiveLeftNullVector(let lambda):
        // The proof that no u ≠ 0 has X u ≥ 0: if X u ≥ 0, min λ·‖X u‖ ≤ λᵀX u = (Xᵀλ)ᵀu ≤ ‖Xᵀλ‖‖X u‖/σ_min,
        // so ‖Xᵀλ‖ < min λ·σ_min forces X u = 0. σ_min here from the eigenvalues of XᵀX (a route
        // independent of the SVD the code uses), with a factor 2 to spare.
        guard let smallest = lambda.min(), smallest > 0,
              let eigen = try? SymmetricEigen(Matrix.gram(x, .transpose)), eigen.values[0] > 0 else { return false }
        return 2 * Vector.norm(x.times(lambda, .transpose)) < smallest * eigen.values[0].squareRoot()
    }
}

@Suite struct AllOnesFixtureTests {
    struct Case: Decodable {
        let name: String
        let x: [[Double]]
        let rank_deficient: Bool
        let highs_optimum: Double?
        let reachable: Bool
    }

    @Test func agreesWithHiGHS() throws {
        let cases = try cellDataFixture("all_ones_highs.json", as: [Case].self)
        #expect(cases.count > 100)
        #expect(cases.contains { $0.reachable } && cases.contains { !$0.reachable })
        for c in cases {
            let x = Matrix(rowMajor: c.x)
            let evidence = try AllOnesReachability.decide(x)
            let reachable: Bool
            if case .positiveLeftNullVector = evidence { reachable = false } else { reachable = true }
            #expect(reachable == c.reachable, "\(c.name): HiGHS optimum \(c.highs_optimum ?? .nan), ours \(evidence)")
            #expect(evidenceHolds(evidence, for: x), "\(c.name): \(evidence)")
        }
    }

    struct SmallestPC: Decodable {
        let x: [[Double]]
        let k: Int
        let weights: [[Double]]
    }

    @Test func smallestPCMatchesNumPyThinSVD() throws {
        for c in try cellDataFixture("smallest_pc.json", as: [SmallestPC].self) {
            let x = Matrix(rowMajor: c.x)
            let source = CellStreams(identity: "smallest-pc-fixture").stream(for: .design)
            let w = try PlantedWeights.draw(.smallestPC, x: x, k: c.k, from: source)
            for j in 0..<c.k {
                // Singular vectors are defined up to sign.
                #expect(abs(abs(Vector.dot(w.column(j), c.weights[j])) - 1) < 1e-10, "\(x.rows)×\(x.cols) column \(j)")
            }
            #expect(Vector.norm(x.times(w.column(0))) > 1e-3)
        }
    }
}
