import CellData
import Foundation
import ModelKinds
import Testing
@testable import Manifest

@Suite struct ExperimentFilesTests {
    static let figureStems = ["fig02", "fig04a", "fig04b", "fig05", "fig06", "fig07", "fig08", "fig09", "fig10",
                              "fig18", "fig19", "fig20", "fig21", "fig22", "fig23", "fig24", "fig25", "fig26",
                              "fig27", "fig28", "fig29", "fig30", "fig31", "fig32"]
    static let conditionStems = ["nic-linear", "nic-nnic-1", "nic-nnic-k", "nic-nnic-norm", "nic-irrepresentable-norm"]

    @Test func everyFigureAndConditionHasAManifest() throws {
        let stems = Set(try manifestFiles().map { $0.deletingPathExtension().lastPathComponent })
        for stem in Self.figureStems + Self.conditionStems { #expect(stems.contains(stem), "missing \(stem).yaml") }
    }

    @Test func everyManifestLoadsAndValidates() throws {
        let files = try manifestFiles()
        #expect(files.count >= 29)
        for file in files {
            do {
                let manifest = try ExperimentManifest.load(contentsOf: file)
                #expect(manifest.name == file.deletingPathExtension().lastPathComponent)
                #expect(!manifest.panels().isEmpty)
            } catch {
                Issue.record("\(file.lastPathComponent): \(error)")
            }
        }
    }

    @Test(arguments: [("fig07", 4), ("fig26", 3), ("fig06", 4), ("fig02", 1), ("fig05", 2), ("fig18", 4),
                      ("fig10", 1), ("nic-linear", 1)])
    func panelCounts(stem: String, count: Int) throws {
        #expect(try loadExperiment(stem).panels().count == count)
    }

    @Test func figure7PanelsAreTheSigmaSweep() throws {
        let panels = try loadExperiment("fig07").panels()
        #expect(panels.map(\.label) == ["σ = 0", "σ = 0.05", "σ = 0.1", "σ = 0.2"])
        #expect(panels.map(\.cell.sigma) == [0, 0.05, 0.1, 0.2])
        for panel in panels {
            #expect(panel.cell.learned == .skip && panel.cell.formulation == .relaxed && panel.cell.planted == .linear)
            // docs/science.md §1 defaults: smallest-pc for a skip learner, k = 1.
            #expect(panel.cell.plantedWeights == .smallestPC)
            #expect(panel.cell.k == 1)
        }
    }

    @Test func figure26HasThreePanelsWithoutTheImpossibleOne() throws {
        let manifest = try loadExperiment("fig26")
        let panels = manifest.panels()
        #expect(panels.map(\.label) == ["k = 2, planted weights = first-features",
                                        "k = 2, planted weights = opposite-pair",
                                        "k = 3, planted weights = first-features"])
        #expect(panels.map(\.cell.k) == [2, 2, 3])
        #expect(panels.map(\.cell.plantedWeights) == [.firstFeatures, .oppositePair, .firstFeatures])
        #expect(!panels.contains { $0.cell.k == 3 && $0.cell.plantedWeights == .oppositePair })
        // The base cell leaves both to the sweep.
        #expect(manifest.cell.k == nil && manifest.cell.plantedWeights == nil)
    }

    @Test func figure6SweepsTheDesignWithGaussianWeights() throws {
        let panels = try loadExperiment("fig06").panels()
        #expect(panels.map(\.cell.data) == [.gaussian, .cubic, .whitened, .whitenedCubic])
        #expect(panels.allSatisfy { $0.cell.plantedWeights == .gaussian })
        #expect(panels[3].label == "data = whitened-cubic")
    }

    @Test func defaultsFollowSpecSection1() throws {
        // k defaults to 2 for a normalized planted model unless relaxed.
        let approx = try loadExperiment("fig24").panels()
        #expect(approx.allSatisfy { $0.cell.k == 2 && $0.cell.plantedWeights == .gaussian })
        let relaxed = try loadExperiment("fig22").panels()
        #expect(relaxed.allSatisfy { $0.cell.k == 1 && $0.cell.plantedWeights == .gaussian })
        let gd = try loadExperiment("fig25")
        #expect(gd.panels().allSatisfy { $0.cell.k == 2 })
        #expect(gd.cell.training == TrainingParameters(epochs: 400, optimizer: .adamwFresh, activation: .relu,
                                                       learningRate: 2e-3, weightDecay: 1e-6, width: nil))
        #expect(gd.cell.training.resolvedWidth(n: 40) == 41)
        // Conditions: nic-linear speaks about the skip learner, so smallest-pc; k = 1.
        let nic = try loadExperiment("nic-linear").panels()[0].cell
        #expect(nic.condition == .nicLinear && nic.formulation == nil)
        #expect(nic.plantedWeights == .smallestPC && nic.k == 1)
        // Seed, β, σ, data, grid and render defaults.
        let fig02 = try loadExperiment("fig02")
        #expect(fig02.cell.seed == CellDataSpec.defaultSeed && fig02.cell.beta == 1e-6)
        #expect(fig02.cell.sigma == 0 && fig02.cell.data == .gaussian)
        #expect(fig02.grid == Grid())
        #expect(fig02.grid.n.count == 40 && fig02.grid.d.count == 10 && fig02.grid.samples == 10)
        #expect(fig02.render.levels == 11 && fig02.render.colormap == "jet" && fig02.render.rangeHigh == 1)
    }

    @Test func figureSettingsFollowTheTable() throws {
        let fig09 = try loadExperiment("fig09")
        #expect(fig09.metric == .weightDistance)
        #expect(fig09.panels().allSatisfy { $0.cell.k == 2 && $0.cell.plantedWeights == .oppositePair })
        let fig29 = try loadExperiment("fig29")
        #expect(fig29.panels().allSatisfy { $0.cell.k == 3 && $0.cell.plantedWeights == .firstFeatures })
        let fig08 = try loadExperiment("fig08")
        #expect(fig08.cell.formulation == .gd && fig08.metric == .testError && fig08.panels().count == 4)
        let fig10 = try loadExperiment("fig10")
        #expect(fig10.cell.condition == .nnicK && fig10.metric == .holds && fig10.render.boundary == 0.9)
        #expect(try loadExperiment("fig04a").render.boundary == 0.9)
        #expect(try loadExperiment("fig07").render.markOverRange)
    }
}

