/// The keys a manifest may contain, shared by the loader (unknown-key errors) and by overrides
/// (which check `--set` paths before editing the tree).
indirect enum Shape {
    /// A value (scalar, list or small mapping read as a whole, like a grid range).
    case leaf
    /// A mapping with these keys, in canonical order.
    case mapping([(String, Shape)])
    /// `sweep.axes`: keys are sweep keys (which may contain a dot, `training.epochs`).
    case sweepAxes

    var keys: [String] {
        if case .mapping(let children) = self { return children.map(\.0) }
        return []
    }

    func child(_ key: String) -> Shape? {
        if case .mapping(let children) = self { return children.first { $0.0 == key }?.1 }
        return nil
    }
}

enum Schema {
    static let training: Shape = .mapping([
        ("epochs", .leaf), ("optimizer", .leaf), ("activation", .leaf), ("learning_rate", .leaf),
        ("weight_decay", .leaf), ("width", .leaf),
    ])
    static let cell: Shape = .mapping([
        ("planted", .leaf), ("learned", .leaf), ("formulation", .leaf), ("condition", .leaf), ("data", .leaf),
        ("planted_weights", .leaf), ("k", .leaf), ("sigma", .leaf), ("seed", .leaf), ("beta", .leaf),
        ("training", training),
    ])
    static let sweep: Shape = .mapping([("mode", .leaf), ("axes", .sweepAxes), ("exclude", .leaf)])
    static let range: Shape = .mapping([("from", .leaf), ("to", .leaf), ("step", .leaf)])
    /// An axis is a list or a `{from, to, step}` range, so `--set grid.n.from=20` is a key.
    static let grid: Shape = .mapping([("n", range), ("d", range), ("samples", .leaf)])
    static let render: Shape = .mapping([
        ("range", .leaf), ("levels", .leaf), ("boundary", .leaf), ("colormap", .leaf), ("mark_over_range", .leaf), ("style", .leaf),
    ])
    static let manifest: Shape = .mapping([
        ("title", .leaf), ("metric", .leaf), ("cell", cell), ("sweep", sweep), ("grid", grid), ("render", render),
    ])
}
