import Foundation
import ModelKinds
import Testing
@testable import Manifest

@Suite struct OverrideTests {
    @Test func samplesOverride() throws {
        let manifest = try loadExperiment("fig07", overrides: ["grid.samples=2"])
        #expect(manifest.grid.samples == 2)
        #expect(manifest.grid.n == Array(stride(from: 10, through: 400, by: 10)))
    }

    @Test func overridesOfEverySection() throws {
        let manifest = try loadExperiment("fig02", overrides: [
            "cell.sigma=0.1", "render.boundary=0.9", "grid.n=[10,20,30]", "grid.d={from: 10, to: 30, step: 10}",
            "cell.training.epochs=5", "title=Quick look", "metric=recovery", "cell.data=cubic",
        ])
        #expect(manifest.cell.sigma == 0.1)
        #expect(manifest.render.boundary == 0.9)
        #expect(manifest.grid.n == [10, 20, 30])
        #expect(manifest.grid.d == [10, 20, 30])
        #expect(manifest.cell.training.epochs == 5)
        #expect(manifest.title == "Quick look")
        #expect(manifest.metric == .recovery)
        #expect(manifest.cell.data == .cubic)
    }

    @Test func laterOverridesWin() throws {
        let manifest = try loadExperiment("fig07", overrides: ["grid.samples=2", "grid.samples=4"])
        #expect(manifest.grid.samples == 4)
    }

    @Test func overrideCanReplaceASweepAxis() throws {
        let manifest = try loadExperiment("fig07", overrides: ["sweep.axes.sigma=[0, 0.3]"])
        #expect(manifest.panels().map(\.cell.sigma) == [0, 0.3])
    }

    @Test func overrideCanAddASweepToAManifestWithout() throws {
        let manifest = try loadExperiment("fig02", overrides: ["sweep.axes.data=[gaussian, cubic]"])
        #expect(manifest.panels().map(\.label) == ["data = gaussian", "data = cubic"])
    }

