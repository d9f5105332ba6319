import LinearAlgebra
import ModelKinds

/// The neural isometry conditions of docs/science.md §5. Raw values are the manifest names (`condition:`).
extension IsometryCondition {
    /// Evaluates this condition for one sample.
    ///
    /// - Parameters:
    ///   - x: the design, n×d.
    ///   - patterns: the arrangement patterns hᵢ (each n entries; `true` = 1).
    ///   - plantedPatterns: for each planted neuron j, the index in `patterns` of the pattern
    ///     1[X wⱼ ≥ 0] it produced (ignored by nic-linear).
    ///   - plantedWeights: the planted columns wⱼ* of W* (each d entries, unit norm per docs/science.md §1).
    /// - Throws: `ConditionError` on inconsistent inputs (nnic-1 needs exactly one planted neuron),
    ///   `LinearAlgebraError` if an SVD fails.
    public func evaluate(x: Matrix, patterns: [[Bool]], plantedPatterns: [Int], plantedWeights: [[Double]],
                         tolerances: ConditionTolerances = .init()) throws -> ConditionOutcome {
        switch self {
        case .nicLinear:
            guard let first = plantedWeights.first else { throw ConditionError.invalidInput("nic-linear needs w*") }
            let sum = plantedWeights.dropFirst().reduce(first) { Vector.add($0, $1) }
            return try IsometryConditions.nicLinear(x: x, patterns: patterns, plantedWeight: sum, tolerances: tolerances)
        case .nnic1:
            guard plantedPatterns.count == 1 else {
                throw ConditionError.invalidInput("nnic-1 needs exactly one planted neuron, got \(plantedPatterns.count)")
            }
            return try IsometryConditions.nnic(x: x, patterns: patterns, plantedPatterns: plantedPatterns,
                                               plantedWeights: plantedWeights, tolerances: tolerances)
        case .nnicK:
            return try IsometryConditions.nnic(x: x, patterns: patterns, plantedPatterns: plantedPatterns,
                                               plantedWeights: plantedWeights, tolerances: tolerances)
        case .nnicNorm:
            return try IsometryConditions.nnicNorm(x: x, patterns: patterns, plantedPatterns: plantedPatterns,
                                                   plantedWeights: plantedWeights, tolerances: tolerances)
        case .irrepresentableNorm:
            return try IsometryConditions.irrepresentableNorm(x: x, patterns: patterns, plantedPatterns: plantedPatterns,
                                                              plantedWeights: plantedWeights, tolerances: tolerances)
        }
    }
}

/// The conditions as functions of (X, patterns, planted pattern indices, planted weights).
/// Nothing here knows about files.
public enum IsometryConditions {
    /// **nic-linear**: ‖Xᵀ Dᵢ X (XᵀX)⁻¹ w*‖ < 1 for every pattern i (all of them, the all-ones pattern
    /// included when present).
    ///
    /// (XᵀX)⁻¹ is the pseudo-inverse with singular values of X ≤ `tolerances.rank` dropped, so the
    /// vector X(XᵀX)⁻¹w* = (X⁺)ᵀw* is formed from X's SVD without squaring its condition number;
    /// this is the inverse whenever X has full column rank. For a linear planted model with k
    /// columns pass w* = W* 1 (`IsometryCondition.evaluate` sums them).
    /// "< 1" is decided as < 1 − `strictMargin` (see `ConditionTolerances`).
    public static func nicLinear(x: Matrix, patterns: [[Bool]], plantedWeight: [Double],
                                 tolerances: ConditionTolerances = .init()) throws -> ConditionOutcome {
        try PatternGeometry.validate(x: x, patterns: patterns, plantedPatterns: [], plantedWeights: [])
        guard plantedWeight.count == x.cols else {
            throw ConditionError.invalidInput("w* has \(plantedWeight.count) entries, X has \(x.cols) columns")
        }
        let dual = try PatternGeometry.minimumNormDual(x, plantedWeight, tolerance: tolerances.rank)
        let all = Array(patterns.indices)
        let norms = PatternGeometry.maskedGradientNorms(x: x, patterns: patterns, indices: all, dual: dual)
        var largest = LargestValue()
        for (c, i) in all.enumerated() { largest.offer(norms[c], pattern: i) }
        return largest.outcome(below: 1 - tolerances.strictMargin)
    }

