/// A source of random variates. The data generators and initialisers draw only through this
/// protocol, so another stream (e.g. NumPy's legacy MT19937 with polar Gaussians, to replay
/// published runs) can be plugged in without touching them.
///
/// It is a class protocol: a stream has identity, and two generators handed the same source
/// continue one sequence (as a single global NumPy stream would).
public protocol VariateSource: AnyObject {
    /// The next 64 uniformly random bits.
    func nextUInt64() -> UInt64
    /// The next standard normal variate N(0, 1).
    func nextNormal() -> Double
}

extension VariateSource {
    /// A uniform variate in [0, 1) with 53 random bits: `(bits >> 11) · 2⁻⁵³`.
    public func nextUniform() -> Double {
        Double(nextUInt64() >> 11) * 0x1.0p-53
    }

    /// A uniform variate in [low, high).
    public func nextUniform(in low: Double, _ high: Double) -> Double {
        low + (high - low) * nextUniform()
    }

    /// `count` standard normal variates, in draw order.
    public func normals(_ count: Int) -> [Double] {
        (0..<count).map { _ in nextNormal() }
    }

    /// `count` uniform variates in [low, high), in draw order.
    public func uniforms(_ count: Int, in low: Double, _ high: Double) -> [Double] {
        (0..<count).map { _ in nextUniform(in: low, high) }
    }
}

/// What a substream of a cell sample is used for. Each purpose gets an independent Philox
/// substream (a distinct counter word), so drawing more for one purpose (e.g. a redraw of X)
/// never shifts the numbers of another (e.g. the test set).
public enum StreamPurpose: UInt64, Sendable, CaseIterable {
    /// X and W* (and their redraws).
    case design = 1
    /// Label noise z.
    case noise = 2
    /// The test set X_test.
    case testSet = 3
    /// Arrangement-pattern directions u.
    case patterns = 4
    /// Network initialisation for non-convex training.
    case initialization = 5
}

/// Hands out the stream for each purpose of one cell sample.
public protocol StreamFactory {
    /// The stream to use for `purpose`. Calling twice for one purpose may return the same
    /// stream object or a fresh one starting at the same place — callers ask once per purpose.
    func stream(for purpose: StreamPurpose) -> VariateSource
}
