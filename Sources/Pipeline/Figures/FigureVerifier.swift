import CellEvaluation
import Foundation
import Manifest
import Render

/// Recomputes a deterministic sample of the cell samples behind rendered figures and compares them
/// with the figures' per-sample CSVs: so a figure on disk (or in the repository) is shown to come
/// from the code as it is, or to need regenerating.
///
/// What a figure computed is read from its own folder (`manifest.resolved.yaml`), never from
/// `experiments/`, and nothing is read from or written to the cache: every checked sample is
/// evaluated afresh.
public enum FigureVerifier {
    /// How close a recomputed metric must be to the recorded one: |a − b| ≤ absolute + relative·|b|.
    /// The status and the verdicts (`recovery`, `holds`, and `diverged_epoch`) must be equal; `seconds` and `iterations`
    /// are not compared (they depend on the machine and, by one or two, on the BLAS kernel). The
    /// per-sample CSV is written with digits enough to use at most 1 % of `relative`
    /// (`FigureWriter.sampleDigits`).
    public struct Tolerance: Sendable {
        public var absolute: Double
        public var relative: Double
        public init(absolute: Double, relative: Double) {
            self.absolute = absolute
            self.relative = relative
        }
        /// Convex programs and conditions: the solver's stopping tolerances leave ~1e−8.
        public static let exact = Tolerance(absolute: 1e-6, relative: 1e-5)
        /// Training: 400 epochs of AdamW amplify kernel-level rounding.
        public static let training = Tolerance(absolute: 1e-4, relative: 1e-3)
        /// What a convex program's solution defines (distances, test error, other norm, cosine)
        /// where the objective is held to `exact`: when the optimum is not unique (cells with
        /// n ≤ d, ties between patterns), which optimal point the interior-point method reaches
        /// depends on round-off, i.e. on the BLAS kernel (seen: 0.7 % between kernels at n = d = 10).
        public static let convexSolution = Tolerance(absolute: 2e-2, relative: 2e-2)
    }

    /// Metrics of a convex cell that depend on which optimal solution was reached.
    public static let solutionMetrics: Set<String> = ["weight_distance", "test_distance", "test_error", "other_norm", "cosine"]

    /// The tolerance for `metric` of a cell of `kind`.
    static func tolerance(_ metric: String, kind: CellSpec.Kind) -> Tolerance {
        switch kind {
        case .training: return .training
        case .convex where solutionMetrics.contains(metric): return .convexSolution
        default: return .exact
        }
    }

    /// Metrics never compared.
    public static let uncompared: Set<String> = ["seconds", "iterations"]
    /// Metrics compared exactly: the verdicts, and the epoch after which a diverged training's loss
    /// was no longer finite.
    public static let verdicts: Set<String> = ["recovery", "holds", "diverged_epoch"]

    /// One sample to check: where it is drawn and what was recorded.
    struct Candidate {
        let figure: String
        let panelLabel: String
        let spec: CellSpec
        let n: Int
        let d: Int
        let sample: Int
        /// The recorded row; nil when the figure is complete and yet has no row for the sample.
        let recorded: Recorded?
    }

    /// The outcome of a verification.
    public struct Report: Sendable {
        /// Figures whose folder had data to check.
        public var figures: [String] = []
        /// Samples recomputed.
        public var checked = 0
        /// Samples that were candidates but did not fit in the budget.
        public var notReached = 0
        /// One line per sample that differs.
        public var differences: [String] = []
        public var seconds = 0.0
    }

