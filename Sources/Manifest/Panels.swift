/// One heatmap of a manifest: the cell parameters with one combination of sweep values applied.
public struct ManifestPanel: Equatable, Sendable {
    /// 0-based position in the figure.
    public var index: Int
    /// E.g. "σ = 0.05" or "k = 2, planted weights = first-features"; empty without a sweep.
    public var label: String
    /// The swept keys and their values for this panel, in axis order.
    public var assignments: [SweepKey: SweepValue]
    /// The fully applied cell parameters: sweep values substituted, `plantedWeights` and `k` resolved.
    public var cell: CellParameters

    public init(index: Int, label: String, assignments: [SweepKey: SweepValue], cell: CellParameters) {
        self.index = index
        self.label = label
        self.assignments = assignments
        self.cell = cell
    }
}

extension ExperimentManifest {
    /// The panels of the figure: one per sweep combination (one without a sweep).
    public func panels() -> [ManifestPanel] {
        let combinations = sweep?.assignments ?? [[]]
        return combinations.enumerated().map { index, combination in
            var cell = self.cell
            for (key, value) in combination { cell.apply(key, value) }
            let label = combination.map { "\($0.key.label) = \($0.value)" }.joined(separator: ", ")
            return ManifestPanel(index: index, label: label,
                                 assignments: Dictionary(uniqueKeysWithValues: combination.map { ($0.key, $0.value) }),
                                 cell: cell.withDefaultsResolved)
        }
    }
}

extension CellParameters {
    /// Sets one swept key. The value has been checked against the key when the manifest was loaded;
    /// a value of the wrong kind leaves the parameters unchanged.
    public mutating func apply(_ key: SweepKey, _ value: SweepValue) {
        switch (key, value) {
        case (.planted, .name(let name)): planted = .init(rawValue: name) ?? planted
        case (.learned, .name(let name)): learned = .init(rawValue: name) ?? learned
        case (.formulation, .name(let name)): formulation = .init(rawValue: name) ?? formulation
        case (.condition, .name(let name)): condition = .init(rawValue: name) ?? condition
        case (.data, .name(let name)): data = .init(rawValue: name) ?? data
        case (.plantedWeights, .name(let name)): plantedWeights = .init(rawValue: name) ?? plantedWeights
        case (.k, .integer(let value)): k = value
        case (.sigma, .number(let value)): sigma = value
        case (.seed, .integer(let value)): seed = UInt64(value)
        case (.beta, .number(let value)): beta = value
        case (.epochs, .integer(let value)): training.epochs = value
        case (.optimizer, .name(let name)): training.optimizer = .init(rawValue: name) ?? training.optimizer
        case (.activation, .name(let name)): training.activation = .init(rawValue: name) ?? training.activation
        case (.learningRate, .number(let value)): training.learningRate = value
        case (.weightDecay, .number(let value)): training.weightDecay = value
        case (.width, .integer(let value)): training.width = value
        default: break
        }
    }
}
