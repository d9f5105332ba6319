import Foundation
import InstanceFormat
import Testing

@Suite struct InstanceFormatTests {
    func instance(_ mutate: (inout [String: Any]) -> Void) throws -> Data {
        var object: [String: Any] = [
            "format": "neural-recovery-instance/1", "model": "skip", "formulation": "relaxed", "beta": NSNull(),
            "n": 2, "d": 1, "X": [[1.0], [2.0]], "y": [1.0, 2.0], "patterns": [[1, 0]], "planted": [[1.0]],
        ]
        mutate(&object)
        return try JSONSerialization.data(withJSONObject: object)
    }

    @Test func acceptsAWellFormedInstance() throws {
        let i = try ProblemInstance.decode(try instance { _ in }, source: "ok.json")
        #expect(i.n == 2 && i.beta == nil)
    }

    @Test func rejectsInconsistentFilesWithOneLine() throws {
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("X has 1 rows", { $0["X"] = [[1.0]] }),
            ("y has 3 entries", { $0["y"] = [1.0, 2.0, 3.0] }),
            ("pattern 0 has entry 2", { $0["patterns"] = [[1, 2]] }),
            ("formulation", { $0["formulation"] = "loose" }),
            ("missing key \"y\"", { $0.removeValue(forKey: "y") }),
            ("beta", { $0["formulation"] = "approx" }),
            ("format", { $0["format"] = "other/1" }),
        ]
        for (expected, mutate) in cases {
            do {
                _ = try ProblemInstance.decode(try instance(mutate), source: "bad.json")
                Issue.record("accepted a bad instance (\(expected))")
            } catch let error as InstanceError {
                #expect(error.message.hasPrefix("bad.json: "))
                #expect(error.message.contains(expected), "\(error.message)")
                #expect(!error.message.contains("\n"))
            }
        }
    }
}