    /// Verifies the figures under `figuresFolder` (all of them, or those named in `only`) within
    /// about `budget` seconds. Samples are taken in a deterministic order that interleaves the
    /// kinds of computation (so cheap and expensive cells are both checked) and, within a kind,
    /// alternates the cheapest and most expensive remaining cells.
    public static func verify(figuresFolder: URL, only: Set<String>? = nil, budget: Double,
                              progress: (String) -> Void = { _ in }) throws -> Report {
        var report = Report()
        var byKind: [String: [Candidate]] = [:]
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: figuresFolder.path)) ?? []).sorted()
        for name in names where only?.contains(name) ?? true {
            let folder = figuresFolder.appendingPathComponent(name)
            guard let yaml = try? String(contentsOf: folder.appendingPathComponent(FigureWriter.manifestName), encoding: .utf8)
            else { continue }
            let manifest = try ExperimentManifest.parse(yaml: yaml, name: name,
                                                        file: folder.appendingPathComponent(FigureWriter.manifestName).path)
            let complete = FileManager.default.fileExists(atPath: folder.appendingPathComponent(FigureWriter.stampName).path)
            let panels = manifest.panels()
            var found = false
            for panel in panels {
                let suffix = FigureWriter.panelSuffix(index: panel.index, of: panels.count)
                guard let text = try? String(contentsOf: folder.appendingPathComponent("samples\(suffix).csv"), encoding: .utf8)
                else { continue }
                found = true
                let rows = try recordedSamples(text, file: "\(name)/samples\(suffix).csv")
                for n in manifest.grid.n {
                    for d in manifest.grid.d {
                        for sample in 0..<manifest.grid.samples {
                            let recorded = rows[SampleSlot(n: n, d: d, sample: sample)]
                            if recorded == nil && !complete { continue }   // no result when rendered: nothing to compare
                            let spec = panel.cell.cellSpec(n: n, d: d, sample: sample)
                            byKind[kindLabel(spec), default: []].append(
                                Candidate(figure: name, panelLabel: panel.label, spec: spec, n: n, d: d, sample: sample,
                                          recorded: recorded))
                        }
                    }
                }
            }
            if found { report.figures.append(name) }
        }
        let order = interleaved(byKind)
        let start = Date()
        var seen = Set<CellSpec>()
        for candidate in order {
            guard seen.insert(candidate.spec).inserted else { continue }
            if Date().timeIntervalSince(start) >= budget {
                report.notReached += 1
                continue
            }
            let result = try CellEvaluator.evaluate(candidate.spec)
            report.checked += 1
            let place = "\(candidate.figure) \(candidate.panelLabel.isEmpty ? "" : candidate.panelLabel + " ")"
                + "n=\(candidate.n) d=\(candidate.d) sample=\(candidate.sample)"
            if let difference = compare(recorded: candidate.recorded, recomputed: result, kind: candidate.spec.kind) {
                report.differences.append("\(place): \(difference)")
            }
            progress("verified \(report.checked) (\(kindLabel(candidate.spec))), \(report.differences.count) differ")
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// What the per-sample CSV recorded for one sample.
    struct Recorded: Equatable {
        let status: String
        let metrics: [String: Double]
    }

    /// Why a recomputed result differs from the recorded row, or nil when it agrees: the status
    /// must be the same, then (unless the cell is not computed by design) the metrics agree as
    /// `tolerance` says.
    static func compare(recorded: Recorded?, recomputed: CellResult, kind: CellSpec.Kind) -> String? {
        guard let recorded else {
            return "no row in the per-sample CSV of a complete figure (now \(recomputed.status))"
        }
        var problems: [String] = []
        if recorded.status != recomputed.status {
            problems.append("status recorded \(recorded.status), now \(recomputed.status)"
                            + (recomputed.note.map { " (\($0))" } ?? ""))
        }
        if recorded.status == CellResult.notComputedStatus || recomputed.isNotComputed {
            return problems.isEmpty ? nil : problems.joined(separator: "; ")
        }
        for name in Set(recorded.metrics.keys).union(recomputed.metrics.keys).sorted() where !uncompared.contains(name) {
            let a = recorded.metrics[name], b = recomputed.metrics[name]
            switch (a, b) {
            case (nil, nil): continue
            case (let a?, nil): problems.append("\(name) recorded \(a), now missing")
            case (nil, let b?): problems.append("\(name) missing, now \(b)")
            case (let a?, let b?):
                if a.isNaN && b.isNaN { continue }
                let t = tolerance(name, kind: kind)
                let agree = verdicts.contains(name) ? a == b : abs(a - b) <= t.absolute + t.relative * abs(a)
                if !agree { problems.append("\(name) recorded \(a), now \(b)") }
            }
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    struct SampleSlot: Hashable {
        let n: Int
        let d: Int
        let sample: Int
    }

    /// The rows of a per-sample CSV (`CSV.readSamples`) by sample; `file` names it in errors.
    static func recordedSamples(_ text: String, file: String) throws -> [SampleSlot: Recorded] {
        let rows: [SampleRow]
        do {
            rows = try CSV.readSamples(text)
        } catch let error as CSV.SampleFileError {
            throw VerificationError(message: "\(file):\(error.line): \(error.message)"
                                    + (error.line == 1 ? "; a file written before statuses were recorded needs `render --force`" : ""))
        }
        var out: [SampleSlot: Recorded] = [:]
        for row in rows {
            out[SampleSlot(n: row.n, d: row.d, sample: row.sample)] = Recorded(status: row.status, metrics: row.values)
        }
        return out
    }

    /// A bad per-sample file.
    public struct VerificationError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    static func kindLabel(_ spec: CellSpec) -> String {
        switch spec.kind {
        case .convex: return "\(spec.learned?.rawValue ?? "")/\(spec.formulation?.rawValue ?? "")"
        case .training: return "\(spec.learned?.rawValue ?? "")/gd"
        case .condition: return spec.condition ?? "condition"
        }
    }

    /// Round-robin over kinds (by name); within a kind, cheapest then most expensive remaining,
    /// ties broken by figure, n, d and sample, so the order is the same on every machine.
    static func interleaved(_ byKind: [String: [Candidate]]) -> [Candidate] {
        var queues: [[Candidate]] = byKind.keys.sorted().map { kind in
            let sorted = byKind[kind]!.sorted {
                ($0.spec.costUnits, $0.figure, $0.n, $0.d, $0.sample) < ($1.spec.costUnits, $1.figure, $1.n, $1.d, $1.sample)
            }
            var alternating: [Candidate] = []
            var low = 0, high = sorted.count - 1
            while low <= high {
                alternating.append(sorted[low])
                if low != high { alternating.append(sorted[high]) }
                low += 1
                high -= 1
            }
            return alternating
        }
        var out: [Candidate] = []
        var index = 0
        while queues.contains(where: { index < $0.count }) {
            for q in queues.indices where index < queues[q].count { out.append(queues[q][index]) }
            index += 1
        }
        queues.removeAll()
        return out
    }
}
