import LinearAlgebra
import ModelKinds
import RandomStreams

extension NetworkParameters {
    /// PyTorch's `nn.Linear` default initialisation, U(−1/√fan_in, 1/√fan_in), drawn from `source`
    /// (docs/science.md §3; use the cell's `StreamPurpose.initialization` substream).
    ///
    /// The layers are those of the reference networks, each an `nn.Linear` without bias:
    /// - first layer W₁ (fan_in d),
    /// - output layer a (fan_in m),
    /// - skip only: w₀ = `Linear(d, 1)` (fan_in d) and α₀ = `Linear(1, 1)` (fan_in 1, so α₀ ~ U(−1, 1)),
    /// - normalized only: γ = 1 (not drawn).
    ///
    /// Draw order, one `nextUniform(in:_:)` per scalar: all of W₁ neuron by neuron (neuron i's d input
    /// weights consecutively — PyTorch's row-major `weight[i, :]`, and column i of our column-major
    /// d×m `firstLayer`), then a₁…a_m, then (skip) w₀'s d entries, then α₀.
    public static func pytorchDefault(shape: NetworkShape, source: VariateSource) -> NetworkParameters {
        var p = NetworkParameters(zerosFor: shape)
        let d = shape.inputDimension, m = shape.width
        let firstBound = 1 / Double(d).squareRoot()
        for k in 0..<(d * m) { p.firstLayer.storage[k] = source.nextUniform(in: -firstBound, firstBound) }
        let outputBound = 1 / Double(m).squareRoot()
        for i in 0..<m { p.outputWeights[i] = source.nextUniform(in: -outputBound, outputBound) }
        switch shape.model {
        case .plain: break
        case .skip:
            for j in 0..<d { p.skipWeights[j] = source.nextUniform(in: -firstBound, firstBound) }
            p.skipScale = source.nextUniform(in: -1, 1)
        case .normalized:
            p.normalizationScales = Array(repeating: 1, count: m)
        }
        return p
    }
}
