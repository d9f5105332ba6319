import LinearAlgebra
import ModelKinds

/// One of the nine convex programs of docs/science.md §2: a learned model (plain/skip/normalized), a
/// formulation (exact/relaxed/approx), the data `X`, `y` and the arrangement patterns.
///
/// The program is only described here; `InteriorPointSolver` solves it.
public struct GroupNormProgram: Sendable {
    /// The learned network (plain, skip or normalized).
    public let model: LearnedModel
    /// exact, relaxed or approx (`gd` is rejected).
    public let formulation: Formulation
    /// β of the approx objective `‖residual‖² + β·Σ norms` (ignored otherwise).
    public let beta: Double
    /// The n×d design matrix.
    public let X: Matrix
    /// The n labels.
    public let y: [Double]
    /// The p arrangement patterns, each of length n (`true` = row active), in the program's order.
    public let patterns: [[Bool]]

    /// Singular values of DᵢX at or below this are dropped for the normalized bases (docs/science.md §2).
    public static let normalizedRankThreshold = 1e-12

    /// Checks shapes and values.
    /// - Throws: `ProgramError` naming the first problem found.
    public init(model: LearnedModel, formulation: Formulation, beta: Double = 1e-6, X: Matrix, y: [Double],
                patterns: [[Bool]]) throws {
        guard formulation.isConvex else { throw ProgramError("formulation \(formulation.rawValue) is not a convex program") }
        guard X.rows >= 1, X.cols >= 1 else { throw ProgramError("X must have at least one row and one column") }
        guard y.count == X.rows else { throw ProgramError("y has \(y.count) entries, X has \(X.rows) rows") }
        guard !patterns.isEmpty else { throw ProgramError("no arrangement patterns") }
        for (i, h) in patterns.enumerated() where h.count != X.rows {
            throw ProgramError("pattern \(i) has \(h.count) entries, expected n = \(X.rows)")
        }
        if formulation == .approx, !(beta > 0 && beta.isFinite) { throw ProgramError("beta must be positive and finite") }
        guard X.storage.allSatisfy(\.isFinite), y.allSatisfy(\.isFinite) else {
            throw ProgramError("X and y must be finite")
        }
        self.model = model
        self.formulation = formulation
        self.beta = beta
        self.X = X
        self.y = y
        self.patterns = patterns
    }

    /// Number of samples n.
    public var n: Int { X.rows }
    /// Number of features d.
    public var d: Int { X.cols }
}

/// Why a `GroupNormProgram` cannot be built.
public struct ProgramError: Error, CustomStringConvertible, Equatable {
    /// One line naming the problem.
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
