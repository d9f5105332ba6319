import Foundation
import ModelKinds

/// Where each value of a decoded manifest was written, for errors found after decoding.
struct ManifestOrigins {
    var root: SourceLocation
    var cell: SourceLocation
    var cellKeys: [SweepKey: SourceLocation] = [:]
    var sweepValues: [SweepKey: [SourceLocation]] = [:]
    var sweepAxes: [SweepKey: SourceLocation] = [:]
    var exclude: SourceLocation?
    var metric: SourceLocation
    var gridD: SourceLocation
}

/// Turns the node tree into an `ExperimentManifest`, checking every key, type and range.
struct ManifestDecoder {
    let name: String

    func decode(_ root: TreeNode) throws -> (ExperimentManifest, ManifestOrigins) {
        guard case .mapping = root.kind else {
            throw root.error("a manifest is a mapping with the keys \(Schema.manifest.keys.joined(separator: ", ")); "
                             + "got \(root.isNull ? "null" : root.shortDescription)")
        }
        let top = try root.mappingEntries("", allowed: Schema.manifest.keys)
        func required(_ key: String) throws -> TreeNode {
            guard let node = top[key]?.value else { throw root.error("missing required key '\(key)'") }
            return node
        }
        let titleNode = try required("title")
        let title = try titleNode.string("title")
        if title.trimmingCharacters(in: .whitespaces).isEmpty { throw titleNode.error("title: must not be empty") }
        let metricNode = try required("metric")
        let metric = try metricNode.name("metric", as: Metric.self)
        let cellNode = try required("cell")
        var origins = ManifestOrigins(root: root.location, cell: cellNode.location, metric: metricNode.location,
                                      gridD: root.location)
        let cell = try decodeCell(cellNode, origins: &origins)
        var sweep: Sweep?
        if let node = top["sweep"]?.value, !node.isNull { sweep = try decodeSweep(node, origins: &origins) }
        var grid = Grid()
        if let node = top["grid"]?.value {
            if node.isNull { throw node.error("grid: empty; give n, d and samples, or leave 'grid' out for the defaults") }
            grid = try decodeGrid(node, origins: &origins)
        }
        var render = RenderOptions()
        if let node = top["render"]?.value, !node.isNull { render = try decodeRender(node) }
        let manifest = ExperimentManifest(name: name, title: title, cell: cell, sweep: sweep, grid: grid,
                                          metric: metric, render: render)
        return (manifest, origins)
    }

    private func decodeCell(_ node: TreeNode, origins: inout ManifestOrigins) throws -> CellParameters {
        let entries = try node.mappingEntries("cell", allowed: Schema.cell.keys)
        guard let plantedNode = entries["planted"]?.value else { throw node.error("missing required key 'cell.planted'") }
        var cell = CellParameters(planted: try plantedNode.name("cell.planted", as: PlantedModel.self))
        origins.cellKeys[.planted] = plantedNode.location
        var values: [(SweepKey, TreeNode, String)] = []
        for key in SweepKey.allCases where !key.rawValue.hasPrefix("training.") && key != .planted {
            if let value = entries[key.rawValue]?.value { values.append((key, value, "cell.\(key.rawValue)")) }
        }
        if let training = entries["training"]?.value, !training.isNull {
            let trainingEntries = try training.mappingEntries("cell.training", allowed: Schema.training.keys)
            for key in SweepKey.allCases where key.rawValue.hasPrefix("training.") {
                let short = String(key.rawValue.dropFirst("training.".count))
                if let value = trainingEntries[short]?.value { values.append((key, value, "cell.\(key.rawValue)")) }
            }
        }
        for (key, value, path) in values {
            origins.cellKeys[key] = value.location
            if value.isNull && key.isOptional {
                key.clear(in: &cell)
            } else {
                cell.apply(key, try key.read(value, path: path))
            }
        }
        return cell
    }

