import CellEvaluation
import Foundation
import Manifest
import Pipeline
import Planning
import Render
import Testing

/// The per-sample CSV a figure writes: one line per sample in grid order with its status, only the
/// metric columns its cells have, no wall-clock time, values to the digits `verify` needs; and
/// `verify` reads it back and agrees with a fresh computation.
@Suite(.serialized) struct SampleFileTests {
    /// Every task of `manifest` computed into a fresh outputs folder and its figure written: the
    /// plan, the context (the caller removes its folder) and the text of `samples.csv`.
    func computedAndRendered(_ manifest: ExperimentManifest) throws -> (Plan, PipelineContext, String) {
        let context = temporaryContext()
        let plan = try Plan(manifests: [manifest])
        #expect(runAll(plan, context) == plan.tasks.count)
        #expect(try FigureWriter.write(plan.figures[0], context: context) == .written(missingSamples: 0))
        let folder = context.figureFolder(manifest.name)
        return (plan, context, try String(contentsOf: folder.appendingPathComponent("samples.csv"), encoding: .utf8))
    }

    @Test func samplesHaveTheirStatusAndOnlyTheColumnsTheirCellsHave() throws {
        // Normalized cells with n < d are not computed by design: their rows say so.
        let normalized = try manifest("normalized", cell: "  learned: normalized\n  formulation: relaxed\n  planted: normalized",
                                      metric: "weight_distance", n: "[4, 12]", d: "[6]", samples: 2)
        let (plan, context, text) = try computedAndRendered(normalized)
        defer { try? FileManager.default.removeItem(at: context.outputs) }
        let folder = context.figureFolder("normalized")
        let rows = try CSV.readSamples(text)
        #expect(rows.map { "\($0.n) \($0.d) \($0.sample)" } == ["4 6 0", "4 6 1", "12 6 0", "12 6 1"])
        let header = try #require(text.split(separator: "\n").first).split(separator: ",").map(String.init)
        // Every column is filled somewhere; none of what a normalized convex cell does not have.
        #expect(header.starts(with: ["n", "d", "sample", "status"]))
        for name in ["seconds", "cosine", "holds", "largest_lhs", "test_error"] { #expect(!header.contains(name), "\(header)") }
        for name in header.dropFirst(4) { #expect(rows.contains { $0.values[name] != nil }, "\(name) is empty in every row") }
        #expect(rows[0].status == CellResult.notComputedStatus && rows[0].values.isEmpty)
        #expect(rows[1].status == CellResult.notComputedStatus && rows[1].values.isEmpty)
        // Computed rows carry the cached status and the cached metrics to the digits asked for.
        let cell = try #require(plan.figures[0].panels[0].cells.first { $0.n == 12 })
        let digits = FigureWriter.sampleDigits(kind: .convex)
        for (row, digest) in zip(rows.suffix(2), cell.samples) {
            let cached = try #require(context.result(digest.hex))
            #expect(row.status == cached.status)
            for (name, value) in row.values {
                let exact = try #require(cached.metrics[name])
                guard let k = digits[name] else {
                    #expect(value == exact, "\(name)")
                    continue
                }
                var bound = 5.0
                for _ in 0..<k { bound /= 10 }
                #expect(abs(value - exact) <= bound * abs(exact), "\(name): \(value) for \(exact)")
            }
        }
        // The provenance counts the statuses; the gallery names those that are not a normal ending.
        var provenance = try #require(FigureProvenance.read(folder))
        #expect(provenance.statuses == Dictionary(rows.map { ($0.status, 1) }, uniquingKeysWith: +))
        provenance.statuses = ["solved": 10, "notComputed": 4, "evaluated": 1, "trained": 2]
        #expect(provenance.unusualStatuses == nil)
        provenance.statuses = ["solved": 10, "numericalError": 1, "maxIterations": 3, "diverged": 1]
        #expect(provenance.unusualStatuses == "3 maxIterations, 1 diverged, 1 numericalError")
        // Recomputed afresh, every sample (the blank ones too) agrees with what was written.
        let report = try FigureVerifier.verify(figuresFolder: context.outputs.appendingPathComponent("figures"), budget: 600)
        #expect(report.checked == 4)
        #expect(report.differences.isEmpty, "\(report.differences)")
        // Rendering again from the cache gives the same bytes.
        #expect(try FigureWriter.write(plan.figures[0], context: context, force: true) == .written(missingSamples: 0))
        #expect(try String(contentsOf: folder.appendingPathComponent("samples.csv"), encoding: .utf8) == text)
    }

    @Test func aDivergedTrainingShowsItsStatusAndEpoch() throws {
        let training = try manifest("diverging", cell: "  learned: skip\n  formulation: gd\n  planted: linear\n  training: {epochs: 5, learning_rate: 1e300}",
                                    metric: "test_error", n: "[10]", d: "[5]", samples: 1)
        let (_, context, text) = try computedAndRendered(training)
        defer { try? FileManager.default.removeItem(at: context.outputs) }
        let folder = context.figureFolder("diverging")
        #expect(text.hasPrefix("n,d,sample,status,diverged_epoch\n10,5,0,diverged,"), "\(text)")
        #expect(FigureProvenance.read(folder)?.unusualStatuses == "1 diverged")
        let report = try FigureVerifier.verify(figuresFolder: context.outputs.appendingPathComponent("figures"), budget: 600)
        #expect(report.checked == 1 && report.differences.isEmpty, "\(report.differences)")
    }
}
