import Foundation

extension ExperimentManifest {
    /// Loads a manifest file: parses it, applies the `--set` overrides in order, validates everything
    /// (every panel of the sweep included), resolves the docs/science.md §1 defaults that no sweep can change,
    /// and applies the scale profile to the grid. The manifest's name is the file stem.
    ///
    /// - Throws: `ManifestError` (`FILE:LINE:COL: message`) for the first problem found.
    public static func load(contentsOf url: URL, overrides: [String] = [], scale: ScaleProfile = .full) throws -> ExperimentManifest {
        try load(path: url.path, overrides: overrides, scale: scale)
    }

    /// Loads a manifest file named by `path`; errors name the path as given (e.g. `experiments/fig07.yaml:3:5: …`).
    ///
    /// - Throws: `ManifestError` for the first problem found.
    public static func load(path: String, overrides: [String] = [], scale: ScaleProfile = .full) throws -> ExperimentManifest {
        let text = try ManifestText.read(path: path)
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(yaml: text, name: name, file: path, overrides: overrides, scale: scale)
    }

    /// Loads a manifest from YAML text. `file` labels errors (defaults to `name`.yaml).
    ///
    /// - Throws: `ManifestError` for the first problem found.
    public static func parse(yaml: String, name: String, file: String? = nil, overrides: [String] = [],
                             scale: ScaleProfile = .full) throws -> ExperimentManifest {
        let file = file ?? "\(name).yaml"
        var root = try TreeNode.compose(yaml: yaml, file: file)
        for text in overrides { root = try Override(text).applied(to: root) }
        guard let root else { throw ManifestError(file: file, line: 1, column: 1, message: "empty manifest") }
        var (manifest, origins) = try ManifestDecoder(name: name).decode(root)
        try PanelValidator(manifest: manifest, origins: origins).validate()
        manifest.resolveUnsweptDefaults()
        manifest.grid = scale.apply(to: manifest.grid)
        return manifest
    }

    /// Fills `plantedWeights` and `k` of the base cell with their docs/science.md §1 defaults, unless a sweep axis
    /// can change the default (then every panel resolves its own).
    mutating func resolveUnsweptDefaults() {
        let swept = Set(sweep?.axes.map(\.key) ?? [])
        if cell.plantedWeights == nil && swept.isDisjoint(with: [.plantedWeights, .learned, .condition]) {
            cell.plantedWeights = cell.resolvedPlantedWeights
        }
        if cell.k == nil && swept.isDisjoint(with: [.k, .planted, .formulation, .condition]) {
            cell.k = cell.resolvedK
        }
    }
}
