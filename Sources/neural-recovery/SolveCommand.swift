import ArgumentParser
import ConvexSolver
import Foundation
import TaskCache
import InstanceFormat
import LinearAlgebra
import ModelKinds

/// `neural-recovery solve`: one convex program from an instance file.
struct SolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Solve the convex program of an instance file (docs/science.md §2) with the interior-point solver.",
        discussion: """
        INSTANCE.json is a `neural-recovery-instance/1` file (schema: docs/instance-format.md), written by \
        `neural-recovery sample --json` or one of the examples in examples/instances/. Its `model` and \
        `formulation` select one of the nine programs of docs/science.md §2; `beta` is used by approx.

        Prints the status (solved, primalInfeasible, dualInfeasible, maxIterations, numericalError), \
        the objective, the iteration count, the residuals and the wall-clock seconds. A status other \
        than `solved` means the weights are not an optimal solution. When the solve stopped at its iteration \
        limit or stalled but its last point meets --acceptable-tolerance, the status is `solved` and says so: \
        "solved (stopped at maxIterations, within the acceptable tolerance 1e-08)". With a reference value in \
        the file, the relative difference to it is printed too.

        --json OUT writes {status, accepted_after, objective, dual_objective, equality_dual, iterations, \
        seconds, residuals, size, solution} (accepted_after, present only when the point was accepted \
        at --acceptable-tolerance: the stop, maxIterations or numericalError; equality_dual: the \
        multipliers λ of the n equality rows, for the Lagrangian objective − λᵀ(fit − y), so relaxed has Aᵢᵀλ = wᵢ/‖wᵢ‖ where wᵢ ≠ 0 and approx \
        λ = 2(y − fit); solution: w0 for skip; u and v per pattern for exact/approx, w for relaxed; for \
        normalized also the maps Tᵢ = VᵢΣᵢ⁻¹, column-major) atomically (temp file + rename).

        Non-finite numbers (NaN, ±∞; only with a status other than solved) are written as null. The folder of --json OUT must exist.

        Exit codes: 0 the solve ran (whatever its status), 2 the instance is malformed or inconsistent, or OUT's folder does not exist.

        Examples (from the repository's root):
          neural-recovery solve examples/instances/skip-exact_n40_d10.json
          neural-recovery sample --planted linear --learned skip \\
              --n 60 --d 20 --json cell.json
          neural-recovery solve cell.json --json result.json --threads 2
        """
    )

    @Argument(help: "The instance file (JSON, schema neural-recovery-instance/1).")
    var instance: String

    @Option(name: .long, help: "Write the result as JSON to this file.")
    var json: String?

    @Option(name: .long, help: "BLAS threads (default: leave OpenBLAS's setting).")
    var threads: Int?

    @Option(name: .long, help: "Iteration limit of the interior-point method.")
    var maxIterations: Int = SolverSettings().maxIterations

    @Option(name: .long, help: "Feasibility and duality-gap tolerance (relative; default 1e-9).")
    var tolerance: Double?

    @Option(name: .long, help: ArgumentHelp(
        "Tolerance a point must meet to count as solved when the solve stops at its iteration limit or stalls (default 1e-8; 0: never).",
        discussion: "Same three tests as --tolerance. Near the optimum of dense noisy approx programs round-off stalls the gap at a few 1e-9."))
    var acceptableTolerance: Double = SolverSettings().acceptableTolerance

    @Flag(name: .long, help: "Print one line per interior-point iteration to standard error.")
    var verbose = false

    @Flag(name: .long, help: ArgumentHelp(
        "Solve the whole program at once instead of on a working set of patterns first (programs with 32 patterns or more).",
        discussion: "The answer is the same to the tolerance (both are checked on the whole program); for comparisons."))
    var noWorkingSet = false

    func run() throws {
        let output = try json.map { try OutputFile($0) }
        if let threads {
            guard threads >= 1 else { throw failWithInputError("--threads must be at least 1 (got \(threads))") }
            BLASThreads.set(threads)
        }
        let problem: ProblemInstance
        do {
            problem = try ProblemInstance.read(from: URL(fileURLWithPath: instance))
        } catch let error as InstanceError {
            throw failWithInputError(error.message)
        }
        let program: GroupNormProgram
        do {
            program = try GroupNormProgram(model: problem.model, formulation: problem.formulation,
                                           beta: problem.beta ?? 1e-6, X: Matrix(rowMajor: problem.X), y: problem.y,
                                           patterns: problem.patterns.map { $0.map { $0 == 1 } })
        } catch let error as ProgramError {
            throw failWithInputError("\(instance): \(error.message)")
        }
        var settings = SolverSettings()
        settings.maxIterations = maxIterations
        settings.verbose = verbose
        settings.workingSet = !noWorkingSet
        guard acceptableTolerance >= 0, acceptableTolerance < 1 else {
            throw failWithInputError("--acceptable-tolerance must be in [0, 1) (got \(acceptableTolerance))")
        }
        settings.acceptableTolerance = acceptableTolerance
        if let tolerance {
            guard tolerance > 0, tolerance < 1 else { throw failWithInputError("--tolerance must be in (0, 1) (got \(tolerance))") }
            settings.feasibilityTolerance = tolerance
            settings.gapToleranceAbsolute = tolerance
            settings.gapToleranceRelative = tolerance
        }
        let result = try InteriorPointSolver(settings: settings).solve(program)

        print("instance     \(instance)")
        print("program      \(problem.model.rawValue)/\(problem.formulation.rawValue)  n = \(problem.n)  d = \(problem.d)  patterns = \(problem.patterns.count)")
        let accepted = result.acceptedAfter.map {
            "  (stopped at \($0.rawValue), within the acceptable tolerance \(String(format: "%.0e", settings.acceptableTolerance)))"
        } ?? ""
        print("status       \(result.status.rawValue)\(accepted)")
        print("objective    \(result.objective)")
        if let ref = problem.reference?.objective {
            let rel = abs(result.objective - ref) / max(abs(ref), 1e-300)
            print("reference    \(ref)  (relative difference \(String(format: "%.2e", rel)))")
        }
        print("iterations   \(result.iterations)")
        print(String(format: "residuals    primal %.2e  dual %.2e  gap %.2e  cone %.2e",
                     result.residuals.primalEquality, result.residuals.dual, result.residuals.gap,
                     result.residuals.coneViolation))
        print(String(format: "seconds      %.3f", result.seconds))

        if let output {
            var report = SolveReport(result)
            if try NullSafeJSON.encode(report).hadNonFinite && report.status == SolverStatus.solved.rawValue {
                report.status = SolverStatus.numericalError.rawValue
            }
            try output.write(try NullSafeJSON.encode(report).data)
        }
    }
}

/// The JSON written by `solve --json`.
struct SolveReport: Codable {
    struct Solution: Codable {
        var w0: [Double]?
        var u: [[Double]]?
        var v: [[Double]]?
        var w: [[Double]]?
        var first_layer_maps: [[Double]]?
    }
    var status: String
    var accepted_after: String?
    var objective: Double
    var dual_objective: Double
    var equality_dual: [Double]
    var iterations: Int
    var seconds: Double
    var residuals: SolverResiduals
    var size: ProblemSize
    var solution: Solution

    init(_ r: SolverResult) {
        status = r.status.rawValue
        accepted_after = r.acceptedAfter?.rawValue
        objective = r.objective
        dual_objective = r.dualObjective
        equality_dual = r.equalityDual
        iterations = r.iterations
        seconds = r.seconds
        residuals = r.residuals
        size = r.size
        solution = Solution(w0: r.solution.w0, u: r.solution.u, v: r.solution.v, w: r.solution.w,
                            first_layer_maps: r.solution.firstLayerMaps.isEmpty ? nil : r.solution.firstLayerMaps)
    }
}
