import LinearAlgebra

extension GroupNormProgram {
    /// A row of the equality system `Σ DᵢX wᵢ (+ X w₀) = y` whose coefficients are all zero while
    /// its label is not (e.g. X = 0 with y ≠ 0), or nil. Such a row proves the exact and relaxed
    /// programs infeasible: λ = eᵣ is a Farkas certificate (Aᵀλ = 0, yᵀλ ≠ 0). The interior-point
    /// iteration cannot converge there, so the solver reports `.primalInfeasible` from this instead
    /// of the `.numericalError` it ends with. Approx has a residual term and is always feasible.
    public var zeroRowWithNonzeroLabel: Int? {
        guard formulation != .approx else { return nil }
        for r in 0..<n where y[r] != 0 {
            let rowIsZero = (0..<d).allSatisfy { X[r, $0] == 0 }
            let neverActive = model != .skip && patterns.allSatisfy { !$0[r] }
            if rowIsZero || neverActive { return r }
        }
        return nil
    }
}