    /// **nnic-1** (one planted neuron) and **nnic-k** (k planted neurons):
    /// ‖(DᵢX)ᵀ λ‖ < 1 for every pattern i that no planted neuron produced, with
    /// λ = (X_S⁺)ᵀ w_S.
    ///
    /// Stacking (nnic-k): X_S = [D_{s₁}X, …, D_{s_q}X] (n × qd, the distinct planted patterns side by
    /// side, in order of first appearance) and w_S = [w_{s₁}; …; w_{s_q}] (qd, the planted weights
    /// stacked in the same order), so λ is the minimum-norm vector with (D_{sⱼ}X)ᵀλ = w_{sⱼ} for all j
    /// — the dual certificate of the planted neurons. For k = 1 this is exactly nnic-1's
    /// (D_sX)⁺ᵀ w*. Two planted neurons with the same pattern form one block whose weight is the
    /// normalised sum of theirs. Pseudo-inverses drop singular values ≤ `tolerances.rank`.
    /// "< 1" is decided as < 1 − `strictMargin`.
    public static func nnic(x: Matrix, patterns: [[Bool]], plantedPatterns: [Int], plantedWeights: [[Double]],
                            tolerances: ConditionTolerances = .init()) throws -> ConditionOutcome {
        try PatternGeometry.validate(x: x, patterns: patterns, plantedPatterns: plantedPatterns, plantedWeights: plantedWeights)
        guard !plantedPatterns.isEmpty else { throw ConditionError.invalidInput("nnic needs a planted neuron") }
        let groups = PatternGeometry.groups(plantedPatterns: plantedPatterns, weights: plantedWeights)
        let n = x.rows, d = x.cols
        var stacked = Matrix(rows: n, cols: d * groups.count)
        var stackedWeights: [Double] = []
        for (g, group) in groups.enumerated() {
            let block = PatternGeometry.masked(x, patterns[group.pattern])
            stacked.storage.replaceSubrange(g * n * d..<(g + 1) * n * d, with: block.storage)
            stackedWeights += group.weight
        }
        let dual = try PatternGeometry.minimumNormDual(stacked, stackedWeights, tolerance: tolerances.rank)
        let others = PatternGeometry.nonPlanted(count: patterns.count, planted: plantedPatterns)
        let norms = PatternGeometry.maskedGradientNorms(x: x, patterns: patterns, indices: others, dual: dual)
        var largest = LargestValue()
        for (c, i) in others.enumerated() { largest.offer(norms[c], pattern: i) }
        return largest.outcome(below: 1 - tolerances.strictMargin)
    }

    /// ŵ = normalize(Σ_s V_sᵀ w) and the vector U_s ŵ for a planted pattern s, from the thin SVD
    /// D_sX = U_sΣ_sV_sᵀ cut at `tolerance` (U_s ŵ is relu(Xw)/‖relu(Xw)‖ when s is w's pattern).
    static func normalizedDirection(x: Matrix, pattern: [Bool], weight: [Double], tolerance: Double) throws
        -> (basis: Matrix, direction: [Double]) {
        let (u, sigma, vt) = try PatternGeometry.rangeBasis(x, pattern, tolerance: tolerance)
        var coordinates = vt.times(weight)
        for i in coordinates.indices { coordinates[i] *= sigma[i] }
        let norm = Vector.norm(coordinates)
        if norm > 0 { coordinates = Vector.scale(coordinates, by: 1 / norm) }
        return (u, coordinates)
    }

    /// The normalised planted blocks: per distinct planted pattern (order of first appearance),
    /// U_s and ŵ_s = normalize(Σ ŵⱼ over the planted neurons j with that pattern), where
    /// ŵⱼ = normalize(Σ_sV_sᵀ wⱼ). With one neuron per pattern ŵ_s = ŵⱼ.
    static func normalizedBlocks(x: Matrix, patterns: [[Bool]], plantedPatterns: [Int], plantedWeights: [[Double]],
                                 tolerance: Double) throws -> [(pattern: Int, basis: Matrix, direction: [Double])] {
        var order: [Int] = []
        var blocks: [Int: (basis: Matrix, direction: [Double], count: Int)] = [:]
        for (s, w) in zip(plantedPatterns, plantedWeights) {
            let (basis, direction) = try normalizedDirection(x: x, pattern: patterns[s], weight: w, tolerance: tolerance)
            if let existing = blocks[s] {
                blocks[s] = (basis, Vector.add(existing.direction, direction), existing.count + 1)
            } else {
                blocks[s] = (basis, direction, 1)
                order.append(s)
            }
        }
        return order.map { s in
            let b = blocks[s]!
            var direction = b.direction
            if b.count > 1, Vector.norm(direction) > 0 { direction = Vector.scale(direction, by: 1 / Vector.norm(direction)) }
            return (s, b.basis, direction)
        }
    }

