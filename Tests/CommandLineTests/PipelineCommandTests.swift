import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// A small experiments folder for the pipeline commands.
struct Workspace {
    let root: URL
    var outputs: String { root.appendingPathComponent("outputs").path }

    init() throws {
        root = try ToolRunner.temporaryDirectory()
    }

    func write(_ name: String, _ yaml: String) throws -> String {
        let url = root.appendingPathComponent(name)
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func entries() -> [String] {
        let folder = root.appendingPathComponent("outputs/cache/entries")
        return (FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".entry") }.sorted()
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// Starts `neural-recovery run MANIFEST` on this workspace in the background.
    func startRun(_ manifest: String, jobs: Int, stdout: Any = FileHandle.nullDevice) throws -> Process {
        let process = Process()
        process.executableURL = ToolRunner.executable
        process.arguments = ["run", manifest, "--outputs", outputs, "--quiet", "--jobs", "\(jobs)"]
        process.environment = ToolRunner.sameKernelEnvironment
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits (at most a minute) until `count` entries exist or `process` ends.
    func waitForEntries(_ count: Int, while process: Process) {
        let deadline = Date().addingTimeInterval(60)
        while entries().count < count && Date() < deadline && process.isRunning { usleep(20_000) }
    }
}

let trainingManifest = """
    title: "training cells"
    metric: test_error
    cell:
      learned: skip
      formulation: gd
      planted: linear
      training: {epochs: 2000}
    grid:
      n: [40, 50, 60]
      d: [10, 20]
      samples: 3
    """

let conditionManifest = """
    title: "condition cells"
    metric: holds
    cell:
      condition: nnic-k
      planted: plain
      k: 2
    grid:
      n: [20, 30, 40]
      d: [5, 10]
      samples: 3
    render:
      boundary: 0.9
    """

/// "executed N tasks" from a run's summary line.
func executedCount(_ output: String) -> Int? {
    guard let range = output.range(of: #"executed (\d+) task"#, options: .regularExpression) else { return nil }
    return Int(output[range].split(separator: " ")[1])
}

@Suite(.serialized) struct PipelineCommandTests {
    @Test func runRendersThenRunsNothing() throws {
        let w = try Workspace()
        defer { w.remove() }
        let m = try w.write("cond.yaml", conditionManifest)
        let first = try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(executedCount(first.stdout) == 18)
        let folder = w.root.appendingPathComponent("outputs/figures/cond")
        for file in ["figure.svg", "panel.svg", "panel.csv", "samples.csv", "manifest.resolved.yaml"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file)")
        }
        let svg = try Data(contentsOf: folder.appendingPathComponent("figure.svg"))
        #expect(XMLParser(data: svg).parse(), "figure.svg is not well-formed XML")
        let csv = try String(contentsOf: folder.appendingPathComponent("panel.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 1 + 6)
        // The gallery lists the figure, links only to files that exist, and is well-formed.
        let gallery = try Data(contentsOf: w.root.appendingPathComponent("outputs/index.html"))
        let page = String(decoding: gallery, as: UTF8.self)
        #expect(XMLParser(data: Data(page.replacingOccurrences(of: "<!DOCTYPE html>\n", with: "").utf8)).parse())
        #expect(page.contains("<section id=\"cond\">") && page.contains("condition nnic-k") && page.contains("holds ≥ 0.5"))
        #expect(!page.contains("Incomplete"))
        for match in page.matches(of: /(?:src|href)="(figures\/[^"]+)"/) {
            #expect(FileManager.default.fileExists(atPath: w.root.appendingPathComponent("outputs/" + String(match.1)).path),
                    "gallery link \(match.1)")
        }
        // Provenance: what produced the figure. A copy of the figures without the cache (a fresh
        // clone of the repository) is complete by its render stamp; after a manifest edit the
        // provenance says why the rendered figure is stale.
        let provenance = try String(contentsOf: folder.appendingPathComponent("provenance.json"), encoding: .utf8)
        #expect(provenance.contains("\"samples\" : 18") && provenance.contains("\"missingSamples\" : 0")
                && provenance.contains("\"IsometryConditions\"") && provenance.contains("\"Render\"")
                && provenance.contains("\"statuses\" : {\n    \"evaluated\" : 18\n  }"), "\(provenance)")
        let clone = w.root.appendingPathComponent("clone/outputs/figures")
        try FileManager.default.createDirectory(at: clone, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: folder, to: clone.appendingPathComponent("cond"))
        let cloned = try ToolRunner.run(["status", m, "--outputs", clone.deletingLastPathComponent().path])
        #expect(cloned.stdout.contains("cond: complete"), "\(cloned.stdout)")
        let edited = try w.write("cond.yaml", conditionManifest.replacingOccurrences(of: "samples: 3", with: "samples: 4"))
        let changed = try ToolRunner.run(["status", edited, "--outputs", clone.deletingLastPathComponent().path])
        #expect(changed.stdout.contains("is stale: manifest changed"), "\(changed.stdout)")
        _ = try w.write("cond.yaml", conditionManifest)
        let second = try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet"])
        #expect(second.status == 0)
        #expect(executedCount(second.stdout) == 0)
        #expect(second.stdout.contains("1 unchanged"))
        let status = try ToolRunner.run(["status", m, "--outputs", w.outputs])
        #expect(status.stdout.contains("cond: complete"))
    }