@Suite struct CellDataBridgeTests {
    @Test func panelCellGivesTheDataSpec() throws {
        let panel = try loadExperiment("fig26").panels()[2]
        let spec = panel.cell.dataSpec(n: 40, d: 20, sample: 3)
        #expect(spec.planted == .normalized && spec.k == 3 && spec.plantedWeights == .firstFeatures)
        #expect(spec.n == 40 && spec.d == 20 && spec.sample == 3 && spec.seed == CellDataSpec.defaultSeed)
        #expect(spec.patternBudget == .learner)
        #expect(spec.validationProblem() == nil)
        let condition = try loadExperiment("nic-nnic-k").panels()[0].cell.dataSpec(n: 10, d: 10, sample: 0)
        #expect(condition.patternBudget == .condition && condition.k == 2 && condition.planted == .plain)
    }

    @Test func sigmaPanelsShareTheirStreams() throws {
        // σ is not part of the stream identity (CellDataSpec), so the panels of a σ sweep share X and W*.
        let specs = try loadExperiment("fig07").panels().map { $0.cell.dataSpec(n: 50, d: 10, sample: 0) }
        #expect(Set(specs.map(\.streamIdentity)).count == 1)
        #expect(specs.map(\.sigma) == [0, 0.05, 0.1, 0.2])
    }

    @Test func loadByPathNamesThePathInErrors() throws {
        let path = experimentsFolder.appendingPathComponent("fig07.yaml").path
        #expect(try ExperimentManifest.load(path: path).name == "fig07")
        do {
            _ = try ExperimentManifest.load(path: path + ".missing")
            Issue.record("loaded a missing file")
        } catch let error as ManifestError {
            #expect(error.description.hasPrefix(path + ".missing: cannot read the manifest"))
        }
    }
}
