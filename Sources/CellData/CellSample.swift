import LinearAlgebra
import ModelKinds
import RandomStreams

/// The data of one cell sample (docs/science.md §1): training set, planted weights, test set and patterns.
public struct CellSample: Sendable {
    public let spec: CellDataSpec
    /// n×d design.
    public let x: Matrix
    /// Labels with noise.
    public let y: [Double]
    /// Planted weights W*, d×k with unit-norm columns.
    public let plantedWeights: Matrix
    /// Test design (same size and kind as X, drawn afresh).
    public let xTest: Matrix
    /// Test labels from W*, without noise.
    public let yTest: [Double]
    /// The arrangement patterns of X.
    public let patterns: ArrangementPatterns
}

/// Why a cell sample cannot be generated.
public struct CellDataError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension CellSample {
    /// How many times X and W* (or X_test) may be redrawn because a normalized neuron is all zero.
    public static let maximumRedraws = 1000

    /// Generates the sample of `spec` from its own Philox streams (`spec.streams`).
    public static func generate(_ spec: CellDataSpec) throws -> CellSample {
        try generate(spec, streams: spec.streams)
    }

    /// Generates the sample of `spec` drawing from `streams`.
    ///
    /// Draw order: the design stream gives X (row by row) then W* (when random), repeated while a
    /// `normalized` neuron has ‖relu(X wⱼ)‖ < 1e−10; the noise stream gives z (n draws); the
    /// test stream gives X_test (redrawn likewise); the pattern stream gives p̂ directions.
    public static func generate(_ spec: CellDataSpec, streams: StreamFactory) throws -> CellSample {
        if let problem = spec.validationProblem() { throw CellDataError(problem) }
        let n = spec.n, d = spec.d
        let design = streams.stream(for: .design)
        var drawn: (Matrix, Matrix, [Double])?
        for _ in 0..<maximumRedraws {
            let x = try DesignMatrix.draw(spec.design, n: n, d: d, from: design)
            let w = try PlantedWeights.draw(spec.plantedWeights, x: x, k: spec.k, from: design)
            if let y = Labels.compute(spec.planted, x: x, w: w) { drawn = (x, w, y); break }
        }
        guard let (x, w, clean) = drawn else {
            throw CellDataError("no draw of X and W* gave every normalized neuron a non-zero output in \(maximumRedraws) tries")
        }
        let z = streams.stream(for: .noise).normals(n)
        let noiseScale = spec.sigma / Double(n).squareRoot()
        let y = zip(clean, z).map { $0 + noiseScale * $1 }

        let testStream = streams.stream(for: .testSet)
        var test: (Matrix, [Double])?
        for _ in 0..<maximumRedraws {
            let xt = try DesignMatrix.draw(spec.design, n: n, d: d, from: testStream)
            if let yt = Labels.compute(spec.planted, x: xt, w: w) { test = (xt, yt); break }
        }
        guard let (xTest, yTest) = test else {
            throw CellDataError("no draw of X_test gave every normalized neuron a non-zero output in \(maximumRedraws) tries")
        }

        let directions = ArrangementPatterns.drawDirections(
            count: spec.patternBudget.directionCount(n: n), d: d, from: streams.stream(for: .patterns))
        let plantedFirst = spec.planted == .linear ? Matrix(rows: d, cols: 0) : w
        let patterns = try ArrangementPatterns.build(x: x, planted: plantedFirst, directions: directions)
        return CellSample(spec: spec, x: x, y: y, plantedWeights: w, xTest: xTest, yTest: yTest, patterns: patterns)
    }
}
