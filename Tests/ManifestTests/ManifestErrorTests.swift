import Testing
@testable import Manifest

/// Each bad manifest must fail with exactly this `FILE:LINE:COL:` prefix and a message containing `fragment`.
struct BadCase: CustomTestStringConvertible, Sendable {
    let name: String
    let yaml: String
    let overrides: [String]
    let prefix: String
    let fragment: String
    var testDescription: String { name }

    init(_ name: String, _ yaml: String, overrides: [String] = [], prefix: String, _ fragment: String) {
        self.name = name
        self.yaml = yaml
        self.overrides = overrides
        self.prefix = prefix
        self.fragment = fragment
    }

    /// `validYAML` with one exact substring replaced (which must occur).
    init(_ name: String, replacing old: String, with new: String, overrides: [String] = [], prefix: String,
         _ fragment: String) {
        precondition(validYAML.contains(old), "\(old) not in validYAML")
        self.init(name, validYAML.replacingOccurrences(of: old, with: new), overrides: overrides, prefix: prefix, fragment)
    }
}

let normalizedYAML = """
title: "normalized"
metric: recovery
cell:
  learned: normalized
  formulation: relaxed
  planted: normalized
  planted_weights: opposite-pair
  k: 3
"""

let badCases: [BadCase] = [
    BadCase("unknown key with suggestion", replacing: "  sigma: 0\n", with: "  sigam: 0\n",
            prefix: "bad.yaml:7:3: ", "unknown key 'cell.sigam' (did you mean 'cell.sigma'?)"),
    BadCase("unknown top-level key", replacing: "render:", with: "rendr:",
            prefix: "bad.yaml:15:1: ", "unknown key 'rendr' (did you mean 'render'?)"),
    BadCase("wrong type: number", replacing: "  sigma: 0\n", with: "  sigma: abc\n",
            prefix: "bad.yaml:7:10: ", "cell.sigma: expected a number, got 'abc'"),
    BadCase("wrong type: integer", replacing: "samples: 3", with: "samples: 2.5",
            prefix: "bad.yaml:14:12: ", "grid.samples: expected an integer, got '2.5'"),
    BadCase("quoted number is a string", replacing: "  sigma: 0\n", with: "  sigma: \"0.1\"\n",
            prefix: "bad.yaml:7:10: ", "expected a number, got '0.1'"),
    BadCase("empty range", replacing: "{from: 10, to: 50, step: 10}", with: "{from: 50, to: 10, step: 10}",
            prefix: "bad.yaml:12:6: ", "grid.n: empty range: from 50 is greater than to 10"),
    BadCase("step zero", replacing: "{from: 10, to: 50, step: 10}", with: "{from: 10, to: 50, step: 0}",
            prefix: "bad.yaml:12:31: ", "grid.n.step: must be positive (got 0)"),
    BadCase("decreasing list", replacing: "d: [10, 20]", with: "d: [20, 10]",
            prefix: "bad.yaml:13:11: ", "grid.d: values must be increasing (10 follows 20)"),
    BadCase("samples below one", replacing: "samples: 3", with: "samples: 0",
            prefix: "bad.yaml:14:12: ", "grid.samples: must be at least 1 (got 0)"),
    BadCase("metric needs gd", replacing: "metric: weight_distance", with: "metric: test_error",
            prefix: "bad.yaml:2:9: ", "metric test_error needs formulation gd (got relaxed)"),
    BadCase("holds needs a condition", replacing: "metric: weight_distance", with: "metric: holds",
            prefix: "bad.yaml:2:9: ", "metric holds needs a condition"),
    BadCase("test distance needs a convex formulation",
            validYAML.replacingOccurrences(of: "formulation: relaxed", with: "formulation: gd")
                .replacingOccurrences(of: "metric: weight_distance", with: "metric: test_distance"),
            prefix: "bad.yaml:2:9: ", "metric test_distance needs a convex formulation (exact, relaxed or approx), not gd"),
    BadCase("cosine needs a skip learner",
            normalizedYAML.replacingOccurrences(of: "metric: recovery", with: "metric: cosine")
                .replacingOccurrences(of: "opposite-pair\n  k: 3", with: "gaussian"),
            prefix: "bad.yaml:2:9: ", "metric cosine needs learned skip (got normalized)"),
    BadCase("condition for the wrong planted model",
            "title: x\nmetric: holds\ncell:\n  condition: nnic-norm\n  planted: plain\n",
            prefix: "bad.yaml:5:12: ", "condition nnic-norm needs planted normalized (got plain)"),
    BadCase("bad enum value", replacing: "planted: linear", with: "planted: linera",
            prefix: "bad.yaml:6:12: ", "cell.planted: unknown value 'linera' (did you mean 'linear'?); allowed: linear, plain, normalized"),
    BadCase("missing required key", replacing: "metric: weight_distance\n", with: "",
            prefix: "bad.yaml:1:1: ", "missing required key 'metric'"),
    BadCase("missing planted", replacing: "  planted: linear\n", with: "",
            prefix: "bad.yaml:4:3: ", "missing required key 'cell.planted'"),
    BadCase("both formulation and condition", replacing: "  planted: linear\n",
            with: "  planted: linear\n  condition: nic-linear\n",
            prefix: "bad.yaml:7:14: ", "give either 'formulation' (with 'learned') or 'condition', not both"),
    BadCase("neither formulation nor condition", replacing: "  formulation: relaxed\n", with: "",
            prefix: "bad.yaml:4:3: ", "missing 'cell.formulation' (with 'cell.learned') or 'cell.condition'"),
    BadCase("opposite-pair with k = 3", normalizedYAML,
            prefix: "bad.yaml:7:20: ", "planted_weights opposite-pair needs k = 2 (got k = 3)"),
    BadCase("opposite-pair swept to k = 3 without exclude", normalizedYAML.replacingOccurrences(
                of: "  planted_weights: opposite-pair\n  k: 3", with: "sweep:\n  axes:\n    k: [2, 3]\n    planted_weights: [first-features, opposite-pair]"),
            prefix: "bad.yaml:10:39: ", "planted_weights opposite-pair needs k = 2 (got k = 3) (panel 'k = 3, planted weights = opposite-pair')"),
    BadCase("linear planted with k = 2", replacing: "  sigma: 0\n", with: "  sigma: 0\n  k: 2\n",
            prefix: "bad.yaml:8:6: ", "a linear planted model has k = 1 (got k = 2)"),
    BadCase("zip lists of unequal length", replacing: "    sigma: [0, 0.05]\n",
            with: "    sigma: [0, 0.05]\n    data: [gaussian, cubic, whitened]\n  mode: zip\n",
            prefix: "bad.yaml:11:11: ", "zip sweep needs lists of equal length: 'sigma' has 2 values, 'data' has 3"),
    BadCase("empty sweep list", replacing: "sigma: [0, 0.05]", with: "sigma: []",
            prefix: "bad.yaml:10:12: ", "sweep.axes.sigma: empty list of values"),
    BadCase("sweep over unknown key", replacing: "    sigma: [0, 0.05]", with: "    sigam: [0, 0.05]",
            prefix: "bad.yaml:10:5: ", "sweep over unknown key 'sigam' (did you mean 'sigma'?)"),
    BadCase("exclude of an unswept key", replacing: "    sigma: [0, 0.05]\n",
            with: "    sigma: [0, 0.05]\n  exclude:\n    - {k: 2}\n",
            prefix: "bad.yaml:12:8: ", "sweep.exclude[0]: 'k' is not swept"),
    BadCase("duplicate key", replacing: "  samples: 3\n", with: "  samples: 3\n  samples: 5\n",
            prefix: "bad.yaml:15:3: ", "duplicate key 'grid.samples' (first given at line 14)"),
    BadCase("boundary outside the range", replacing: "boundary: 0.5", with: "boundary: 2",
            prefix: "bad.yaml:17:13: ", "render.boundary: 2 is outside the range [0, 1]"),
    BadCase("unknown render style", replacing: "  boundary: 0.5", with: "  boundary: 0.5\n  style: contours",
            prefix: "bad.yaml:18:10: ", "render.style: unknown value 'contours' (did you mean 'contour'?); allowed: cells, contour"),
    BadCase("YAML syntax error", replacing: "d: [10, 20]", with: "d: [10, 20",
            prefix: "bad.yaml:14:10: ", "invalid YAML: did not find expected ',' or ']'"),
    BadCase("empty manifest", "# nothing here\n", prefix: "bad.yaml:1:1: ", "empty manifest"),
    BadCase("bad override path", validYAML, overrides: ["grid.samplez=2"],
            prefix: "--set grid.samplez=2: ", "unknown key 'grid.samplez' (did you mean 'grid.samples'?)"),
    BadCase("bad override syntax", validYAML, overrides: ["grid.samples"],
            prefix: "--set grid.samples: ", "malformed override: expected KEY=VALUE"),
    BadCase("override of the wrong type", validYAML, overrides: ["grid.samples=abc"],
            prefix: "--set grid.samples=abc: ", "grid.samples: expected an integer, got 'abc'"),
    BadCase("override with invalid YAML", validYAML, overrides: ["grid.n=[10, 20"],
            prefix: "--set grid.n=[10, 20: ", "invalid YAML"),
]

