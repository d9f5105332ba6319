import Foundation
import Manifest

/// The package root, found from this file's path (Tests/ManifestTests/Support.swift).
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let experimentsFolder = packageRoot.appendingPathComponent("experiments")

/// Every manifest file in experiments/, sorted by name.
func manifestFiles() throws -> [URL] {
    try FileManager.default.contentsOfDirectory(at: experimentsFolder, includingPropertiesForKeys: nil)
        .filter { $0.pathExtension == "yaml" }
        .sorted { $0.lastPathComponent < $1.lastPathComponent }
}

func loadExperiment(_ stem: String, overrides: [String] = [], scale: ScaleProfile = .full) throws -> ExperimentManifest {
    try ExperimentManifest.load(contentsOf: experimentsFolder.appendingPathComponent("\(stem).yaml"),
                                overrides: overrides, scale: scale)
}

/// The error that parsing `yaml` throws, or nil when it loads.
func loadError(_ yaml: String, overrides: [String] = []) -> ManifestError? {
    do {
        _ = try ExperimentManifest.parse(yaml: yaml, name: "bad", file: "bad.yaml", overrides: overrides)
        return nil
    } catch let error as ManifestError {
        return error
    } catch {
        return ManifestError(file: "?", line: nil, column: nil, message: "unexpected error type: \(error)")
    }
}

/// A valid manifest to derive bad ones from; line numbers matter to the tests.
let validYAML = """
title: "A valid manifest"
metric: weight_distance
cell:
  learned: skip
  formulation: relaxed
  planted: linear
  sigma: 0
sweep:
  axes:
    sigma: [0, 0.05]
grid:
  n: {from: 10, to: 50, step: 10}
  d: [10, 20]
  samples: 3
render:
  range: [0, 1]
  boundary: 0.5
"""