    private func decodeSweep(_ node: TreeNode, origins: inout ManifestOrigins) throws -> Sweep {
        let entries = try node.mappingEntries("sweep", allowed: Schema.sweep.keys)
        var mode = SweepMode.product
        if let modeNode = entries["mode"]?.value { mode = try modeNode.name("sweep.mode", as: SweepMode.self) }
        guard let axesNode = entries["axes"]?.value else { throw node.error("missing required key 'sweep.axes'") }
        guard case .mapping(let pairs) = axesNode.kind else {
            throw axesNode.error("sweep.axes: expected a mapping from cell keys to lists of values, got \(axesNode.shortDescription)")
        }
        if pairs.isEmpty { throw axesNode.error("sweep.axes: no axis given") }
        let sweepable = SweepKey.allCases.map(\.rawValue)
        var axes: [SweepAxis] = []
        for pair in pairs {
            guard case .scalar(let keyName, _) = pair.key.kind, let key = SweepKey(rawValue: keyName) else {
                let text = pair.key.shortDescription
                throw pair.key.error("sweep over unknown key \(text)"
                                     + Suggestions.didYouMean(text.trimmingCharacters(in: ["'"]), in: sweepable)
                                     + "; sweepable: \(sweepable.joined(separator: ", "))")
            }
            if let first = axes.first(where: { $0.key == key }) {
                throw pair.key.error("duplicate key 'sweep.axes.\(keyName)' (first given at line "
                                     + "\(origins.sweepAxes[first.key]?.line ?? 0))")
            }
            let path = "sweep.axes.\(keyName)"
            let items = try pair.value.elements(path)
            if items.isEmpty { throw pair.value.error("\(path): empty list of values") }
            var values: [SweepValue] = []
            for item in items {
                let value = try key.read(item, path: path)
                if values.contains(value) { throw item.error("\(path): value \(value) given twice") }
                values.append(value)
            }
            axes.append(SweepAxis(key: key, values: values))
            origins.sweepAxes[key] = pair.key.location
            origins.sweepValues[key] = items.map(\.location)
        }
        if mode == .zip, let first = axes.first {
            for (axis, pair) in zip(axes, pairs) where axis.values.count != first.values.count {
                throw pair.value.error("zip sweep needs lists of equal length: '\(first.key.rawValue)' has "
                                       + "\(first.values.count) values, '\(axis.key.rawValue)' has \(axis.values.count)")
            }
        }
        var exclude: [[SweepKey: SweepValue]] = []
        if let excludeNode = entries["exclude"]?.value, !excludeNode.isNull {
            origins.exclude = excludeNode.location
            for (index, entryNode) in try excludeNode.elements("sweep.exclude").enumerated() {
                let path = "sweep.exclude[\(index)]"
                let swept = axes.map(\.key.rawValue)
                let entry = try entryNode.mappingEntries(path, allowed: sweepable)
                if entry.isEmpty { throw entryNode.error("\(path): empty exclusion") }
                var combination: [SweepKey: SweepValue] = [:]
                guard case .mapping(let orderedPairs) = entryNode.kind else { continue }
                for keyNode in orderedPairs.map(\.key) {
                    guard case .scalar(let keyName, _) = keyNode.kind, let pair = entry[keyName],
                          let key = SweepKey(rawValue: keyName) else { continue }
                    guard let axis = axes.first(where: { $0.key == key }) else {
                        throw pair.key.error("\(path): '\(keyName)' is not swept (swept: \(swept.joined(separator: ", ")))")
                    }
                    let value = try key.read(pair.value, path: "\(path).\(keyName)")
                    guard axis.values.contains(value) else {
                        throw pair.value.error("\(path).\(keyName): \(value) is not one of the swept values "
                                               + axis.values.map(\.description).joined(separator: ", "))
                    }
                    combination[key] = value
                }
                exclude.append(combination)
            }
        }
        let counts = axes.map(\.values.count)
        if (mode == .product ? InputLimits.product(counts) ?? .max : counts.min() ?? 0) > InputLimits.panels {
            throw axesNode.error("sweep.axes: the product of the axes makes more than \(InputLimits.panels) panels")
        }
        let sweep = Sweep(axes: axes, mode: mode, exclude: exclude)
        if sweep.assignments.isEmpty {
            throw ManifestError(at: origins.exclude ?? node.location, "sweep.exclude: every panel is excluded")
        }
        return sweep
    }