@Suite struct ManifestErrorTests {
    @Test(arguments: badCases)
    func badManifestIsRejectedAtItsPosition(_ bad: BadCase) throws {
        let error = try #require(loadError(bad.yaml, overrides: bad.overrides), "\(bad.name) loaded")
        let text = error.description
        #expect(text.hasPrefix(bad.prefix), "\(bad.name): \(text)")
        #expect(text.contains(bad.fragment), "\(bad.name): \(text)")
        #expect(!text.contains("\n"), "\(bad.name): error is not one line: \(text)")
    }

    @Test func validBaseManifestLoads() throws {
        #expect(loadError(validYAML) == nil)
    }

    @Test func renderStyleIsReadAndResolved() throws {
        let plain = try ExperimentManifest.parse(yaml: validYAML, name: "m", file: "m.yaml")
        #expect(plain.render.style == "cells")
        let contour = try ExperimentManifest.parse(yaml: validYAML + "\n  style: contour", name: "m", file: "m.yaml")
        #expect(contour.render.style == "contour")
        #expect(contour.resolvedYAML().contains("  style: contour\n"))
        #expect(try ExperimentManifest.parse(yaml: contour.resolvedYAML(), name: "m", file: "m.yaml").render == contour.render)
    }

    @Test func descriptionIsFileLineColumnMessage() {
        let error = ManifestError(file: "experiments/fig07.yaml", line: 3, column: 14, message: "boom")
        #expect(error.description == "experiments/fig07.yaml:3:14: boom")
        let override = ManifestError(file: "--set grid.samplez=2", line: nil, column: nil, message: "boom")
        #expect(override.description == "--set grid.samplez=2: boom")
    }

    @Test func errorsFromAFileNameThePath() throws {
        let url = packageRoot.appendingPathComponent("experiments/fig07.yaml")
        do {
            _ = try ExperimentManifest.load(contentsOf: url, overrides: ["cell.sigma=-1"])
            Issue.record("negative sigma accepted")
        } catch let error as ManifestError {
            #expect(error.description == "--set cell.sigma=-1: cell.sigma: must be non-negative (got -1)")
        }
    }

    @Test func editDistanceSuggestions() {
        #expect(Suggestions.editDistance("samplez", "samples") == 1)
        #expect(Suggestions.editDistance("", "abc") == 3)
        #expect(Suggestions.editDistance("kitten", "sitting") == 3)
        #expect(Suggestions.closest(to: "formulaton", in: ["formulation", "condition"]) == "formulation")
        #expect(Suggestions.closest(to: "zzzzzz", in: ["sigma", "k"]) == nil)
    }
}
