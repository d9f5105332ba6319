import Foundation
import LinearAlgebra
import ModelKinds
import RandomStreams
@testable import Training

/// A deterministic stream for test inputs.
func testStream(_ seed: UInt64) -> PhiloxStream { PhiloxStream(key: (seed, 0x7E57), substream: 9) }

/// An n×d matrix of N(0, 1)/√n entries.
func gaussianMatrix(rows: Int, cols: Int, stream: VariateSource) -> Matrix {
    Matrix(rows: rows, cols: cols, columnMajor: stream.normals(rows * cols).map { $0 / Double(rows).squareRoot() })
}

/// Random weights for `model` with every component perturbed away from its default (γ ≠ 1).
func randomParameters(model: LearnedModel, d: Int, m: Int, stream: VariateSource) -> NetworkParameters {
    let shape = NetworkShape(model: model, inputDimension: d, width: m)
    var p = NetworkParameters.pytorchDefault(shape: shape, source: stream)
    if model == .normalized { p.normalizationScales = stream.uniforms(m, in: 0.5, 1.5) }
    return p
}

/// Loads `Fixtures/<name>`.
func fixtureData(_ name: String) throws -> Data {
    let dir = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return try Data(contentsOf: dir.appendingPathComponent(name))
}

/// Largest relative difference max |a − b| / max(|b|, floor) over two equal-length arrays.
func largestRelativeDifference(_ a: [Double], _ b: [Double], floor: Double = 1e-300) -> Double {
    precondition(a.count == b.count)
    var worst = 0.0
    for (x, y) in zip(a, b) {
        let r = abs(x - y) / max(abs(y), floor)
        if r.isNaN { return .infinity }
        worst = max(worst, r)
    }
    return worst
}

import Testing
