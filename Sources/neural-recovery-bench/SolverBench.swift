import ArgumentParser
import ConvexSolver
import Foundation
import InstanceFormat
import LinearAlgebra

/// `neural-recovery-bench solver`: times the interior-point solver on instance files.
struct SolverBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solver",
        abstract: "Time the convex solver on instance files (neural-recovery-instance/1).",
        discussion: """
        Solves each INSTANCE (a .json file, or every .json file in a folder) once and prints one row per \
        instance: program, n, d, number of patterns, status, objective, iterations, wall-clock seconds \
        (set-up included) and the process's peak resident memory so far (VmHWM, cumulative over the run; \
        for a per-program peak run `neural-recovery solve` under /usr/bin/time -v).

        --json OUT writes the rows (file, program, n, d, patterns, status, objective, iterations, seconds) \
        for bench/peer_cvxpy.py, which compares them with CVXPY + Clarabel on the same files.

        Examples:
          bench/make_instances.sh
          neural-recovery-bench solver bench/instances --json bench/results/ours.json --threads 2
        """
    )

    @Argument(help: "Instance files or folders of them.")
    var instances: [String]

    @Option(name: .long, help: "Write the results as JSON here.")
    var json: String?

    @Option(name: .long, help: "BLAS threads (default: OpenBLAS's own setting).")
    var threads: Int?

    @Option(name: .long, help: "Only files whose name contains this text.")
    var filter: String?

    struct Row: Codable {
        var file: String
        var program: String
        var n: Int
        var d: Int
        var patterns: Int
        var status: String
        var objective: Double
        var iterations: Int
        var seconds: Double
        var peak_rss_mb: Double?
    }

    func run() throws {
        if let threads { BLASThreads.set(max(1, threads)) }
        var files: [URL] = []
        for path in instances {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                throw ValidationError("\(path): no such file or folder")
            }
            if isDir.boolValue {
                let urls = try FileManager.default.contentsOfDirectory(at: URL(fileURLWithPath: path), includingPropertiesForKeys: nil)
                files += urls.filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
            } else {
                files.append(URL(fileURLWithPath: path))
            }
        }
        if let filter { files = files.filter { $0.lastPathComponent.contains(filter) } }
        print("BLAS threads: \(BLASThreads.current)")
        let header = ["instance", "program", "n", "d", "p", "status", "objective", "iter", "seconds", "peakRSS(MB)"]
        print(header.joined(separator: "\t"))
        var rows: [Row] = []
        for url in files {
            let instance = try ProblemInstance.read(from: url)
            let program = try GroupNormProgram(model: instance.model, formulation: instance.formulation,
                                               beta: instance.beta ?? 1e-6, X: Matrix(rowMajor: instance.X), y: instance.y,
                                               patterns: instance.patterns.map { $0.map { $0 == 1 } })
            let result = try InteriorPointSolver().solve(program)
            let rss = Self.peakResidentMegabytes()
            let row = Row(file: url.lastPathComponent, program: "\(instance.model.rawValue)/\(instance.formulation.rawValue)",
                          n: instance.n, d: instance.d, patterns: instance.patterns.count, status: result.status.rawValue,
                          objective: result.objective, iterations: result.iterations, seconds: result.seconds, peak_rss_mb: rss)
            rows.append(row)
            print([row.file, row.program, "\(row.n)", "\(row.d)", "\(row.patterns)", row.status,
                   String(format: "%.10g", row.objective), "\(row.iterations)", String(format: "%.3f", row.seconds),
                   rss.map { String(format: "%.0f", $0) } ?? "-"].joined(separator: "\t"))
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let url = URL(fileURLWithPath: json)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
            let payload = Payload(solver: "neural-recovery interior point", blas_threads: BLASThreads.current, results: rows)
            try encoder.encode(payload).write(to: temp)
            if rename(temp.path, url.path) != 0 { throw ValidationError("\(json): cannot write") }
        }
    }

    struct Payload: Codable {
        var solver: String
        var blas_threads: Int
        var results: [Row]
    }

    /// VmHWM of this process in MB (Linux), nil elsewhere.
    static func peakResidentMegabytes() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let kb = Double(parts[1]) { return kb / 1024 }
        }
        return nil
    }
}
