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
    @Option(help: ArgumentHelp("Refuse plans of more cell samples than this (default \(InputLimits.defaultMaxTasks)).",
                               valueName: "count"))
    var maxTasks: Int = InputLimits.defaultMaxTasks

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
        try checkPlanSize(manifests)
        do { return (try Plan(manifests: manifests), context()) } catch {
            throw failWithInputError("planning failed: \(error)")
        }
    }

    /// Refuses, before planning allocates anything, more cell samples than `--max-tasks`.
    func checkPlanSize(_ manifests: [ExperimentManifest]) throws {
        var total = 0
        for manifest in manifests {
            let (sum, overflow) = total.addingReportingOverflow(manifest.cellSampleCount ?? .max)
            total = overflow ? .max : sum
        }
        if total > maxTasks {
            let count = total == .max ? "more than \(Int.max)" : "\(total)"
            throw failWithInputError("the manifests ask for \(count) cell samples, more than the cap of \(maxTasks); "
                                     + "shrink the grid or raise the cap with --max-tasks")
        }
    }
}
