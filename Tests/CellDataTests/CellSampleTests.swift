import CellData
import LinearAlgebra
import ModelKinds
import RandomStreams
import Testing

func spec(_ planted: PlantedModel = .linear, _ design: DesignMatrixKind = .gaussian,
          weights: PlantedWeightsKind = .gaussian, k: Int = 1, sigma: Double = 0,
          n: Int = 30, d: Int = 8, sample: Int = 0) -> CellDataSpec {
    CellDataSpec(planted: planted, design: design, plantedWeights: weights, k: k, sigma: sigma, n: n, d: d, sample: sample)
}

func bits(_ m: Matrix) -> [UInt64] { m.storage.map(\.bitPattern) }
func bits(_ v: [Double]) -> [UInt64] { v.map(\.bitPattern) }

@Suite struct CellSampleTests {
    @Test func sameCellGivesIdenticalBytes() throws {
        let s = spec(.normalized, .cubic, k: 2, sigma: 0.1, sample: 4)
        let a = try CellSample.generate(s), b = try CellSample.generate(s)
        #expect(bits(a.x) == bits(b.x))
        #expect(bits(a.y) == bits(b.y))
        #expect(bits(a.plantedWeights) == bits(b.plantedWeights))
        #expect(bits(a.xTest) == bits(b.xTest))
        #expect(bits(a.yTest) == bits(b.yTest))
        #expect(a.patterns == b.patterns)
    }

    @Test func differentSampleOrSeedGivesDifferentData() throws {
        let a = try CellSample.generate(spec(sample: 0))
        let b = try CellSample.generate(spec(sample: 1))
        #expect(a.x != b.x)
        #expect(a.y != b.y)
        var other = spec(sample: 0)
        other.seed = 1
        #expect(try CellSample.generate(other).x != a.x)
    }

    @Test func noiseSweepSharesTheDesign() throws {
        // σ is not part of the stream identity: panels of a σ sweep differ only by σ·z/√n.
        let clean = try CellSample.generate(spec(sigma: 0))
        let noisy = try CellSample.generate(spec(sigma: 0.2))
        #expect(bits(clean.x) == bits(noisy.x))
        #expect(clean.patterns == noisy.patterns)
        let difference = Vector.subtract(noisy.y, clean.y)
        #expect(Vector.norm(difference) > 0)
        #expect(Vector.norm(difference) < 0.2 * 3)  // ‖σz/√n‖ ≈ σ
        #expect(bits(clean.yTest) == bits(noisy.yTest))
    }

    @Test func linearLabelsAreXw() throws {
        let c = try CellSample.generate(spec(.linear, n: 12, d: 5))
        let xw = c.x.times(c.plantedWeights.column(0))
        #expect(zip(xw, c.y).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(abs(Vector.norm(c.plantedWeights.column(0)) - 1) < 1e-14)
        #expect(c.patterns.plantedIndices.isEmpty)
    }

    @Test(arguments: [(40, 10), (10, 40)])
    func whitenedDesignIsOrthonormal(_ size: (Int, Int)) throws {
        let (n, d) = size
        for design in [DesignMatrixKind.whitened, .whitenedCubic] {
            let x = try CellSample.generate(spec(.linear, design, n: n, d: d)).x
            #expect(x.rows == n && x.cols == d)
            if n >= d {
                #expect((Matrix.gram(x, .transpose) - .identity(d)).maxAbs < 1e-12)
            } else {
                #expect((Matrix.gram(x, .none) - .identity(n)).maxAbs < 1e-12)
            }
        }
    }

    @Test func cubicDesignIsTheCubeOfTheGaussianOne() throws {
        // Same stream, same draws: cubic = gaussian³ entrywise.
        let g = try CellSample.generate(spec(.linear, .gaussian)).x
        let streams = CellStreams(identity: spec(.linear, .gaussian).streamIdentity)
        let c = try DesignMatrix.draw(.cubic, n: 30, d: 8, from: streams.stream(for: .design))
        #expect((c - g.map { $0 * $0 * $0 }).maxAbs == 0)
    }

    @Test(arguments: [(40, 10), (8, 12)])
    func smallestPCAreTheSmallestRightSingularVectors(_ size: (Int, Int)) throws {
        let (n, d) = size
        let c = try CellSample.generate(spec(.linear, weights: .smallestPC, n: n, d: d))
        let w = c.plantedWeights.column(0)
        let eig = try SymmetricEigen(Matrix.gram(c.x, .transpose))
        if n < d {
            // Thin SVD (docs/science.md §1): the smallest non-zero singular value, i.e. the smallest eigenvalue of
            // X Xᵀ (n×n), never X's null space — so the labels are not identically zero.
            let eigWide = try SymmetricEigen(Matrix.gram(c.x, .none))
            #expect(eigWide.values[0] > 1e-6)
            #expect(abs(Vector.norm(c.x.times(w)) - eigWide.values[0].squareRoot()) < 1e-10)
            #expect(Vector.norm(c.y) > 1e-3)
            // w lies in the row space: its projection onto range Xᵀ keeps its whole norm.
            let rowSpace = try SingularValueDecomposition(c.x, kind: .thin).vt
            #expect(abs(Vector.norm(rowSpace.times(w)) - 1) < 1e-10)
            return
        }
        // Independent check: the eigenvector of XᵀX with the smallest eigenvalue (up to sign).
        let v = eig.vectors.column(0)
        #expect(abs(abs(Vector.dot(w, v)) - 1) < 1e-8)
        #expect(abs(Vector.norm(c.x.times(w)) - eig.values[0].squareRoot()) < 1e-10)
        // k = 2 takes the two smallest: the same 2-dimensional span.
        let two = try CellSample.generate(spec(.plain, weights: .smallestPC, k: 2, n: n, d: d))
        let eigTwo = try SymmetricEigen(Matrix.gram(two.x, .transpose))
        let span = Matrix.product(two.plantedWeights, .transpose, eigTwo.vectors.columns(0..<2), .none)
        #expect(abs(try SymmetricEigen(Matrix.gram(span, .none)).values[0] - 1) < 1e-8)
    }

