import ModelKinds

extension Metric {
    /// Why this metric cannot be computed for `cell`, or nil when it can (docs/science.md §4, §5).
    public func inapplicability(to cell: CellParameters) -> String? {
        if let condition = cell.condition {
            switch self {
            case .holds, .seconds: return nil
            default:
                return "metric \(rawValue) needs a formulation; a condition (here \(condition.rawValue)) gives holds or seconds"
            }
        }
        guard let formulation = cell.formulation else { return nil }
        switch self {
        case .holds:
            return "metric holds needs a condition (this cell has formulation \(formulation.rawValue))"
        case .recovery, .testDistance:
            return formulation.isConvex ? nil
                : "metric \(rawValue) needs a convex formulation (exact, relaxed or approx), not gd"
        case .testError:
            return formulation == .gd ? nil : "metric test_error needs formulation gd (got \(formulation.rawValue))"
        case .weightDistance:
            switch cell.learned {
            case .skip: return nil
            case .normalized:
                return formulation.isConvex ? nil
                    : "metric weight_distance with formulation gd needs learned skip (got normalized)"
            default:
                return "metric weight_distance needs learned skip or normalized (got \(cell.learned?.rawValue ?? "none"))"
            }
        case .cosine:
            return cell.learned == .skip ? nil
                : "metric cosine needs learned skip (got \(cell.learned?.rawValue ?? "none"))"
        case .otherNorm, .objective, .iterations, .seconds:
            return nil
        }
    }
}
