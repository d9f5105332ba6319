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
            // Full SVD so that n < d gives null-space directions (singular value 0) as well.
            let svd = try SingularValueDecomposition(x, kind: .full)
            for j in 0..<k {
                let row = d - 1 - j
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
