/// The vocabulary shared by data generation, the solver, training and file formats.
/// Raw values are the names used in manifests, JSON and on the command line.

/// The network the learner fits (docs/science.md §2, §3).
public enum LearnedModel: String, Codable, CaseIterable, Sendable {
    /// Two-layer ReLU network.
    case plain
    /// ReLU network with a linear skip connection.
    case skip
    /// ReLU network with a normalisation layer.
    case normalized
}

/// The model that generates the labels (docs/science.md §1).
public enum PlantedModel: String, Codable, CaseIterable, Sendable {
    /// y = X W* 1.
    case linear
    /// y = Σⱼ relu(X wⱼ).
    case plain
    /// y = Σⱼ relu(X wⱼ)/‖relu(X wⱼ)‖.
    case normalized
}

/// How the learner is fitted (docs/science.md §2, §3).
public enum Formulation: String, Codable, CaseIterable, Sendable {
    /// Convex program with cone constraints (exact reformulation).
    case exact
    /// Convex program without cone constraints.
    case relaxed
    /// Least squares plus β·(sum of norms), with cone constraints.
    case approx
    /// Non-convex gradient training.
    case gd

    /// Whether this is one of the convex programs.
    public var isConvex: Bool { self != .gd }
}

/// The neural isometry conditions (docs/science.md §5). Raw values are the manifest names (`condition:`).
/// The `IsometryConditions` module evaluates them.
public enum IsometryCondition: String, Codable, CaseIterable, Sendable {
    /// Skip network, planted linear.
    case nicLinear = "nic-linear"
    /// Plain network, one planted ReLU neuron.
    case nnic1 = "nnic-1"
    /// Plain network, k planted ReLU neurons (Figure 10).
    case nnicK = "nnic-k"
    /// Normalised network.
    case nnicNorm = "nnic-norm"
    /// Normalised network, irrepresentability over the stacked planted blocks.
    case irrepresentableNorm = "irrepresentable-norm"

    /// The planted model the condition is stated for.
    public var planted: PlantedModel {
        switch self {
        case .nicLinear: return .linear
        case .nnic1, .nnicK: return .plain
        case .nnicNorm, .irrepresentableNorm: return .normalized
        }
    }

    /// The learned model the condition speaks about (used for the planted-weights default).
    public var learned: LearnedModel {
        switch self {
        case .nicLinear: return .skip
        case .nnic1, .nnicK: return .plain
        case .nnicNorm, .irrepresentableNorm: return .normalized
        }
    }
}

/// Hidden-layer activation of non-convex training (docs/science.md §3); `Training` computes them exactly as
/// PyTorch's modules of the same name.
public enum Activation: String, Codable, CaseIterable, Sendable {
    /// `max(x, 0)`.
    case relu
    /// `x` for x > 0, `0.01 x` otherwise (`nn.LeakyReLU()` default slope).
    case leakyRelu = "leaky_relu"
    /// Hyperbolic tangent.
    case tanh
    /// Logistic `1/(1 + e^{−x})`.
    case sigmoid
    /// Exact GELU `x Φ(x)` (`nn.GELU()` default, not the tanh approximation).
    case gelu
}

/// Which optimiser state the trainer keeps between steps (docs/science.md §3).
public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
    /// A fresh AdamW every step, as the reference code does: every step is Adam's first step.
    case adamwFresh = "adamw-fresh"
    /// One AdamW for the whole run (moments persist).
    case adamw
}

/// Settings of non-convex training (docs/science.md §3), as manifests write them and cells carry them.
public struct TrainingParameters: Codable, Hashable, Sendable {
    /// Full-batch steps (default 400).
    public var epochs: Int
    /// Default `adamw-fresh` (a new AdamW every step, as the reference code).
    public var optimizer: OptimizerKind
    /// Default relu.
    public var activation: Activation
    /// Default 2e-3.
    public var learningRate: Double
    /// Decoupled weight decay (default 1e-6).
    public var weightDecay: Double
    /// Hidden neurons m; nil = n + 1.
    public var width: Int?

    public init(epochs: Int = 400, optimizer: OptimizerKind = .adamwFresh, activation: Activation = .relu,
                learningRate: Double = 2e-3, weightDecay: Double = 1e-6, width: Int? = nil) {
        self.epochs = epochs
        self.optimizer = optimizer
        self.activation = activation
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.width = width
    }

    /// The number of hidden neurons for `n` samples.
    public func resolvedWidth(n: Int) -> Int { width ?? n + 1 }
}
