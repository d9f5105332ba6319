/// The record of one cell sample: what the solver, trainer or condition did, and every metric of
/// SPEC §4 that applies. A metric that does not apply (or would be meaningless, e.g. after a
/// failed solve) is absent — never 0.
public struct CellResult: Codable, Equatable, Sendable {
    /// `solved`, `primalInfeasible`, `dualInfeasible`, `maxIterations`, `numericalError` (convex);
    /// `trained` (training); `evaluated` (conditions); `notComputed` (normalized with n < d).
    public var status: String
    /// Metric name → value (recovery, weight_distance, test_distance, test_error, other_norm,
    /// cosine, holds, largest_lhs, objective, iterations, seconds).
    public var metrics: [String: Double]
    /// Training loss per epoch (training only).
    public var lossCurve: [Double]?
    /// Test loss per epoch (training only).
    public var testLossCurve: [Double]?
    /// A remark for a person (why not computed, what failed).
    public var note: String?

    public init(status: String, metrics: [String: Double] = [:], lossCurve: [Double]? = nil,
                testLossCurve: [Double]? = nil, note: String? = nil) {
        self.status = status
        self.metrics = metrics
        self.lossCurve = lossCurve
        self.testLossCurve = testLossCurve
        self.note = note
    }

    /// The status of a cell that is blank by definition.
    public static let notComputedStatus = "notComputed"

    /// Whether the cell was deliberately not computed (blank in every output).
    public var isNotComputed: Bool { status == Self.notComputedStatus }

    /// Wall-clock seconds of the computation, when recorded.
    public var seconds: Double? { metrics["seconds"] }
}
