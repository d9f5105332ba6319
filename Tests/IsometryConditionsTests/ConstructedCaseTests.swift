import IsometryConditions
import LinearAlgebra
import Testing

/// X = [I; −I]/√2 (2d × d, orthonormal columns): every quantity of the conditions has a closed form.
func mirroredIdentity(_ d: Int) -> Matrix {
    var x = Matrix(rows: 2 * d, cols: d)
    let s = 1 / 2.0.squareRoot()
    for j in 0..<d { x[j, j] = s; x[j + d, j] = -s }
    return x
}

/// A pattern of the mirrored design from its top and bottom halves.
func pattern(top: [Int], bottom: [Int], d: Int) -> [Bool] {
    (0..<(2 * d)).map { $0 < d ? top.contains($0) : bottom.contains($0 - d) }
}

let unitWeight = [1.0 / 3, 2.0 / 3, 2.0 / 3]

struct NicLinearCases {
    @Test func holdsForOrthonormalColumnsWithoutTheAllOnesPattern() throws {
        // XᵀDᵢX w* = (topᵢ + bottomᵢ) ⊙ w*/2: a coordinate counts fully only when both halves are on.
        let d = 3, x = mirroredIdentity(d)
        let patterns = [pattern(top: [0, 1, 2], bottom: [], d: d),           // ‖w*‖/2 = 0.5
                        pattern(top: [0], bottom: [1, 2], d: d),             // 0.5
                        pattern(top: [0, 1, 2], bottom: [0], d: d)]          // sqrt(1/9 + 8/36)
        let outcome = try IsometryConditions.nicLinear(x: x, patterns: patterns, plantedWeight: unitWeight)
        #expect(outcome.holds)
        #expect(abs(outcome.largestLeftHandSide - (1.0 / 3).squareRoot()) < 1e-14)
        #expect(outcome.worstPattern == 2)
    }

    @Test func theAllOnesPatternIsATieThatFails() throws {
        let d = 3, x = mirroredIdentity(d)
        let patterns = [pattern(top: [0, 1, 2], bottom: [], d: d), Array(repeating: true, count: 2 * d)]
        let outcome = try IsometryConditions.nicLinear(x: x, patterns: patterns, plantedWeight: unitWeight)
        #expect(!outcome.holds)
        #expect(abs(outcome.largestLeftHandSide - 1) < 1e-14)
        #expect(outcome.worstPattern == 1)
    }

    @Test func failsClearlyForCorrelatedRows() throws {
        // X = [[1, 0], [1, 1]], w* = e₂: X(XᵀX)⁻¹w* = (−1, 1); the pattern {row 2} gives x₂ = (1, 1), norm √2.
        let x = Matrix(rowMajor: [[1, 0], [1, 1]])
        let outcome = try IsometryConditions.nicLinear(x: x, patterns: [[true, false], [false, true]], plantedWeight: [0, 1])
        #expect(!outcome.holds)
        #expect(abs(outcome.largestLeftHandSide - 2.0.squareRoot()) < 1e-14)
        #expect(outcome.worstPattern == 1)
    }
}

struct NnicCases {
    @Test func nnic1HoldsWhenEveryOtherPatternMissesAPlantedCoordinate() throws {
        // Planted pattern: the top half. λ = √2 [w*; 0] and (DᵢX)ᵀλ = topᵢ ⊙ w*.
        let d = 3, x = mirroredIdentity(d)
        let patterns = [pattern(top: [0, 1, 2], bottom: [], d: d),
                        pattern(top: [0, 1], bottom: [2], d: d),             // sqrt(1/9 + 4/9)
                        pattern(top: [0], bottom: [1, 2], d: d)]             // 1/3
        let outcome = try IsometryCondition.nnic1.evaluate(x: x, patterns: patterns, plantedPatterns: [0],
                                                           plantedWeights: [unitWeight])
        #expect(outcome.holds)
        #expect(abs(outcome.largestLeftHandSide - 5.0.squareRoot() / 3) < 1e-14)
        // A non-planted pattern covering the whole planted support is a tie: fails.
        let tie = try IsometryCondition.nnic1.evaluate(
            x: x, patterns: patterns + [pattern(top: [0, 1, 2], bottom: [0], d: d)],
            plantedPatterns: [0], plantedWeights: [unitWeight])
        #expect(!tie.holds)
        #expect(abs(tie.largestLeftHandSide - 1) < 1e-14)
    }

    @Test func nnic1FailsClearlyForCorrelatedRows() throws {
        // Rows (1,0), (1,1), (0,−1); w* = e₂ has pattern {0, 1}; λ = (−1, 1, 0); pattern {1} gives (1, 1).
        let x = Matrix(rowMajor: [[1, 0], [1, 1], [0, -1]])
        let patterns = [[true, true, false], [false, true, false], [true, false, false]]
        let outcome = try IsometryCondition.nnic1.evaluate(x: x, patterns: patterns, plantedPatterns: [0],
                                                           plantedWeights: [[0, 1]])
        #expect(!outcome.holds)
        #expect(abs(outcome.largestLeftHandSide - 2.0.squareRoot()) < 1e-14)
        #expect(outcome.worstPattern == 1)
    }