    @Test func firstFeaturesAreIdentityColumns() throws {
        let c = try CellSample.generate(spec(.normalized, weights: .firstFeatures, k: 3, n: 30, d: 6))
        #expect(c.plantedWeights == Matrix.identity(6).columns(0..<3))
    }

    @Test func oppositePairIsMinusItself() throws {
        let c = try CellSample.generate(spec(.normalized, weights: .oppositePair, k: 2))
        let w1 = c.plantedWeights.column(0), w2 = c.plantedWeights.column(1)
        #expect(w2 == w1.map { -$0 })
        #expect(abs(Vector.norm(w1) - 1) < 1e-14)
        #expect(throws: CellDataError.self) { try CellSample.generate(spec(.normalized, weights: .oppositePair, k: 3)) }
    }

    @Test func normalizedLabelsNeverDivideByZero() throws {
        // n = d = 1: relu(X w) is zero for half the draws, which must be redrawn, never divided.
        for sample in 0..<40 {
            let c = try CellSample.generate(spec(.normalized, k: 1, n: 1, d: 1, sample: sample))
            #expect(c.y == [1])
            #expect(c.yTest == [1])
        }
        let x = Matrix(rowMajor: [[1], [2]])
        #expect(Labels.compute(.normalized, x: x, w: Matrix(rowMajor: [[-1]])) == nil)
        #expect(Labels.compute(.plain, x: x, w: Matrix(rowMajor: [[-1]])) == [0, 0])
    }

    @Test(arguments: [PlantedModel.plain, .normalized])
    func plantedPatternsArePresentAndFlagged(_ planted: PlantedModel) throws {
        for weights in [PlantedWeightsKind.gaussian, .oppositePair] {
            let c = try CellSample.generate(spec(planted, weights: weights, k: 2, n: 30, d: 8))
            #expect(c.patterns.plantedIndices.count == 2)
            for j in 0..<2 {
                let h = c.x.times(c.plantedWeights.column(j)).map { $0 >= 0 }
                #expect(c.patterns.patterns[c.patterns.plantedIndices[j]] == h)
            }
            #expect(c.patterns.plantedIndices[0] == 0)  // planted directions come first
        }
    }

    @Test(arguments: [(30, 8), (60, 3), (5, 10), (3, 2)])
    func patternsAreDistinctAndAllOnesIsConsistent(_ size: (Int, Int)) throws {
        let (n, d) = size
        for sample in 0..<3 {
            let c = try CellSample.generate(spec(.plain, n: n, d: d, sample: sample))
            let p = c.patterns.patterns
            #expect(Set(p).count == p.count)
            #expect(p.allSatisfy { $0.count == n })
            let ones = [Bool](repeating: true, count: n)
            #expect(c.patterns.allOnesReachable == (try AllOnesReachability.isReachable(c.x)))
            #expect(p.contains(ones) == c.patterns.allOnesReachable || (p.contains(ones) && !c.patterns.allOnesAdded))
            if c.patterns.allOnesAdded { #expect(p.last == ones) }
            if n < d { #expect(c.patterns.allOnesReachable) }
        }
    }

    @Test func conditionBudgetDrawsMorePatternsFromTheSameStream() throws {
        var s = spec(.plain, n: 30, d: 8)
        let learner = try CellSample.generate(s)
        s.patternBudget = .condition
        let condition = try CellSample.generate(s)
        #expect(bits(learner.x) == bits(condition.x))
        #expect(condition.patterns.patterns.count >= learner.patterns.patterns.count)
        // Every learner pattern except a possibly appended all-ones one is also a condition pattern, in order.
        let drawn = learner.patterns.patterns.count - (learner.patterns.allOnesAdded ? 1 : 0)
        #expect(Array(condition.patterns.patterns.prefix(drawn)) == Array(learner.patterns.patterns.prefix(drawn)))
    }

    @Test func invalidSpecsAreRejected() {
        #expect(throws: CellDataError.self) { try CellSample.generate(spec(n: 0)) }
        #expect(throws: CellDataError.self) { try CellSample.generate(spec(.linear, k: 2)) }
        #expect(throws: CellDataError.self) { try CellSample.generate(spec(.plain, weights: .firstFeatures, k: 9, d: 8)) }
        #expect(throws: CellDataError.self) { try CellSample.generate(spec(sigma: -1)) }
    }

    @Test func defaultsFollowTheSpec() {
        #expect(CellDataSpec.defaultPlantedWeights(learned: .skip) == .smallestPC)
        #expect(CellDataSpec.defaultPlantedWeights(learned: .normalized) == .gaussian)
        #expect(CellDataSpec.defaultK(planted: .normalized, formulation: .exact) == 2)
        #expect(CellDataSpec.defaultK(planted: .normalized, formulation: .relaxed) == 1)
        #expect(CellDataSpec.defaultK(planted: .linear, formulation: .exact) == 1)
    }
}