    @Test func overrideResultIsValidatedToo() {
        // k = 3 with opposite-pair (figure 9) is impossible, whichever way it is asked for.
        do {
            _ = try loadExperiment("fig09", overrides: ["cell.k=3"])
            Issue.record("accepted k = 3 with opposite-pair")
        } catch let error as ManifestError {
            #expect(error.description.hasPrefix("--set cell.k=3: "))
            #expect(error.message.contains("opposite-pair needs k = 2 (got k = 3)"))
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func unknownSweepAxisOverride() {
        let error = loadError(validYAML, overrides: ["sweep.axes.sigam=[0]"])
        #expect(error?.description == "--set sweep.axes.sigam=[0]: unknown key 'sweep.axes.sigam' (did you mean 'sweep.axes.sigma'?)")
    }

    @Test func overrideBelowALeafIsRejected() {
        let error = loadError(validYAML, overrides: ["grid.samples.x=1"])
        #expect(error?.message.contains("unknown key 'grid.samples.x'") == true)
    }
}

@Suite struct ScaleTests {
    @Test func smokeFiltersTheGrid() throws {
        let manifest = try loadExperiment("fig07", scale: .smoke)
        #expect(manifest.grid.n == [10, 20, 30, 40, 50, 60])
        #expect(manifest.grid.d == [10, 20, 30])
        #expect(manifest.grid.samples == 2)
        #expect(manifest.panels().count == 4)
    }

    @Test func smokeKeepsTheSmallestValueOfAnEmptiedAxis() {
        let grid = ScaleProfile.smoke.apply(to: Grid(n: [100, 200], d: [40, 50], samples: 1))
        #expect(grid == Grid(n: [100], d: [40], samples: 1))
    }

    @Test func fullLeavesTheGridAlone() throws {
        let grid = Grid(n: [5, 500], d: [7], samples: 30)
        #expect(ScaleProfile.full.apply(to: grid) == grid)
        #expect(try loadExperiment("fig07", scale: .full).grid == Grid())
    }

    @Test func smokeAppliesAfterOverrides() throws {
        let manifest = try loadExperiment("fig07", overrides: ["grid.samples=1", "grid.n=[70, 80]"], scale: .smoke)
        #expect(manifest.grid.samples == 1 && manifest.grid.n == [70])
    }
}

@Suite struct ResolvedYAMLTests {
    @Test func everyManifestRoundTrips() throws {
        for file in try manifestFiles() {
            let stem = file.deletingPathExtension().lastPathComponent
            for scale in ScaleProfile.allCases {
                let manifest = try ExperimentManifest.load(contentsOf: file, scale: scale)
                let yaml = manifest.resolvedYAML()
                #expect(yaml == manifest.resolvedYAML(), "\(stem): not deterministic")
                let reloaded = try ExperimentManifest.parse(yaml: yaml, name: stem)
                #expect(reloaded == manifest, "\(stem) (\(scale)): reloaded manifest differs")
                #expect(reloaded.panels() == manifest.panels())
                #expect(reloaded.resolvedYAML() == yaml)
            }
        }
    }

    @Test func overridesAndDefaultsAreWrittenOut() throws {
        let manifest = try loadExperiment("fig25", overrides: ["cell.sigma=0.1", "cell.training.width=7"])
        let yaml = manifest.resolvedYAML()
        #expect(yaml.contains("\n  sigma: 0.1\n"))
        #expect(yaml.contains("\n  k: 2\n"))                         // docs/science.md §1 default, resolved
        #expect(yaml.contains("\n  planted_weights: gaussian\n"))
        #expect(yaml.contains("\n  seed: 97006855\n"))
        #expect(yaml.contains("\n    optimizer: adamw-fresh\n"))
        #expect(yaml.contains("\n    width: 7\n"))
        #expect(yaml.contains("\n  n: {from: 10, to: 400, step: 10}\n"))
        #expect(try ExperimentManifest.parse(yaml: yaml, name: "fig25") == manifest)
    }

    @Test func aChangedParameterShowsAsOneChangedLine() throws {
        let base = try loadExperiment("fig07").resolvedYAML().split(separator: "\n")
        let changed = try loadExperiment("fig07", overrides: ["grid.samples=3"]).resolvedYAML().split(separator: "\n")
        #expect(base.count == changed.count)
        let differing = zip(base, changed).filter { $0 != $1 }
        #expect(differing.map(\.1) == ["  samples: 3"])
    }

    @Test func sweptDefaultsStayPerPanel() throws {
        let manifest = try loadExperiment("fig26")
        let yaml = manifest.resolvedYAML()
        #expect(yaml.contains("  k: null"))
        #expect(yaml.contains("    - {k: 3, planted_weights: opposite-pair}"))
        #expect(yaml.contains("#   3. k = 3, planted weights = first-features"))
        #expect(try ExperimentManifest.parse(yaml: yaml, name: "fig26").panels().count == 3)
    }

    @Test func titlesWithSpecialCharactersRoundTrip() throws {
        let manifest = try ExperimentManifest.parse(yaml: validYAML, name: "t",
                                                    overrides: ["title='quote \" and \\\\ back: slash # hash'"])
        #expect(manifest.title == "quote \" and \\\\ back: slash # hash")
        #expect(try ExperimentManifest.parse(yaml: manifest.resolvedYAML(), name: "t") == manifest)
    }

    @Test func codableRoundTrip() throws {
        let manifest = try loadExperiment("fig26")
        let data = try JSONEncoder().encode(manifest)
        #expect(try JSONDecoder().decode(ExperimentManifest.self, from: data) == manifest)
    }
}

@Suite struct SweepTests {
    @Test func zipPairsTheIthValues() throws {
        let yaml = validYAML.replacingOccurrences(of: "    sigma: [0, 0.05]\n",
                                                  with: "    sigma: [0, 0.05]\n    data: [gaussian, cubic]\n  mode: zip\n")
        let panels = try ExperimentManifest.parse(yaml: yaml, name: "zip").panels()
        #expect(panels.map(\.label) == ["σ = 0, data = gaussian", "σ = 0.05, data = cubic"])
        #expect(panels[1].cell.data == .cubic && panels[1].cell.sigma == 0.05)
    }

    @Test func productVariesTheFirstAxisSlowest() throws {
        let yaml = validYAML.replacingOccurrences(of: "    sigma: [0, 0.05]\n",
                                                  with: "    sigma: [0, 0.05]\n    data: [gaussian, cubic]\n")
        let panels = try ExperimentManifest.parse(yaml: yaml, name: "product").panels()
        #expect(panels.map(\.label) == ["σ = 0, data = gaussian", "σ = 0, data = cubic",
                                        "σ = 0.05, data = gaussian", "σ = 0.05, data = cubic"])
        #expect(panels.map(\.index) == [0, 1, 2, 3])
    }

    @Test func excludingEveryPanelIsAnError() {
        let yaml = validYAML.replacingOccurrences(of: "    sigma: [0, 0.05]\n",
                                                  with: "    sigma: [0]\n  exclude:\n    - {sigma: 0}\n")
        #expect(loadError(yaml)?.description == "bad.yaml:12:5: sweep.exclude: every panel is excluded")
    }

    @Test func trainingKeysCanBeSwept() throws {
        let manifest = try loadExperiment("fig08", overrides: ["sweep.axes={training.activation: [relu, tanh]}"])
        #expect(manifest.panels().map(\.cell.training.activation) == [.relu, .tanh])
        #expect(manifest.panels().map(\.label) == ["activation = relu", "activation = tanh"])
    }

    @Test func everyPanelOfEveryManifestGivesValidCellData() throws {
        for file in try manifestFiles() {
            let manifest = try ExperimentManifest.load(contentsOf: file)
            for panel in manifest.panels() {
                for (n, d) in [(manifest.grid.n.first!, manifest.grid.d.first!), (manifest.grid.n.last!, manifest.grid.d.last!)] {
                    let problem = panel.cell.dataSpec(n: n, d: d, sample: 0).validationProblem()
                    #expect(problem == nil, "\(manifest.name) \(panel.label): \(problem ?? "")")
                }
            }
        }
    }
}
