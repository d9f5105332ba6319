import CellData
import ModelKinds

/// Checks that need several keys at once, run on every panel so that a sweep value producing an
/// impossible cell is reported where it was written.
struct PanelValidator {
    let manifest: ExperimentManifest
    let origins: ManifestOrigins

    func validate() throws {
        let axes = manifest.sweep?.axes ?? []
        for panel in manifest.panels() {
            // The panel's cell before defaults are resolved, to tell written values from defaults.
            var written = manifest.cell
            for axis in axes { if let value = panel.assignments[axis.key] { written.apply(axis.key, value) } }
            /// Names the panel when the problem involves one of its swept values.
            func suffix(_ keys: [SweepKey]) -> String {
                keys.contains { panel.assignments[$0] != nil } ? " (panel '\(panel.label)')" : ""
            }

            /// Where to report a problem involving `keys`: a swept value first, then a cell key.
            func location(_ keys: [SweepKey]) -> SourceLocation {
                for key in keys {
                    if let value = panel.assignments[key], let axis = axes.first(where: { $0.key == key }),
                       let index = axis.values.firstIndex(of: value), let locations = origins.sweepValues[key] {
                        return locations[index]
                    }
                }
                // Then a value set by an override (it changed a manifest that was valid), then the file's.
                for key in keys { if let location = origins.cellKeys[key], location.line == nil { return location } }
                for key in keys { if let location = origins.cellKeys[key] { return location } }
                return origins.cell
            }
            func fail(_ keys: [SweepKey], _ message: String) -> ManifestError {
                ManifestError(at: location(keys), message + suffix(keys))
            }

            let cell = panel.cell
            switch (written.formulation, written.condition) {
            case (.some, .some):
                throw fail([.condition, .formulation],
                           "give either 'formulation' (with 'learned') or 'condition', not both")
            case (nil, nil):
                throw ManifestError(at: origins.cell, "missing 'cell.formulation' (with 'cell.learned') or 'cell.condition'"
                                    + suffix([.formulation, .condition]))
            case (.some(let formulation), nil):
                if written.learned == nil {
                    throw ManifestError(at: location([.formulation]),
                                        "formulation \(formulation.rawValue) needs 'cell.learned' (plain, skip or normalized)"
                                    + suffix([.formulation, .learned]))
                }
            case (nil, .some(let condition)):
                if let learned = written.learned, learned != condition.learned {
                    throw fail([.learned, .condition], "condition \(condition.rawValue) is about the "
                               + "\(condition.learned.rawValue) learner, not \(learned.rawValue)")
                }
                if cell.planted != condition.planted {
                    throw fail([.planted, .condition], "condition \(condition.rawValue) needs planted "
                               + "\(condition.planted.rawValue) (got \(cell.planted.rawValue))")
                }
                if condition == .nnic1 && cell.resolvedK != 1 {
                    throw fail([.k, .condition], "condition nnic-1 needs k = 1 (got k = \(cell.resolvedK)); use nnic-k")
                }
            }
            let k = cell.resolvedK
            let kText = written.k == nil ? "k = \(k) by default" : "k = \(k)"
            let weights = cell.resolvedPlantedWeights
            if weights == .oppositePair && k != 2 {
                throw fail([.plantedWeights, .k], "planted_weights opposite-pair needs k = 2 (got \(kText))")
            }
            if cell.planted == .linear && k != 1 {
                throw fail([.k, .planted], "a linear planted model has k = 1 (got \(kText))")
            }
            if (weights == .firstFeatures || weights == .smallestPC), let smallestD = manifest.grid.d.first, k > smallestD {
                throw ManifestError(at: origins.gridD, "planted_weights \(weights.rawValue) needs k ≤ d, but grid.d "
                                    + "starts at \(smallestD) and \(kText)" + suffix([.k, .plantedWeights]))
            }
            if let reason = manifest.metric.inapplicability(to: cell) {
                throw ManifestError(at: origins.metric, reason + suffix([.formulation, .condition, .learned]))
            }
        }
    }
}
