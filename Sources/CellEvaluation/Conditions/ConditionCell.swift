import CellData
import Foundation
import IsometryConditions
import ModelKinds

/// An isometry-condition cell (docs/science.md §5): `holds` (1 or 0) and the largest left-hand side.
enum ConditionCell {
    static func evaluate(_ spec: CellSpec, sample: CellSample) throws -> CellResult {
        guard let name = spec.condition, let condition = IsometryCondition(rawValue: name) else {
            throw CellEvaluationError("unknown condition \(spec.condition ?? "nil"); known: "
                + IsometryCondition.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let w = sample.plantedWeights
        let outcome: ConditionOutcome
        do {
            outcome = try condition.evaluate(x: sample.x, patterns: sample.patterns.patterns,
                                             plantedPatterns: sample.patterns.plantedIndices,
                                             plantedWeights: (0..<w.cols).map { w.column($0) })
        } catch let error as ConditionError {
            throw CellEvaluationError("\(name): \(error)")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var metrics: [String: Double] = ["holds": outcome.holds ? 1 : 0, "seconds": seconds]
        if outcome.largestLeftHandSide.isFinite { metrics["largest_lhs"] = outcome.largestLeftHandSide }
        return CellResult(status: "evaluated", metrics: metrics)
    }
}
