import CellData
import Foundation
import ModelKinds

/// Why a cell sample could not be evaluated at all (bad parameters; a solver that did not
/// converge is *not* an error — it is a status in the result).
public struct CellEvaluationError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Computes one cell sample: `CellSpec` → `CellResult` (docs/science.md §1–§5).
public enum CellEvaluator {
    /// Evaluates `spec`. Normalized cells with n < d return `notComputed` without work.
    public static func evaluate(_ spec: CellSpec) throws -> CellResult {
        if spec.isBlankByDefinition {
            return CellResult(status: CellResult.notComputedStatus,
                              note: "normalized cells with n < d are not computed (docs/science.md §2)")
        }
        let sample: CellSample
        do { sample = try CellSample.generate(spec.data) } catch let error as CellDataError {
            throw CellEvaluationError(error.message)
        }
        switch spec.kind {
        case .convex: return try ConvexCell.evaluate(spec, sample: sample)
        case .training: return try TrainingCell.evaluate(spec, sample: sample)
        case .condition: return try ConditionCell.evaluate(spec, sample: sample)
        }
    }
}

extension CellSpec {
    /// Normalized cells (learned normalized, or a normalized isometry condition) with n < d are blank.
    public var isBlankByDefinition: Bool {
        guard data.n < data.d else { return false }
        if learned == .normalized { return true }
        return condition == "nnic-norm" || condition == "irrepresentable-norm"
    }
}

/// Small helpers for metrics.
enum MetricMath {
    static func maxAbs(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } }
    static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    static func distance(_ a: [Double], _ b: [Double]) -> Double { norm(zip(a, b).map { $0 - $1 }) }
    static func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double { maxAbs(zip(a, b).map { $0 - $1 }) }
    /// cos(a, b), nil when either is zero.
    static func cosine(_ a: [Double], _ b: [Double]) -> Double? {
        let na = norm(a), nb = norm(b)
        guard na > 0, nb > 0 else { return nil }
        return zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } / (na * nb)
    }
}
