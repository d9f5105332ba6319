import Foundation
import Testing

/// Issue 14: hostile inputs, concurrent runs on one outputs folder, outputs that cannot be written,
/// blocked cache paths, and statuses that must say what happened.
@Suite(.serialized) struct HardeningTests {
    /// One line on standard error, exit code 2, no raw Foundation error text.
    static func expectOneLineInputError(_ r: ToolRunner.Result, _ what: String, mentions: String,
                                        sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 2, "\(what): exit \(r.status) \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.split(separator: "\n").count == 1, "\(what): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(mentions), "\(what): \(r.stderr)", sourceLocation: sourceLocation)
        for raw in ["NSCocoaErrorDomain", "Error Domain", "NSFilePath", "UserInfo"] {
            #expect(!r.stderr.contains(raw) && !r.stdout.contains(raw), "\(what): \(r.stderr)", sourceLocation: sourceLocation)
        }
    }

    // MARK: manifests that are not small UTF-8 text files

    @Test func unreadableManifestsAreOneLineWithThePath() throws {
        let w = try Workspace()
        defer { w.remove() }
        let garbage = w.root.appendingPathComponent("garbage.yaml")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }).write(to: garbage)
        let latin1 = w.root.appendingPathComponent("latin1.yaml")
        try Data("title: \"caf".utf8 + [0xE9] + Data("\"\nmetric: holds\n".utf8)).write(to: latin1)
        let folder = w.root.appendingPathComponent("folder.yaml")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let missing = w.root.appendingPathComponent("missing.yaml")
        for (what, path, mentions) in [("garbage", garbage.path, "garbage.yaml:"), ("invalid UTF-8", latin1.path, "latin1.yaml:1:12: not UTF-8"),
                                       ("directory", folder.path, "folder.yaml: is a directory"),
                                       ("missing", missing.path, "missing.yaml: cannot read the manifest: No such file")] {
            let r = try ToolRunner.run(["plan", path, "--outputs", w.outputs])
            Self.expectOneLineInputError(r, what, mentions: mentions)
        }
        for (what, yaml, mentions) in [("null", "~\n", "got null"), ("list", "- a\n- b\n", "got a list"),
                                       ("scalar", "hello\n", "got 'hello'")] {
            let r = try ToolRunner.run(["plan", try w.write("top.yaml", yaml), "--outputs", w.outputs])
            Self.expectOneLineInputError(r, what, mentions: "top.yaml:1:1: a manifest is a mapping with the keys title, metric")
            #expect(r.stderr.contains(mentions), "\(what): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: w.outputs))
    }

    // MARK: sizes

    @Test func planSizeIsCappedBeforePlanning() throws {
        let w = try Workspace()
        defer { w.remove() }
        let huge = conditionManifest
            .replacingOccurrences(of: "n: [20, 30, 40]", with: "n: {from: 1, to: 100000, step: 1}")
            .replacingOccurrences(of: "d: [5, 10]", with: "d: {from: 1, to: 100000, step: 1}")
        let r = try ToolRunner.run(["plan", try w.write("huge.yaml", huge), "--outputs", w.outputs])
        Self.expectOneLineInputError(r, "10^10 cells", mentions: "--max-tasks")
        let small = try w.write("cond.yaml", conditionManifest)
        Self.expectOneLineInputError(try ToolRunner.run(["plan", small, "--outputs", w.outputs, "--max-tasks", "17"]),
                                     "18 > 17", mentions: "18 cell samples")
        #expect(try ToolRunner.run(["plan", small, "--outputs", w.outputs, "--max-tasks", "18"]).status == 0)
    }

    @Test func cellAndSampleHaveTheManifestLimits() throws {
        let base = ["--planted", "linear", "--learned", "skip", "--formulation", "relaxed"]
        Self.expectOneLineInputError(try ToolRunner.run(["cell"] + base + ["--n", "10000000", "--d", "5"]),
                                     "cell n 10^7", mentions: "--n 10000000: must be at most 100000")
        Self.expectOneLineInputError(try ToolRunner.run(["sample"] + base + ["--n", "20", "--d", "1000000000"]),
                                     "sample d 10^9", mentions: "--d 1000000000: must be at most 100000")
        Self.expectOneLineInputError(try ToolRunner.run(["cell"] + base + ["--n", "100000", "--d", "100000"]),
                                     "cell too large for memory", mentions: "of memory, more than this machine's")
    }

    /// A task too large for the machine fails alone: the other tasks of the run are computed and stored.
    @Test func aTaskTooLargeForMemoryFailsAlone() throws {
        let w = try Workspace()
        defer { w.remove() }
        let m = try w.write("big.yaml", conditionManifest
            .replacingOccurrences(of: "n: [20, 30, 40]", with: "n: [20, 100000]")
            .replacingOccurrences(of: "samples: 3", with: "samples: 1"))
        let r = try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet", "--jobs", "1"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("n = 100000, d = 5 needs about"), "\(r.stderr)")
        #expect(w.entries().count == 2, "the n = 20 tasks were not stored")
        #expect(FileManager.default.fileExists(atPath: w.outputs + "/figures/big/figure.svg"))
    }

    // MARK: concurrent runs

    /// N runs started together on one outputs folder execute the plan's tasks once in total, and give
    /// the same figures as one run alone.
    @Test(arguments: [2, 3]) func concurrentRunsSplitTheWork(runs: Int) throws {
        let w = try Workspace()
        defer { w.remove() }
        let manifest = trainingManifest.replacingOccurrences(of: "epochs: 2000", with: "epochs: 300")
        let m = try w.write("train.yaml", manifest)
        let pipes = (0..<runs).map { _ in Pipe() }
        let processes = try pipes.map { try w.startRun(m, jobs: 1, stdout: $0) }
        let outputs = pipes.map { String(decoding: $0.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
        for p in processes { p.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 }, "\(outputs)")
        let executed = outputs.map { executedCount($0) ?? -1 }
        print("\(runs) concurrent runs of 18 tasks executed \(executed) = \(executed.reduce(0, +)) in total")
        #expect(executed.reduce(0, +) == 18, "\(outputs)")
        #expect(w.entries().count == 18)
        let leases = (try? FileManager.default.contentsOfDirectory(atPath: w.outputs + "/cache/leases")) ?? []
        #expect(leases.isEmpty, "leases left behind: \(leases)")
        let clean = try Workspace()
        defer { clean.remove() }
        let alone = try ToolRunner.run(["run", try clean.write("train.yaml", manifest), "--outputs", clean.outputs, "--quiet"])
        #expect(executedCount(alone.stdout) == 18)
        for file in ["panel.csv", "samples.csv"] {
            let shared = try String(contentsOfFile: w.outputs + "/figures/train/\(file)", encoding: .utf8)
            let single = try String(contentsOfFile: clean.outputs + "/figures/train/\(file)", encoding: .utf8)
            // The per-sample CSV holds no wall-clock time: equal to the byte.
            #expect(shared == single, "\(file)")
        }
    }

    /// A run started while another is under way computes neither what the first finished meanwhile
    /// nor what it is computing.
    @Test func aLaterRunSkipsWhatTheFirstFinished() throws {
        let w = try Workspace()
        defer { w.remove() }
        let m = try w.write("train.yaml", trainingManifest.replacingOccurrences(of: "epochs: 2000", with: "epochs: 300"))
        let firstOut = Pipe(), secondOut = Pipe()
        let first = try w.startRun(m, jobs: 1, stdout: firstOut)
        w.waitForEntries(4, while: first)
        let second = try w.startRun(m, jobs: 1, stdout: secondOut)
        let outputs = [firstOut, secondOut].map { String(decoding: $0.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
        first.waitUntilExit()
        second.waitUntilExit()
        let executed = outputs.map { executedCount($0) ?? -1 }
        print("a run started after 4 of 18 tasks were stored: executed \(executed)")
        #expect(executed.reduce(0, +) == 18, "\(outputs)")
        #expect(executed[1] <= 14, "\(outputs)")
        #expect(w.entries().count == 18)
    }

    // MARK: outputs that cannot be written

    @Test func unwritableOutputsFailBeforeTheFirstTask() throws {
        let w = try Workspace()
        defer { w.remove() }
        let m = try w.write("cond.yaml", conditionManifest)
        let file = w.root.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        let r1 = try ToolRunner.run(["run", m, "--outputs", file.path, "--quiet"])
        Self.expectOneLineInputError(r1, "outputs is a file", mentions: "nothing was computed")
        try FileManager.default.createDirectory(atPath: w.outputs, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: w.outputs + "/cache"))
        let r2 = try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet"])
        Self.expectOneLineInputError(r2, "cache is a file", mentions: "cache")
        #expect(!r2.stdout.contains("executed"))
    }

    /// The latest-pointer folder cannot be written (here: a file in its place): entries are still stored.
    @Test func latestPointersAreBestEffort() throws {
        let w = try Workspace()
        defer { w.remove() }
        let m = try w.write("cond.yaml", conditionManifest)
        try FileManager.default.createDirectory(atPath: w.outputs + "/cache", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: w.outputs + "/cache/latest"))
        let r = try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("FAILED") && !r.stderr.contains("failed"), "\(r.stderr)")
        #expect(w.entries().count == 18)
    }

    /// An entry path that is a folder, or a shard folder that is a file: reported as damaged, moved
    /// aside and recomputed.
    @Test func blockedEntryPathsAreRepaired() throws {
        let w = try Workspace()
        defer { w.remove() }
        let m = try w.write("cond.yaml", conditionManifest)
        #expect(try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet"]).status == 0)
        let entries = w.entries()
        let entriesFolder = w.outputs + "/cache/entries/"
        // One entry replaced by a folder.
        let victim = entriesFolder + entries[0]
        try FileManager.default.removeItem(atPath: victim)
        try FileManager.default.createDirectory(atPath: victim + "/inner", withIntermediateDirectories: true)
        // Another entry's shard folder replaced by a file.
        let otherShard = try #require(entries.first { $0.prefix(2) != entries[0].prefix(2) }.map { String($0.prefix(2)) })
        let inShard = entries.filter { $0.hasPrefix(otherShard + "/") }.count
        try FileManager.default.removeItem(atPath: entriesFolder + otherShard)
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: entriesFolder + otherShard))
        // An up-to-date figure is skipped without opening its entries (issue 12), so the damage is
        // found when the figure is next rendered: here, because one of its files went missing.
        let upToDate = try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet"])
        #expect(executedCount(upToDate.stdout) == 0 && upToDate.stdout.contains("1 unchanged"), "\(upToDate.stdout)")
        try FileManager.default.removeItem(atPath: w.outputs + "/figures/cond/figure.svg")
        let status = try ToolRunner.run(["status", m, "--outputs", w.outputs])
        #expect(!status.stdout.contains("up to date"), "\(status.stdout)")
        let r = try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("damaged"), "\(r.stderr)")
        #expect(executedCount(r.stdout) == 1 + inShard, "\(r.stdout)")
        #expect(w.entries().count == 18)
        let again = try ToolRunner.run(["run", m, "--outputs", w.outputs, "--quiet"])
        #expect(executedCount(again.stdout) == 0 && again.stderr.isEmpty, "\(again.stdout) \(again.stderr)")
    }

    // MARK: statuses

    private func instance(in dir: URL, edit: (inout [String: Any]) -> Void) throws -> URL {
        let url = dir.appendingPathComponent("cell.json")
        let sample = try ToolRunner.run(["sample", "--planted", "linear", "--learned", "skip", "--formulation", "relaxed",
                                         "--n", "20", "--d", "4", "--json", url.path])
        #expect(sample.status == 0, "\(sample.stderr)")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        edit(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        return url
    }

    @Test func zeroDataWithNonzeroLabelsIsPrimalInfeasibleAndItsJSONIsValid() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try instance(in: dir) { object in
            object["X"] = [[Double]](repeating: [0, 0, 0, 0], count: 20)
            object["y"] = [Double](repeating: 1, count: 20)
        }
        let report = dir.appendingPathComponent("result.json")
        let r = try ToolRunner.run(["solve", url.path, "--json", report.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("primalInfeasible"), "\(r.stdout)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        #expect(object["status"] as? String == "primalInfeasible")
    }

    @Test func solveJSONIntoAMissingFolderIsAnError() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try instance(in: dir) { _ in }
        let target = dir.appendingPathComponent("nonexistent/dir/x.json")
        Self.expectOneLineInputError(try ToolRunner.run(["solve", url.path, "--json", target.path]),
                                     "missing folder", mentions: "does not exist")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("nonexistent").path))
    }

    @Test func duplicateJSONKeysAreRejected() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try instance(in: dir) { _ in }
        var text = try String(contentsOf: url, encoding: .utf8)
        text.removeLast()  // the closing brace
        text += ",\"beta\":1e-3,\"beta\":2e-3}"
        try text.write(to: url, atomically: true, encoding: .utf8)
        Self.expectOneLineInputError(try ToolRunner.run(["solve", url.path]), "duplicate key", mentions: "duplicate key \"beta\"")
        let folder = try ToolRunner.run(["solve", dir.path])
        Self.expectOneLineInputError(folder, "directory instance", mentions: "is a directory")
    }

    @Test(arguments: ["1e300", "nan"]) func divergedTrainingIsItsOwnStatus(learningRate: String) throws {
        let r = try ToolRunner.run(["cell", "--planted", "linear", "--learned", "skip", "--formulation", "gd",
                                    "--n", "20", "--d", "5", "--epochs", "30", "--learning-rate", learningRate, "--no-curves"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let result = try #require(object["result"] as? [String: Any])
        #expect(result["status"] as? String == "diverged", "\(r.stdout)")
        let metrics = try #require(result["metrics"] as? [String: Any])
        let epoch = try #require(metrics["diverged_epoch"] as? Double)
        #expect(epoch >= 0 && epoch <= 30)
        #expect((result["note"] as? String)?.contains("epoch") == true)
    }
}
