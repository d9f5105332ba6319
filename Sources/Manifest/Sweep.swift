import Foundation
/// A cell parameter a sweep can vary: the keys of `cell:` (training settings as `training.KEY`).
public enum SweepKey: String, Codable, CodingKeyRepresentable, CaseIterable, Sendable {
    case planted, learned, formulation, condition, data
    case plantedWeights = "planted_weights"
    case k, sigma, seed, beta
    case epochs = "training.epochs"
    case optimizer = "training.optimizer"
    case activation = "training.activation"
    case learningRate = "training.learning_rate"
    case weightDecay = "training.weight_decay"
    case width = "training.width"

    /// How the key reads in a panel label.
    public var label: String {
        switch self {
        case .sigma: return "σ"
        case .beta: return "β"
        default:
            let base = rawValue.hasPrefix("training.") ? String(rawValue.dropFirst("training.".count)) : rawValue
            return base.replacingOccurrences(of: "_", with: " ")
        }
    }
}

/// One value of a sweep axis, typed by its key.
public enum SweepValue: Codable, Hashable, Sendable, CustomStringConvertible {
    case integer(Int)
    case number(Double)
    /// An enumerated name such as `cubic` or `opposite-pair`.
    case name(String)

    /// The value as written in YAML and in panel labels (numbers in their shortest exact form).
    public var description: String {
        switch self {
        case .integer(let value): return String(value)
        case .number(let value): return formatNumber(value)
        case .name(let value): return value
        }
    }
}

/// Shortest text that reads back as the same Double: integral values without ".0".
func formatNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(describing: value)
}

/// One swept key and its values, in panel order.
public struct SweepAxis: Codable, Equatable, Sendable {
    public var key: SweepKey
    public var values: [SweepValue]

    public init(key: SweepKey, values: [SweepValue]) {
        self.key = key
        self.values = values
    }
}

/// Values that vary from panel to panel.
public struct Sweep: Codable, Equatable, Sendable {
    /// The axes in written order; in `product` mode the first varies slowest.
    public var axes: [SweepAxis]
    /// Default `product`.
    public var mode: SweepMode
    /// Combinations left out: a panel is dropped when it matches every key of one entry.
    public var exclude: [[SweepKey: SweepValue]]

    public init(axes: [SweepAxis], mode: SweepMode = .product, exclude: [[SweepKey: SweepValue]] = []) {
        self.axes = axes
        self.mode = mode
        self.exclude = exclude
    }

    /// The combinations of axis values, one per panel, in panel order (exclusions applied).
    public var assignments: [[(key: SweepKey, value: SweepValue)]] {
        var combinations: [[(key: SweepKey, value: SweepValue)]] = []
        switch mode {
        case .product:
            combinations = [[]]
            for axis in axes {
                combinations = combinations.flatMap { prefix in axis.values.map { prefix + [(axis.key, $0)] } }
            }
        case .zip:
            let count = axes.map(\.values.count).min() ?? 0
            combinations = (0..<count).map { index in axes.map { ($0.key, $0.values[index]) } }
        }
        return combinations.filter { combination in
            !exclude.contains { entry in
                entry.allSatisfy { key, value in combination.contains { $0.key == key && $0.value == value } }
            }
        }
    }
}
