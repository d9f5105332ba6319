import Foundation
import Testing
@testable import Manifest

/// Issue 14: manifests that crashed, hung or exhausted memory, and values accepted silently.
@Suite struct HostileManifestTests {
    static func billionLaughs(levels: Int) -> String {
        var lines = ["a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]"]
        for level in 1..<levels {
            let previous = "*a\(level - 1)"
            lines.append("a\(level): &a\(level) [" + Array(repeating: previous, count: 9).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func aliasExpansionIsBounded() throws {
        let error = try #require(loadError(Self.billionLaughs(levels: 10)))
        #expect(error.description.hasPrefix("bad.yaml:"), "\(error)")
        #expect(error.message.contains("more than \(InputLimits.nodes) YAML nodes"), "\(error)")
        // A few aliases are fine (the limit counts expansions, not the feature).
        let reused = validYAML.replacingOccurrences(of: "  d: [10, 20]", with: "  d: &dims [10, 20]")
        #expect(loadError(reused) == nil)
    }

    @Test(arguments: deepCases)
    func deepNestingIsRejectedNotACrash(_ deep: DeepCase) throws {
        let (name, yaml) = (deep.name, deep.yaml)
        let error = try #require(loadError(yaml), "\(name) loaded")
        #expect(error.description.hasPrefix("bad.yaml:"), "\(name): \(error)")
        #expect(error.message.contains("nesting too deep"), "\(name): \(error)")
    }

    @Test(arguments: rejections)
    func rejected(_ r: Rejection) throws {
        let (name, old, new, prefix, fragment) = (r.name, r.old, r.new, r.prefix, r.fragment)
        #expect(validYAML.contains(old), "\(name): \(old) not in validYAML")
        let error = try #require(loadError(validYAML.replacingOccurrences(of: old, with: new)), "\(name) loaded")
        #expect(error.description.hasPrefix(prefix), "\(name): \(error)")
        #expect(error.description.contains(fragment), "\(name): \(error)")
        #expect(!error.description.contains("\n"))
    }

    @Test func topLevelMustBeAMapping() throws {
        for (yaml, got) in [("~\n", "got null"), ("- a\n- b\n", "got a list"), ("hello\n", "got 'hello'"), ("null\n", "got null")] {
            let error = try #require(loadError(yaml))
            #expect(error.description.hasPrefix("bad.yaml:1:1: a manifest is a mapping with the keys title, metric, cell"), "\(error)")
            #expect(error.message.contains(got), "\(error)")
        }
    }

    @Test func overridesCanSetOneBoundOfARange() throws {
        let manifest = try ExperimentManifest.parse(yaml: validYAML, name: "ok", overrides: ["grid.n.from=20"])
        #expect(manifest.grid.n == [20, 30, 40, 50])
        let listed = validYAML.replacingOccurrences(of: "n: {from: 10, to: 50, step: 10}", with: "n: [10, 20]")
        let error = try #require(loadError(listed, overrides: ["grid.n.from=20"]))
        #expect(error.description == "--set grid.n.from=20: cannot set 'grid.n.from': 'grid.n' in the manifest is a list, not a mapping")
        let unknown = try #require(loadError(validYAML, overrides: ["grid.n.form=20"]))
        #expect(unknown.description.contains("did you mean 'grid.n.from'?"), "\(unknown)")
    }

    @Test func theLimitsAdmitEveryExperiment() throws {
        for url in try manifestFiles() {
            let manifest = try ExperimentManifest.load(contentsOf: url)
            let count = try #require(manifest.cellSampleCount)
            #expect(count <= InputLimits.defaultMaxTasks)
            #expect(InputLimits.nestingUpperBound(try String(contentsOf: url, encoding: .utf8)) <= 4 * InputLimits.nesting)
        }
    }

    @Test func loadingAFileNamesItWithoutFoundationText() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nr-manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.yaml")
        try Data("title: ok\nmetric: \u{1F600}".utf8 + [0xFF, 0xFE] + Data("\n".utf8)).write(to: bad)
        let cases: [(String, String)] = [
            (bad.path, "\(bad.path):2:10: not UTF-8 text"),
            (dir.path, "\(dir.path): is a directory, not a manifest file"),
            (dir.appendingPathComponent("none.yaml").path, "\(dir.path)/none.yaml: cannot read the manifest: No such file or directory"),
            ("/dev/zero", "/dev/zero: not a regular file"),
        ]
        for (path, expected) in cases {
            do {
                _ = try ExperimentManifest.load(path: path)
                Issue.record("\(path) loaded")
            } catch let error as ManifestError {
                #expect(error.description.hasPrefix(expected), "\(error)")
            }
        }
    }
}

struct DeepCase: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    var testDescription: String { name }
}

private let flowLists: String = "title: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n"
private let flowMaps: String = "title: " + String(repeating: "{a: ", count: 3000) + "1" + String(repeating: "}", count: 3000) + "\n"
private let blockMaps: String = (0..<300).map { (i: Int) -> String in String(repeating: " ", count: i) + "k\(i):" }.joined(separator: "\n") + "\n"
private let pastBound: String = "title: " + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "\n"

let deepCases: [DeepCase] = [
    DeepCase(name: "flow lists", yaml: flowLists),
    DeepCase(name: "flow mappings", yaml: flowMaps),
    DeepCase(name: "block mappings", yaml: blockMaps),
    DeepCase(name: "just past the bound", yaml: pastBound),
]

struct Rejection: Sendable, CustomTestStringConvertible {
    let name: String, old: String, new: String, prefix: String, fragment: String
    init(_ name: String, _ old: String, _ new: String, _ prefix: String, _ fragment: String) {
        (self.name, self.old, self.new, self.prefix, self.fragment) = (name, old, new, prefix, fragment)
    }
    var testDescription: String { name }
}

private let seeds: String = (0..<1000).map { (i: Int) -> String in String(i) }.joined(separator: ", ")
private let ks: String = (1...1000).map { (i: Int) -> String in String(i) }.joined(separator: ", ")
private let manyPanels: String = "    sigma: [0, 0.05]\n    seed: [" + seeds + "]\n    k: [" + ks + "]"

let rejections: [Rejection] = [
    Rejection("!!str on a number", "  samples: 3", "  samples: !!str 3", "bad.yaml:14:12: ", "YAML tags are not supported (found '!!str')"),
    Rejection("custom tag", "title: \"A valid manifest\"", "title: !!binary aGVsbG8=", "bad.yaml:1:8: ", "found '!!binary'"),
    Rejection("local tag", "metric: weight_distance", "metric: !mine weight_distance", "bad.yaml:2:9: ", "found '!mine'"),
    Rejection("empty grid", "grid:\n  n: {from: 10, to: 50, step: 10}\n  d: [10, 20]\n  samples: 3\n", "grid:\n", "bad.yaml:11:6: ", "grid: empty"),
    Rejection("n too large", "n: {from: 10, to: 50, step: 10}", "n: [100001]", "bad.yaml:12:7: ", "grid.n: must be at most 100000 (got 100001)"),
    Rejection("d of 10^9", "d: [10, 20]", "d: [1000000000]", "bad.yaml:13:7: ", "grid.d: must be at most 100000"),
    Rejection("n from near Int.max", "n: {from: 10, to: 50, step: 10}", "n: {from: 9223372036854775800, to: 9223372036854775807, step: 1}",
         "bad.yaml:12:13: ", "grid.n.from: must be at most 100000"),
    Rejection("n past Int.max", "n: {from: 10, to: 50, step: 10}", "n: {from: 10, to: 99999999999999999999, step: 1}",
         "bad.yaml:12:21: ", "grid.n.to: 99999999999999999999 is out of range"),
    Rejection("samples 10^15", "samples: 3", "samples: 1000000000000000", "bad.yaml:14:12: ", "grid.samples: must be at most 10000"),
    Rejection("levels 10^9", "  boundary: 0.5", "  levels: 1000000000", "bad.yaml:17:11: ", "render.levels: must be at most 256"),
    Rejection("sweep of 10^12 panels", "    sigma: [0, 0.05]",
         manyPanels,
         "bad.yaml:10:5: ", "more than 1000 panels"),
    Rejection("width 10^9", "  sigma: 0\n", "  sigma: 0\n  training: {width: 1000000000}\n", "bad.yaml:8:21: ", "must be at most 100000"),
    ]