    /// **nnic-norm**: with DᵢX = UᵢΣᵢVᵢᵀ (thin SVD, singular values ≤ `tolerances.rank` dropped),
    /// ‖Uᵢᵀ U_s ŵ‖ < 1 for every non-planted pattern i, ŵ = normalize(Σ_sV_sᵀ w*).
    ///
    /// With k > 1 planted neurons the k = 1 condition is required for each planted block separately
    /// (λ_s = U_s ŵ_s, i ranging over the patterns no planted neuron produced); the joint version
    /// is `irrepresentableNorm`. Since ‖λ_s‖ = 1 the left-hand side never exceeds 1; it equals 1
    /// exactly when λ_s ∈ range(DᵢX), a tie that fails the strict inequality (< 1 − `strictMargin`).
    public static func nnicNorm(x: Matrix, patterns: [[Bool]], plantedPatterns: [Int], plantedWeights: [[Double]],
                                tolerances: ConditionTolerances = .init()) throws -> ConditionOutcome {
        try PatternGeometry.validate(x: x, patterns: patterns, plantedPatterns: plantedPatterns, plantedWeights: plantedWeights)
        guard !plantedPatterns.isEmpty else { throw ConditionError.invalidInput("nnic-norm needs a planted neuron") }
        let blocks = try normalizedBlocks(x: x, patterns: patterns, plantedPatterns: plantedPatterns,
                                          plantedWeights: plantedWeights, tolerance: tolerances.rank)
        var duals = Matrix(rows: x.rows, cols: blocks.count)
        for (g, block) in blocks.enumerated() { duals.setColumn(g, block.basis.times(block.direction)) }
        let others = PatternGeometry.nonPlanted(count: patterns.count, planted: plantedPatterns)
        let norms = try PatternGeometry.largestProjectionNorms(x: x, patterns: patterns, indices: others,
                                                                duals: duals, tolerance: tolerances.rank)
        var largest = LargestValue()
        for (c, i) in others.enumerated() { largest.offer(norms[c], pattern: i) }
        return largest.outcome(below: 1 - tolerances.strictMargin)
    }

    /// **irrepresentable-norm**: λ = U(UᵀU)⁺u over the stacked planted blocks; holds when
    /// ‖Uᵢᵀλ‖ < 1 + `irrepresentableSlack` (1e−10) for every non-planted pattern i.
    ///
    /// U = [U_{s₁}, …, U_{s_q}] (n × Σr, the bases of the distinct planted patterns side by side) and
    /// u = [ŵ_{s₁}; …; ŵ_{s_q}] (the normalised planted directions ŵ = normalize(Σ_sV_sᵀ w) in the
    /// same order, as in nnic-norm): λ is the minimum-norm vector with U_{sⱼ}ᵀλ = ŵ_{sⱼ} for all j.
    /// U(UᵀU)⁺ = (U⁺)ᵀ is evaluated from U's own SVD (singular values ≤ `tolerances.rank` dropped)
    /// rather than by forming UᵀU. For k = 1, λ = U_sŵ and this is nnic-norm with a non-strict
    /// threshold.
    public static func irrepresentableNorm(x: Matrix, patterns: [[Bool]], plantedPatterns: [Int],
                                           plantedWeights: [[Double]],
                                           tolerances: ConditionTolerances = .init()) throws -> ConditionOutcome {
        try PatternGeometry.validate(x: x, patterns: patterns, plantedPatterns: plantedPatterns, plantedWeights: plantedWeights)
        guard !plantedPatterns.isEmpty else { throw ConditionError.invalidInput("irrepresentable-norm needs a planted neuron") }
        let blocks = try normalizedBlocks(x: x, patterns: patterns, plantedPatterns: plantedPatterns,
                                          plantedWeights: plantedWeights, tolerance: tolerances.rank)
        let n = x.rows
        let totalRank = blocks.reduce(0) { $0 + $1.basis.cols }
        var stacked = Matrix(rows: n, cols: totalRank)
        var stackedDirections: [Double] = []
        var column = 0
        for block in blocks {
            stacked.storage.replaceSubrange(column * n..<(column + block.basis.cols) * n, with: block.basis.storage)
            column += block.basis.cols
            stackedDirections += block.direction
        }
        let dual = try PatternGeometry.minimumNormDual(stacked, stackedDirections, tolerance: tolerances.rank)
        let others = PatternGeometry.nonPlanted(count: patterns.count, planted: plantedPatterns)
        let norms = try PatternGeometry.largestProjectionNorms(
            x: x, patterns: patterns, indices: others,
            duals: Matrix(rows: n, cols: 1, columnMajor: dual), tolerance: tolerances.rank)
        var largest = LargestValue()
        for (c, i) in others.enumerated() { largest.offer(norms[c], pattern: i) }
        return largest.outcome(below: 1 + tolerances.irrepresentableSlack)
    }
}