    private func decodeGrid(_ node: TreeNode, origins: inout ManifestOrigins) throws -> Grid {
        let entries = try node.mappingEntries("grid", allowed: Schema.grid.keys)
        var grid = Grid()
        if let value = entries["n"]?.value { grid.n = try decodeAxis(value, path: "grid.n") }
        if let value = entries["d"]?.value {
            grid.d = try decodeAxis(value, path: "grid.d")
            origins.gridD = value.location
        } else {
            origins.gridD = node.location
        }
        if let value = entries["samples"]?.value {
            grid.samples = try value.integer("grid.samples", atLeast: 1, atMost: InputLimits.samples)
        }
        return grid
    }

    /// A grid axis: an increasing list of positive integers, or `{from, to, step}`.
    private func decodeAxis(_ node: TreeNode, path: String) throws -> [Int] {
        switch node.kind {
        case .mapping:
            let entries = try node.mappingEntries(path, allowed: Schema.range.keys)
            func bound(_ key: String) throws -> Int {
                guard let value = entries[key]?.value else { throw node.error("missing required key '\(path).\(key)'") }
                return try value.integer("\(path).\(key)", atLeast: key == "step" ? nil : 1,
                                         atMost: InputLimits.dimension)
            }
            let from = try bound("from"), to = try bound("to"), step = try bound("step")
            if step <= 0 { throw entries["step"]!.value.error("\(path).step: must be positive (got \(step))") }
            if to < from {
                throw node.error("\(path): empty range: from \(from) is greater than to \(to)")
            }
            return Array(stride(from: from, through: to, by: step))
        case .sequence(let items):
            if items.isEmpty { throw node.error("\(path): empty list") }
            var values: [Int] = []
            for item in items {
                let value = try item.integer(path, atLeast: 1, atMost: InputLimits.dimension)
                if let last = values.last, value <= last {
                    throw item.error("\(path): values must be increasing (\(value) follows \(last))")
                }
                values.append(value)
            }
            return values
        case .scalar:
            throw node.error("\(path): expected a list of integers or {from, to, step}, got \(node.shortDescription)")
        }
    }

    private func decodeRender(_ node: TreeNode) throws -> RenderOptions {
        let entries = try node.mappingEntries("render", allowed: Schema.render.keys)
        var render = RenderOptions()
        if let value = entries["range"]?.value {
            let items = try value.elements("render.range")
            guard items.count == 2 else {
                throw value.error("render.range: expected [low, high], got \(items.count) values")
            }
            render.rangeLow = try items[0].number("render.range")
            render.rangeHigh = try items[1].number("render.range")
            if render.rangeLow >= render.rangeHigh {
                throw value.error("render.range: empty range: low \(formatNumber(render.rangeLow)) is not below "
                                  + "high \(formatNumber(render.rangeHigh))")
            }
        }
        if let value = entries["levels"]?.value {
            render.levels = try value.integer("render.levels", atLeast: 2, atMost: InputLimits.levels)
        }
        if let value = entries["boundary"]?.value, !value.isNull {
            let boundary = try value.number("render.boundary")
            if boundary < render.rangeLow || boundary > render.rangeHigh {
                throw value.error("render.boundary: \(formatNumber(boundary)) is outside the range "
                                  + "[\(formatNumber(render.rangeLow)), \(formatNumber(render.rangeHigh))]")
            }
            render.boundary = boundary
        }
        if let value = entries["colormap"]?.value {
            render.colormap = try name(value, "render.colormap", allowed: RenderOptions.colormaps)
        }
        if let value = entries["mark_over_range"]?.value { render.markOverRange = try value.bool("render.mark_over_range") }
        if let value = entries["style"]?.value {
            render.style = try name(value, "render.style", allowed: RenderOptions.styles)
        }
        return render
    }

    /// A string that must be one of `allowed`, with a suggestion when it is close to one.
    private func name(_ node: TreeNode, _ path: String, allowed: [String]) throws -> String {
        let name = try node.string(path)
        guard allowed.contains(name) else {
            throw node.error("\(path): unknown value '\(name)'" + Suggestions.didYouMean(name, in: allowed)
                             + "; allowed: \(allowed.joined(separator: ", "))")
        }
        return name
    }
}
