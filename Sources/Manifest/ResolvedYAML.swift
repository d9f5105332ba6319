import ModelKinds
import Foundation

extension ExperimentManifest {
    /// The resolved manifest (overrides and scale applied, defaults filled in) as YAML text.
    /// Deterministic: keys in schema order, numbers in their shortest exact form, so two resolved
    /// manifests can be diffed to see which parameter changed. Loading it with `parse(yaml:name:)`
    /// gives this manifest back.
    public func resolvedYAML() -> String {
        var lines: [String] = []
        lines.append("# \(name): resolved manifest (overrides and scale applied, defaults filled in)")
        let panels = panels()
        if panels.count > 1 {
            lines.append("# panels:")
            for panel in panels { lines.append("#   \(panel.index + 1). \(panel.label)") }
        }
        lines.append("title: \(quoted(title))")
        lines.append("metric: \(metric.rawValue)")
        lines.append("cell:")
        lines.append("  planted: \(cell.planted.rawValue)")
        if let learned = cell.learned { lines.append("  learned: \(learned.rawValue)") }
        if let formulation = cell.formulation { lines.append("  formulation: \(formulation.rawValue)") }
        if let condition = cell.condition { lines.append("  condition: \(condition.rawValue)") }
        lines.append("  data: \(cell.data.rawValue)")
        lines.append("  planted_weights: " + (cell.plantedWeights?.rawValue ?? "null  # default, resolved per panel"))
        lines.append("  k: " + (cell.k.map(String.init) ?? "null  # default, resolved per panel"))
        lines.append("  sigma: \(formatNumber(cell.sigma))")
        lines.append("  seed: \(cell.seed)")
        if cell.formulation != nil || cell.beta != CellParameters.defaultBeta {
            lines.append("  beta: \(formatNumber(cell.beta))")
        }
        if panels.contains(where: { $0.cell.formulation == .gd }) || cell.training != TrainingParameters() {
            let training = cell.training
            lines.append("  training:")
            lines.append("    epochs: \(training.epochs)")
            lines.append("    optimizer: \(training.optimizer.rawValue)")
            lines.append("    activation: \(training.activation.rawValue)")
            lines.append("    learning_rate: \(formatNumber(training.learningRate))")
            lines.append("    weight_decay: \(formatNumber(training.weightDecay))")
            lines.append("    width: " + (training.width.map(String.init) ?? "null  # n + 1"))
        }
        if let sweep {
            lines.append("sweep:")
            lines.append("  mode: \(sweep.mode.rawValue)")
            lines.append("  axes:")
            for axis in sweep.axes {
                lines.append("    \(axis.key.rawValue): [\(axis.values.map(\.description).joined(separator: ", "))]")
            }
            if !sweep.exclude.isEmpty {
                lines.append("  exclude:")
                for entry in sweep.exclude {
                    let keys = sweep.axes.map(\.key).filter { entry[$0] != nil }
                    lines.append("    - {" + keys.map { "\($0.rawValue): \(entry[$0]!)" }.joined(separator: ", ") + "}")
                }
            }
        }
        lines.append("grid:")
        lines.append("  n: \(axisText(grid.n))")
        lines.append("  d: \(axisText(grid.d))")
        lines.append("  samples: \(grid.samples)")
        lines.append("render:")
        lines.append("  range: [\(formatNumber(render.rangeLow)), \(formatNumber(render.rangeHigh))]")
        lines.append("  levels: \(render.levels)")
        lines.append("  boundary: " + (render.boundary.map(formatNumber) ?? "null"))
        lines.append("  colormap: \(render.colormap)")  // one of RenderOptions.colormaps: plain names
        lines.append("  mark_over_range: \(render.markOverRange)")
        lines.append("  style: \(render.style)")  // one of RenderOptions.styles: plain names
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{from, to, step}` for an arithmetic progression of three or more values, else a list.
    private func axisText(_ values: [Int]) -> String {
        if values.count >= 3 {
            let step = values[1] - values[0]
            if step > 0 && zip(values, values.dropFirst()).allSatisfy({ $1 - $0 == step }) {
                return "{from: \(values[0]), to: \(values.last!), step: \(step)}"
            }
        }
        return "[" + values.map(String.init).joined(separator: ", ") + "]"
    }

    /// A double-quoted YAML string.
    private func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 { result += String(format: "\\x%02X", scalar.value) } else { result.unicodeScalars.append(scalar) }
            }
        }
        return result + "\""
    }
}