    @Test func nnicKStacksThePlantedBlocks() throws {
        // d = 4, w₁ = (1, 1, −1, −1)/2, w₂ = −w₁: patterns {0,1,6,7} and {2,3,4,5}; λ = 1/√2 and
        // (DᵢX)ᵀλ = (topᵢ − bottomᵢ)/2, of norm sqrt(#coordinates where the halves differ)/2.
        let d = 4, x = mirroredIdentity(d)
        let w1 = [0.5, 0.5, -0.5, -0.5], w2 = w1.map { -$0 }
        let planted = [pattern(top: [0, 1], bottom: [2, 3], d: d), pattern(top: [2, 3], bottom: [0, 1], d: d)]
        let holding = planted + [Array(repeating: true, count: 2 * d),              // 0
                                 pattern(top: [0, 1, 2], bottom: [], d: d)]         // √3/2
        let outcome = try IsometryCondition.nnicK.evaluate(x: x, patterns: holding, plantedPatterns: [0, 1],
                                                           plantedWeights: [w1, w2])
        #expect(outcome.holds)
        #expect(abs(outcome.largestLeftHandSide - 3.0.squareRoot() / 2) < 1e-14)
        #expect(outcome.worstPattern == 3)
        let failing = holding + [pattern(top: [0, 2], bottom: [1, 3], d: d)]         // 1: a tie
        let tie = try IsometryCondition.nnicK.evaluate(x: x, patterns: failing, plantedPatterns: [0, 1],
                                                       plantedWeights: [w1, w2])
        #expect(!tie.holds)
        #expect(abs(tie.largestLeftHandSide - 1) < 1e-14)
        // One planted block alone gives a different certificate: stacking matters.
        let single = try IsometryCondition.nnicK.evaluate(x: x, patterns: holding, plantedPatterns: [0],
                                                          plantedWeights: [w1])
        #expect(abs(single.largestLeftHandSide - outcome.largestLeftHandSide) > 1e-3)
    }

    @Test func nnic1RejectsSeveralPlantedNeurons() {
        let x = mirroredIdentity(2)
        #expect(throws: ConditionError.self) {
            try IsometryCondition.nnic1.evaluate(x: x, patterns: [[true, true, false, false], [false, false, true, true]],
                                                 plantedPatterns: [0, 1], plantedWeights: [[1, 0], [0, 1]])
        }
        #expect(throws: ConditionError.self) {
            try IsometryCondition.nnicK.evaluate(x: x, patterns: [[true, true, false]], plantedPatterns: [0],
                                                 plantedWeights: [[1, 0]])
        }
    }
}

struct NormalizedCases {
    @Test func nnicNormAndIrrepresentableHoldForTheMirroredDesign() throws {
        // λ = [w*; 0]; ‖Pᵢλ‖² = Σ_{top only} w_j² + Σ_{both halves} w_j²/2.
        let d = 3, x = mirroredIdentity(d)
        let patterns = [pattern(top: [0, 1, 2], bottom: [], d: d),
                        pattern(top: [0, 1], bottom: [2], d: d),                   // sqrt(5/9)
                        pattern(top: [0, 1, 2], bottom: [0], d: d)]                // sqrt(17/18)
        for condition in [IsometryCondition.nnicNorm, .irrepresentableNorm] {
            let outcome = try condition.evaluate(x: x, patterns: patterns, plantedPatterns: [0], plantedWeights: [unitWeight])
            #expect(outcome.holds, "\(condition)")
            #expect(abs(outcome.largestLeftHandSide - (17.0 / 18).squareRoot()) < 1e-13, "\(condition)")
            #expect(outcome.worstPattern == 2)
        }
    }

    @Test func aPatternWhoseRangeContainsThePlantedDirectionIsATie() throws {
        // X = I₃, w* = (1, 1, −1)/√3: planted pattern {0, 1}; range(D X) for {0, 1, 2} is everything.
        let x = Matrix.identity(3)
        let w = [1, 1, -1].map { $0 / 3.0.squareRoot() }
        let patterns = [[true, true, false], [true, true, true], [false, false, true]]
        let strict = try IsometryCondition.nnicNorm.evaluate(x: x, patterns: patterns, plantedPatterns: [0], plantedWeights: [w])
        #expect(!strict.holds)
        #expect(abs(strict.largestLeftHandSide - 1) < 1e-14)
        let slack = try IsometryCondition.irrepresentableNorm.evaluate(x: x, patterns: patterns, plantedPatterns: [0],
                                                                       plantedWeights: [w])
        #expect(slack.holds)
        #expect(abs(slack.largestLeftHandSide - 1) < 1e-14)
    }

    @Test func irrepresentableFailsWhenAPatternSeesBothPlantedNeurons() throws {
        // X = I₃, planted patterns {0} and {1}: λ = e₀ + e₁; the pattern {0, 1} sees ‖λ‖ = √2.
        let x = Matrix.identity(3)
        let w1 = [1, -1, -1].map { $0 / 3.0.squareRoot() }, w2 = [-1, 1, -1].map { $0 / 3.0.squareRoot() }
        let base = [[true, false, false], [false, true, false], [true, false, true], [false, false, true]]
        let holding = try IsometryCondition.irrepresentableNorm.evaluate(x: x, patterns: base, plantedPatterns: [0, 1],
                                                                         plantedWeights: [w1, w2])
        #expect(holding.holds)
        #expect(abs(holding.largestLeftHandSide - 1) < 1e-14)
        let failing = try IsometryCondition.irrepresentableNorm.evaluate(
            x: x, patterns: base + [[true, true, false]], plantedPatterns: [0, 1], plantedWeights: [w1, w2])
        #expect(!failing.holds)
        #expect(abs(failing.largestLeftHandSide - 2.0.squareRoot()) < 1e-14)
        #expect(failing.worstPattern == 4)
        // Per-block nnic-norm only sees each planted direction alone: at most 1 on {0, 1}.
        let perBlock = try IsometryCondition.nnicNorm.evaluate(
            x: x, patterns: base + [[true, true, false]], plantedPatterns: [0, 1], plantedWeights: [w1, w2])
        #expect(abs(perBlock.largestLeftHandSide - 1) < 1e-14)
    }
}
