import LinearAlgebra
import RandomStreams

/// Draws design matrices X (docs/science.md §1).
public enum DesignMatrix {
    /// Draws an n×d design of `kind`. Entries are drawn row by row (as NumPy's `randn(n, d)` fills).
    public static func draw(_ kind: DesignMatrixKind, n: Int, d: Int, from source: VariateSource) throws -> Matrix {
        let scale = 1 / Double(n).squareRoot()
        var x = Matrix(rows: n, cols: d)
        for i in 0..<n {
            for j in 0..<d { x[i, j] = source.nextNormal() * scale }
        }
        switch kind {
        case .gaussian:
            return x
        case .cubic:
            return x.map { $0 * $0 * $0 }
        case .whitened:
            return try whiten(x)
        case .whitenedCubic:
            return try whiten(x.map { $0 * $0 * $0 })
        }
    }

    /// The orthonormal factor of the thin SVD X = U Σ Vᵀ: U (orthonormal columns) when n ≥ d,
    /// else Vᵀ (orthonormal rows).
    public static func whiten(_ x: Matrix) throws -> Matrix {
        let svd = try SingularValueDecomposition(x, kind: .thin)
        return x.rows >= x.cols ? svd.u : svd.vt
    }
}
