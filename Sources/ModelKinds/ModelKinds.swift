/// The vocabulary shared by data generation, the solver, training and file formats.
/// Raw values are the names used in manifests, JSON and on the command line.

/// The network the learner fits (SPEC §2, §3).
public enum LearnedModel: String, Codable, CaseIterable, Sendable {
    /// Two-layer ReLU network.
    case plain
    /// ReLU network with a linear skip connection.
    case skip
    /// ReLU network with a normalisation layer.
    case normalized
}

/// The model that generates the labels (SPEC §1).
public enum PlantedModel: String, Codable, CaseIterable, Sendable {
    /// y = X W* 1.
    case linear
    /// y = Σⱼ relu(X wⱼ).
    case plain
    /// y = Σⱼ relu(X wⱼ)/‖relu(X wⱼ)‖.
    case normalized
}

/// How the learner is fitted (SPEC §2, §3).
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