    @Test func packOnlyKeepsEveryEntryAndPacksTheLooseOnes() throws {
        let w = try Workspace()
        defer { w.remove() }
        let m = try w.write("cond.yaml", conditionManifest)
        #expect(try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet"]).status == 0)
        #expect(w.entries().count == 18)
        // Below the threshold nothing happens.
        let below = try ToolRunner.run(["gc", "--pack-only", "--min-loose", "100", "--outputs", w.outputs])
        #expect(below.status == 0 && below.stdout.isEmpty && w.entries().count == 18, "\(below.stdout)")
        // An entry of another manifest (not named here) is kept too: --pack-only removes nothing.
        let packed = try ToolRunner.run(["gc", "--pack-only", "--outputs", w.outputs])
        #expect(packed.status == 0 && packed.stdout.contains("packed 18 entries (18 were loose)"), "\(packed.stdout) \(packed.stderr)")
        #expect(w.entries().isEmpty)
        try FileManager.default.removeItem(atPath: w.outputs + "/figures/cond/figure.svg")
        let again = try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet"])
        #expect(executedCount(again.stdout) == 0 && again.stdout.contains("rendered 1 figure"), "\(again.stdout) \(again.stderr)")
    }

    /// A figure computed over several sittings: each sitting's new samples are packed under
    /// in-progress/<figure>/ by `carry`, and a fresh outputs folder given those packs
    /// (tools/carry-packs.sh, as `make figures` does) computes only what is still missing.
    @Test func carryPacksEachSittingsNewSamples() throws {
        let w = try Workspace()
        defer { w.remove() }
        let m = try w.write("cond.yaml", conditionManifest)
        let inProgress = w.root.appendingPathComponent("in-progress").path
        let folder = w.root.appendingPathComponent("in-progress/cond")
        func carry(_ outputs: String) throws -> ToolRunner.Result {
            try ToolRunner.run(["carry", m, "--outputs", outputs, "--in-progress", inProgress])
        }
        // Sitting 1: a third of the samples.
        #expect(try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet", "--shard", "1/3"]).status == 0)
        let first = w.entries().count
        #expect(first > 0 && first < 18)
        let one = try carry(w.outputs)
        #expect(one.status == 0 && one.stdout.contains("cond: carried \(first) cell samples into \(folder.path)/cond-part-1.pack; "
                                                      + "\(first) of 18 carried in all, \(18 - first) still to compute"),
                "\(one.stdout) \(one.stderr)")
        let again = try carry(w.outputs)
        #expect(again.status == 0 && again.stdout.contains("nothing new to carry (\(first) of 18"), "\(again.stdout)")
        // Sitting 2: another third; only its samples go into part 2.
        #expect(try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet", "--shard", "2/3"]).status == 0)
        let second = w.entries().count
        #expect(second > first && second < 18)
        let two = try carry(w.outputs)
        #expect(two.status == 0 && two.stdout.contains("carried \(second - first) cell samples into \(folder.path)/cond-part-2.pack; "
                                                      + "\(second) of 18 carried in all"), "\(two.stdout) \(two.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files == ["cond-part-1.index", "cond-part-1.pack", "cond-part-2.index", "cond-part-2.pack"], "\(files)")
        // Sitting 3, on a fresh outputs folder: the carried packs join its cache and only the rest runs.
        let fresh = w.root.appendingPathComponent("fresh").path
        let script = ToolRunner.packageRoot.appendingPathComponent("tools/carry-packs.sh").path
        let copy = Process()
        copy.executableURL = URL(fileURLWithPath: "/bin/bash")
        copy.arguments = [script, fresh, inProgress]
        copy.standardOutput = FileHandle.nullDevice
        try copy.run()
        copy.waitUntilExit()
        #expect(copy.terminationStatus == 0)
        let rest = try ToolRunner.run(["run", m, "--outputs", fresh, "--quiet"])
        #expect(rest.status == 0 && executedCount(rest.stdout) == 18 - second, "\(rest.stdout) \(rest.stderr)")
        // Complete: nothing is packed, and the message says what to do instead.
        let done = try carry(fresh)
        #expect(done.status == 0 && done.stdout.contains("cond: complete (18 cell samples in the cache): nothing carried")
                && done.stdout.contains("remove \(folder.path)"), "\(done.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 4)
        // Without a manifest: an input error (carrying every figure of experiments/ is never meant).
        let bare = try ToolRunner.run(["carry", "--outputs", w.outputs])
        #expect(bare.status == 2 && bare.stderr.contains("name the manifests of the figures to carry"), "\(bare.stderr)")
    }

    @Test func verifyRecomputesAndNamesTheSamplesThatDiffer() throws {
        let w = try Workspace()
        defer { w.remove() }
        let m = try w.write("cond.yaml", conditionManifest)
        #expect(try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet"]).status == 0)
        let agree = try ToolRunner.run(["verify", "--outputs", w.outputs, "--budget", "60", "--quiet"])
        #expect(agree.status == 0, "\(agree.stdout) \(agree.stderr)")
        #expect(agree.stdout.contains("verified 18 cell samples of 1 figures") && agree.stdout.contains("all agree"), "\(agree.stdout)")
        // A figure is named by its folder or by its manifest's path; an unknown name is an input error naming what exists.
        let byPath = try ToolRunner.run(["verify", m, "--outputs", w.outputs, "--budget", "60", "--quiet"])
        #expect(byPath.status == 0 && byPath.stdout.contains("of 1 figures"), "\(byPath.stdout) \(byPath.stderr)")
        let unknown = try ToolRunner.run(["verify", "fig99", "--outputs", w.outputs, "--quiet"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no rendered figure 'fig99'") && unknown.stderr.contains("cond"),
                "\(unknown.stderr)")
        // Flip one recorded verdict: verify must name that sample and exit 1.
        let csv = w.root.appendingPathComponent("outputs/figures/cond/samples.csv")
        var lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        // Only the columns a condition has, each sample's status, no wall-clock time.
        #expect(header == ["n", "d", "sample", "status", "holds", "largest_lhs"], "\(header)")
        #expect(lines.dropFirst().filter { !$0.isEmpty }.allSatisfy { $0.split(separator: ",")[3] == "evaluated" })
        let column = try #require(header.firstIndex(of: "holds"))
        var fields = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[column] = fields[column] == "1" ? "0" : "1"
        lines[1] = fields.joined(separator: ",")
        try lines.joined(separator: "\n").write(to: csv, atomically: true, encoding: .utf8)
        let differ = try ToolRunner.run(["verify", "--outputs", w.outputs, "--budget", "60", "--quiet"])
        #expect(differ.status == 1)
        #expect(differ.stdout.contains("1 differ"), "\(differ.stdout)")
        #expect(differ.stdout.contains("differs: cond n=\(fields[0]) d=\(fields[1]) sample=\(fields[2]): holds recorded"), "\(differ.stdout)")
        // A status that is not the one recomputed is named too.
        fields[column] = fields[column] == "1" ? "0" : "1"
        fields[3] = "maxIterations"
        lines[1] = fields.joined(separator: ",")
        try lines.joined(separator: "\n").write(to: csv, atomically: true, encoding: .utf8)
        let status = try ToolRunner.run(["verify", "--outputs", w.outputs, "--budget", "60", "--quiet"])
        #expect(status.status == 1)
        #expect(status.stdout.contains("sample=\(fields[2]): status recorded maxIterations, now evaluated"), "\(status.stdout)")
        // Unreadable figure data is a one-line input error.
        try "garbage\n".write(to: csv, atomically: true, encoding: .utf8)
        let bad = try ToolRunner.run(["verify", "--outputs", w.outputs, "--quiet"])
        #expect(bad.status == 2 && bad.stderr.contains("not a per-sample CSV"), "\(bad.stderr)")
    }

    @Test func killedRunLosesNothingFinished() throws {
        let w = try Workspace()
        defer { w.remove() }
        let m = try w.write("train.yaml", trainingManifest)
        let process = try w.startRun(m, jobs: 2)
        w.waitForEntries(4, while: process)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let survivors = w.entries()
        #expect(survivors.count >= 4)
        #expect(survivors.count < 18, "the run finished before it could be killed")
        let rerun = try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(!rerun.stderr.contains("damaged"), "\(rerun.stderr)")
        #expect(executedCount(rerun.stdout) == 18 - survivors.count)
        #expect(w.entries().count == 18)
        let again = try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet"])
        #expect(executedCount(again.stdout) == 0)
    }

    @Test func ctrlCStopsCleanlyAndKeepsFinishedTasks() throws {
        let w = try Workspace()
        defer { w.remove() }
        let m = try w.write("train.yaml", trainingManifest)
        let out = Pipe()
        let process = try w.startRun(m, jobs: 1, stdout: out)
        w.waitForEntries(2, while: process)
        kill(process.processIdentifier, SIGINT)
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "\(text)")
        #expect(text.contains("interrupted"))
        let kept = w.entries().count
        #expect(kept >= 2 && kept < 18)
        let rerun = try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet"])
        #expect(rerun.status == 0)
        #expect(executedCount(rerun.stdout) == 18 - kept)
    }

    @Test func twoConcurrentRunsShareOneCache() throws {
        let w = try Workspace()
        defer { w.remove() }
        let m = try w.write("cond.yaml", conditionManifest)
        let processes = try (0..<2).map { _ in try w.startRun(m, jobs: 1) }
        for p in processes { p.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        #expect(w.entries().count == 18)
        let after = try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet"])
        #expect(executedCount(after.stdout) == 0)
        #expect(!after.stderr.contains("damaged"))
        // The result equals a clean single-process run.
        let clean = try Workspace()
        defer { clean.remove() }
        let m2 = try clean.write("cond.yaml", conditionManifest)
        _ = try ToolRunner.run(["run", m2, "--outputs", clean.outputs, "--quiet"])
        let a = try String(contentsOfFile: w.outputs + "/figures/cond/panel.csv", encoding: .utf8)
        let b = try String(contentsOfFile: clean.outputs + "/figures/cond/panel.csv", encoding: .utf8)
        #expect(a == b)
    }

    @Test func badManifestsGiveOneLineAndWriteNothing() throws {
        let w = try Workspace()
        defer { w.remove() }
        let cases: [(String, String)] = [
            ("unknown key", conditionManifest.replacingOccurrences(of: "samples: 3", with: "sampels: 3")),
            ("wrong type", conditionManifest.replacingOccurrences(of: "samples: 3", with: "samples: many")),
            ("empty range", conditionManifest.replacingOccurrences(of: "n: [20, 30, 40]", with: "n: {from: 40, to: 20, step: 10}")),
            ("metric", conditionManifest.replacingOccurrences(of: "metric: holds", with: "metric: test_error")),
            ("enum", conditionManifest.replacingOccurrences(of: "planted: plain", with: "planted: cubic")),
            ("missing", conditionManifest.replacingOccurrences(of: "metric: holds\n", with: "")),
            ("both", conditionManifest.replacingOccurrences(of: "  k: 2", with: "  k: 2\n  formulation: relaxed\n  learned: skip")),
            ("yaml", conditionManifest.replacingOccurrences(of: "samples: 3", with: "samples: [3")),
            ("duplicate", conditionManifest.replacingOccurrences(of: "samples: 3", with: "samples: 3\n  samples: 4")),
            ("step", conditionManifest.replacingOccurrences(of: "n: [20, 30, 40]", with: "n: {from: 20, to: 40, step: 0}")),
            ("opposite", trainingManifest.replacingOccurrences(of: "planted: linear", with: "planted: normalized\n  planted_weights: opposite-pair\n  k: 3")),
        ]
        for (name, yaml) in cases {
            let path = try w.write("bad.yaml", yaml)
            let r = try ToolRunner.run(["run", path, "--outputs", w.outputs])
            #expect(r.status == 2, "\(name): exit \(r.status)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(name): \(r.stderr)")
            #expect(r.stderr.contains("bad.yaml:"), "\(name): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: w.outputs), "\(name) wrote outputs")
        }
        let good = try w.write("good.yaml", conditionManifest)
        let badSet = try ToolRunner.run(["plan", good, "--set", "grid.samplez=2", "--outputs", w.outputs])
        #expect(badSet.status == 2 && badSet.stderr.contains("grid.samples"))
    }

    @Test func estimateSamplesKeepsWhatItComputedAndChecksItsOptions() throws {
        let w = try Workspace()
        defer { w.remove() }
        let m = try w.write("cond.yaml", conditionManifest)
        // No time for follow-up rounds: only the first sample (2 per stratum, topped up to 4 for the kind).
        let first = try ToolRunner.run(["plan", m, "--estimate", "--jobs", "2", "--sample-seconds", "0", "--outputs", w.outputs])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(!first.stderr.contains("more for"))
        #expect(first.stdout.contains("estimate: ") && first.stdout.contains("of CPU"))
        guard let range = first.stdout.range(of: #"after the (\d+) sampled"#, options: .regularExpression),
              let sampled = Int(first.stdout[range].split(separator: " ")[2]) else {
            Issue.record("no sample count in: \(first.stdout)")
            return
        }
        #expect(sampled == 4)
        // What the sample computed is in the cache: the next run does only the rest.
        #expect(w.entries().count == sampled)
        #expect(first.stdout.contains("to run:    \(18 - sampled)"))
        // Again, with time for follow-up rounds: a new first sample, and follow-ups while the rate is uncertain
        // (with tasks this small, possibly all that is left); the count of tasks to run says what is left.
        let again = try ToolRunner.run(["plan", m, "--estimate", "--jobs", "2", "--precision", "0.25", "--outputs", w.outputs])
        #expect(again.status == 0, "\(again.stderr)")
        let cached = w.entries().count
        #expect(cached >= 2 * sampled)
        #expect(again.stdout.contains("to run:    \(18 - cached)"))
        for bad in [["--precision", "0.2"], ["--sample-seconds=-1"]] {
            let r = try ToolRunner.run(["plan", m, "--estimate", "--outputs", w.outputs] + bad)
            #expect(r.status == 2 && r.stderr.contains(bad[0].prefix(16)), "\(bad): \(r.stderr)")
        }
    }

    @Test func explainSaysWhy() throws {
        let w = try Workspace()
        defer { w.remove() }
        let m = try w.write("cond.yaml", conditionManifest)
        let before = try ToolRunner.run(["explain", m, "--outputs", w.outputs, "--cell", "20,5,1"])
        #expect(before.status == 0)
        #expect(before.stdout.contains("no entry"))
        _ = try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet"])
        let after = try ToolRunner.run(["explain", m, "--outputs", w.outputs, "--cell", "20,5,1"])
        #expect(after.stdout.contains(": cached"))
        let changed = try ToolRunner.run(["explain", m, "--outputs", w.outputs, "--set", "cell.k=3"])
        #expect(changed.stdout.contains("- ") && changed.stdout.contains("k: 3"), "\(changed.stdout)")
    }
}
