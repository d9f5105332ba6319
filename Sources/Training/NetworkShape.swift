import ModelKinds

/// The architecture of a two-layer network without biases (docs/science.md §3): which model, the input
/// dimension d and the number m of hidden neurons.
public struct NetworkShape: Sendable, Equatable {
    /// plain, skip or normalized.
    public let model: LearnedModel
    /// Input dimension d (columns of X).
    public let inputDimension: Int
    /// Number m of hidden neurons.
    public let width: Int

    /// A shape; `width` defaults to n + 1 at the call site (`TrainingSettings.width`), not here.
    public init(model: LearnedModel, inputDimension: Int, width: Int) {
        precondition(inputDimension > 0 && width > 0, "NetworkShape: d and m must be positive")
        self.model = model
        self.inputDimension = inputDimension
        self.width = width
    }

    /// Number of trainable scalars: d·m + m, plus d + 1 for skip, plus m for normalized.
    public var parameterCount: Int {
        let base = inputDimension * width + width
        switch model {
        case .plain: return base
        case .skip: return base + inputDimension + 1
        case .normalized: return base + width
        }
    }
}
