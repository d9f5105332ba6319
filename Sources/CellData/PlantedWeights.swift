import LinearAlgebra
import RandomStreams

/// Draws the planted weights W* (d×k, unit-norm columns; docs/science.md §1).
public enum PlantedWeights {
    public static func draw(_ kind: PlantedWeightsKind, x: Matrix, k: Int, from source: VariateSource) throws -> Matrix {
        let d = x.cols
        var w = Matrix(rows: d, cols: k)
        switch kind {
        case .gaussian:
            // Row by row, as NumPy's randn(d, k).
            for i in 0..<d { for j in 0..<k { w[i, j] = source.nextNormal() } }
        case .smallestPC:
            // Thin SVD (docs/science.md §1, as the authors' code): the k smallest singular values above the
            // numerical-rank tolerance (σ_max·max(n, d)·ε). For n < d these are among the n directions
            // X acts on, never its null space, so the labels are not identically zero.
            let svd = try SingularValueDecomposition(x, kind: .thin)
            let tolerance = SingularValueDecomposition.defaultTolerance(
                singularValues: svd.singularValues, rows: x.rows, cols: d)
            let rank = svd.rank(tolerance: tolerance)
            guard k <= rank else {
                throw CellDataError("planted weights smallest-pc need k ≤ rank X (got k = \(k), rank \(rank))")
            }
            for j in 0..<k {
                let row = rank - 1 - j
                for i in 0..<d { w[i, j] = svd.vt[row, i] }
            }
        case .firstFeatures:
            for j in 0..<k { w[j, j] = 1 }
        case .oppositePair:
            precondition(k == 2, "opposite-pair needs k = 2")
            for i in 0..<d { w[i, 0] = source.nextNormal() }
        }
        for j in 0..<k {
            let norm = Vector.norm(w.column(j))
            if norm > 0 { w.setColumn(j, w.column(j).map { $0 / norm }) }
        }
        if kind == .oppositePair { w.setColumn(1, w.column(0).map { -$0 }) }
        return w
    }
}
