import Foundation
import ModelKinds

/// One convex program in the JSON schema `neural-recovery-instance/1`
/// (`docs/instance-format.md`). `neural-recovery sample --json` writes it,
/// `neural-recovery solve` and the solver tests read it.
///
/// Matrices are stored as in the file: `X` row by row, `patterns` one array of n zeros/ones each,
/// `planted` one array of d numbers per planted neuron (the columns of W*).
public struct ProblemInstance: Codable, Sendable {
    public static let formatTag = "neural-recovery-instance/1"

    public var format: String
    public var model: LearnedModel
    public var formulation: Formulation
    public var beta: Double?
    public var n: Int
    public var d: Int
    public var X: [[Double]]
    public var y: [Double]
    public var patterns: [[Double]]
    public var planted: [[Double]]
    public var reference: Reference?
    /// What `neural-recovery sample` adds beyond the schema (absent in the example instances).
    public var sample: SampleDetails?

    /// The independent solve recorded with an example instance (`examples/instances/`).
    public struct Reference: Codable, Sendable {
        public var solver: String?
        public var status: String?
        public var objective: Double?
        public var solve_seconds: Double?
        public var total_seconds: Double?
        public var w0_distance: Double?
        public var recovered: Bool?
    }

    /// The cell-sample details written by `neural-recovery sample`.
    public struct SampleDetails: Codable, Sendable {
        public var seed: UInt64
        public var sample: Int
        public var planted_model: PlantedModel
        public var data: String
        public var planted_weights: String
        public var k: Int
        public var sigma: Double
        /// For each planted neuron, the index of its pattern in `patterns` (empty for a linear planted model).
        public var planted_patterns: [Int]
        public var all_ones_reachable: Bool
        public var all_ones_added: Bool
        public var X_test: [[Double]]
        public var y_test: [Double]
        public var stream_identity: String

        public init(seed: UInt64, sample: Int, planted_model: PlantedModel, data: String, planted_weights: String,
                    k: Int, sigma: Double, planted_patterns: [Int], all_ones_reachable: Bool, all_ones_added: Bool,
                    X_test: [[Double]], y_test: [Double], stream_identity: String) {
            self.seed = seed; self.sample = sample; self.planted_model = planted_model; self.data = data
            self.planted_weights = planted_weights; self.k = k; self.sigma = sigma
            self.planted_patterns = planted_patterns; self.all_ones_reachable = all_ones_reachable
            self.all_ones_added = all_ones_added; self.X_test = X_test; self.y_test = y_test
            self.stream_identity = stream_identity
        }
    }

    public init(model: LearnedModel, formulation: Formulation, beta: Double?, X: [[Double]], y: [Double],
                patterns: [[Double]], planted: [[Double]], reference: Reference? = nil, sample: SampleDetails? = nil) {
        self.format = Self.formatTag
        self.model = model
        self.formulation = formulation
        self.beta = beta
        self.n = X.count
        self.d = X.first?.count ?? 0
        self.X = X
        self.y = y
        self.patterns = patterns
        self.planted = planted
        self.reference = reference
        self.sample = sample
    }
}

/// Why an instance file cannot be used: one line a user can act on.
public struct InstanceError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension ProblemInstance {
    /// Reads and validates an instance file.
    /// - Throws: `InstanceError` naming the file and the problem.
    public static func read(from url: URL) throws -> ProblemInstance {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw InstanceError("\(url.path): no such file")
        }
        if isFolder.boolValue { throw InstanceError("\(url.path): is a directory, not an instance file") }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw InstanceError("\(url.path): cannot read the file (permission denied?)")
        }
        return try decode(data, source: url.path)
    }

    /// Decodes and validates instance JSON; `source` names it in errors.
    public static func decode(_ data: Data, source: String) throws -> ProblemInstance {
        let instance: ProblemInstance
        do {
            instance = try JSONDecoder().decode(ProblemInstance.self, from: data)
        } catch let error as DecodingError {
            throw InstanceError("\(source): \(Self.describe(error))")
        } catch {
            throw InstanceError("\(source): not valid JSON")
        }
        if let duplicate = DuplicateKeys.first(in: data) {
            throw InstanceError("\(source):\(duplicate.line): duplicate key \"\(duplicate.key)\" (JSON keys must be unique)")
        }
        if let problem = instance.validationProblem() { throw InstanceError("\(source): \(problem)") }
        return instance
    }

    /// Encodes as JSON. Swift prints each `Double` in its shortest form that parses back to the same bits.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// The first inconsistency found, or nil when the instance is usable.
    public func validationProblem() -> String? {
        if format != Self.formatTag { return "format is \"\(format)\", expected \"\(Self.formatTag)\"" }
        if n < 1 || d < 1 { return "n and d must be positive (n = \(n), d = \(d))" }
        if formulation == .gd { return "formulation \"gd\" is not a convex program" }
        if X.count != n { return "X has \(X.count) rows, expected n = \(n)" }
        for (i, row) in X.enumerated() where row.count != d { return "X row \(i) has \(row.count) entries, expected d = \(d)" }
        if y.count != n { return "y has \(y.count) entries, expected n = \(n)" }
        if patterns.isEmpty { return "patterns is empty" }
        for (i, h) in patterns.enumerated() {
            if h.count != n { return "pattern \(i) has \(h.count) entries, expected n = \(n)" }
            if let bad = h.first(where: { $0 != 0 && $0 != 1 }) { return "pattern \(i) has entry \(bad), expected 0 or 1" }
        }
        for (j, w) in planted.enumerated() where w.count != d { return "planted weight \(j) has \(w.count) entries, expected d = \(d)" }
        if formulation == .approx {
            guard let b = beta else { return "formulation approx needs a number beta" }
            if !(b > 0) || !b.isFinite { return "beta must be a positive number (got \(b))" }
        }
        let all = X.joined().map { $0 } + y
        if all.contains(where: { !$0.isFinite }) { return "X and y must be finite numbers" }
        return nil
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ ctx: DecodingError.Context) -> String {
            let p = ctx.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return p.isEmpty ? "top level" : String(p.drop(while: { $0 == "." }))
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            let at = path(ctx)
            return "missing key \"\(key.stringValue)\"" + (ctx.codingPath.isEmpty ? "" : " in \(at)")
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx):
            return "\(path(ctx)): \(ctx.debugDescription)"
        case .dataCorrupted(let ctx):
            return ctx.codingPath.isEmpty ? "not valid JSON (\(ctx.debugDescription))" : "\(path(ctx)): \(ctx.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
