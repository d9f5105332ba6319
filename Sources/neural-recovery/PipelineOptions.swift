import ArgumentParser
import Foundation
import Manifest
import Pipeline
import Planning

extension ScaleProfile: ExpressibleByArgument {}

/// Options shared by the pipeline commands: which manifests, overrides, scale, output folder.
struct PipelineOptions: ParsableArguments {
    @Argument(help: "Manifest files (default: every experiments/*.yaml).")
    var manifests: [String] = []
    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override a manifest key, e.g. --set grid.samples=2 or --set cell.sigma=0.1 (repeatable).", valueName: "key=value"))
    var overrides: [String] = []
    @Option(help: "Scale profile: full (as written) or smoke (n ≤ 60, d ≤ 30, at most 2 samples).")
    var scale: ScaleProfile = .full
    @Option(help: "Output folder (figures under figures/, cache under cache/).")
    var outputs: String = "outputs"

    /// The manifest paths to use.
    func manifestPaths() throws -> [String] {
        if !manifests.isEmpty { return manifests }
        let folder = "experiments"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let yaml = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        guard !yaml.isEmpty else { throw failWithInputError("no manifests given and none under \(folder)/") }
        return yaml.map { "\(folder)/\($0)" }
    }

    /// Loads every manifest (all before anything is written): a bad one is a one-line error, exit 2.
    func loadManifests() throws -> [ExperimentManifest] {
        var loaded: [ExperimentManifest] = []
        var names: [String: String] = [:]
        for path in try manifestPaths() {
            do {
                let manifest = try ExperimentManifest.load(path: path, overrides: overrides, scale: scale)
                if let other = names[manifest.name] {
                    throw failWithInputError("\(path): another manifest (\(other)) has the same name \(manifest.name)")
                }
                names[manifest.name] = path
                loaded.append(manifest)
            } catch let error as ManifestError {
                throw failWithInputError(error.description)
            }
        }
        return loaded
    }

    func context() -> PipelineContext { PipelineContext(outputs: URL(fileURLWithPath: outputs)) }

    func plan() throws -> (Plan, PipelineContext) {
        let manifests = try loadManifests()
        do { return (try Plan(manifests: manifests), context()) } catch {
            throw failWithInputError("planning failed: \(error)")
        }
    }
}
