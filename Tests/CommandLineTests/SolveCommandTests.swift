import Foundation
import Testing

/// `neural-recovery solve`: the JSON report scripts read, and one-line errors with exit code 2.
@Suite struct SolveCommandTests {
    @Test func writesTheReportAsJSON() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let instance = dir.appendingPathComponent("cell.json"), report = dir.appendingPathComponent("result.json")
        let sample = try ToolRunner.run([
            "sample", "--planted", "linear", "--learned", "skip", "--formulation", "relaxed",
            "--n", "60", "--d", "6", "--json", instance.path,
        ])
        #expect(sample.status == 0, "\(sample.stderr)")
        let result = try ToolRunner.run(["solve", instance.path, "--json", report.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("solved"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        #expect(object["status"] as? String == "solved")
        for key in ["objective", "dual_objective", "iterations", "seconds", "residuals", "solution", "size"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect((object["equality_dual"] as? [Double])?.count == 60)
        let solution = try #require(object["solution"] as? [String: Any])
        #expect((solution["w0"] as? [Double])?.count == 6)
    }

    /// A sampled instance with one row of X cut short: the error names the file and X, nothing is written.
    @Test func malformedInstanceIsOneLineAndExitCode2() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let instance = dir.appendingPathComponent("bad.json"), report = dir.appendingPathComponent("result.json")
        let sample = try ToolRunner.run([
            "sample", "--planted", "linear", "--learned", "skip", "--n", "20", "--d", "4", "--json", instance.path,
        ])
        #expect(sample.status == 0, "\(sample.stderr)")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: instance)) as? [String: Any])
        var rows = try #require(object["X"] as? [[Double]])
        rows[3] = [1.0]
        object["X"] = rows
        try JSONSerialization.data(withJSONObject: object).write(to: instance)
        let result = try ToolRunner.run(["solve", instance.path, "--json", report.path])
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("bad.json") && result.stderr.contains("X"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: report.path))
    }
}
