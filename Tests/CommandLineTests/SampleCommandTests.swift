import CellData
import Foundation
import InstanceFormat
import LinearAlgebra
import ModelKinds
import Testing

@Suite struct SampleCommandTests {
    @Test func jsonRoundTripsBitForBit() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("cell.json")
        let result = try ToolRunner.run([
            "sample", "--planted", "normalized", "--learned", "normalized", "--formulation", "exact",
            "--n", "40", "--d", "12", "--sample", "3", "--sigma", "0.1", "--data", "cubic", "--json", file.path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let instance = try ProblemInstance.read(from: file)
        let spec = CellDataSpec(planted: .normalized, design: .cubic, plantedWeights: .gaussian, k: 2, sigma: 0.1,
                                n: 40, d: 12, sample: 3)
        let cell = try CellSample.generate(spec)
        #expect(instance.model == .normalized && instance.formulation == .exact)
        #expect(instance.n == 40 && instance.d == 12)
        #expect(instance.X.joined().map(\.bitPattern) == cell.x.rowArrays.joined().map(\.bitPattern))
        #expect(instance.y.map(\.bitPattern) == cell.y.map(\.bitPattern))
        #expect(instance.planted.joined().map(\.bitPattern) == cell.plantedWeights.storage.map(\.bitPattern))
        #expect(instance.patterns == cell.patterns.patterns.map { $0.map { $0 ? 1 : 0 } })
        let details = try #require(instance.sample)
        #expect(details.k == 2)
        #expect(details.planted_patterns == cell.patterns.plantedIndices)
        #expect(details.all_ones_added == cell.patterns.allOnesAdded)
        #expect(details.X_test.joined().map(\.bitPattern) == cell.xTest.rowArrays.joined().map(\.bitPattern))
        #expect(details.y_test.map(\.bitPattern) == cell.yTest.map(\.bitPattern))
    }

    @Test func printsTheSampleWithoutJSON() throws {
        let result = try ToolRunner.run(["sample", "--planted", "linear", "--learned", "skip", "--n", "6", "--d", "3"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("X (6×3"))
        #expect(result.stdout.contains("planted weights smallest-pc"))
    }

    @Test func badParametersExitWithCode2() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("never.json")
        let result = try ToolRunner.run([
            "sample", "--planted", "normalized", "--learned", "normalized", "--n", "20", "--d", "5",
            "--planted-weights", "opposite-pair", "--k", "3", "--json", file.path,
        ])
        #expect(result.status == 2)
        #expect(result.stderr.contains("opposite-pair"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }

    @Test func helpAndVersion() throws {
        let help = try ToolRunner.run(["--help"])
        #expect(help.status == 0 && help.stdout.contains("sample"))
        let version = try ToolRunner.run(["--version"])
        #expect(version.status == 0 && !version.stdout.isEmpty)
    }
}
