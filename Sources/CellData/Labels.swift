import LinearAlgebra
import ModelKinds

/// Labels of the planted model (docs/science.md §1), without noise.
public enum Labels {
    /// The smallest ‖relu(X wⱼ)‖ a `normalized` planted neuron may have before the data are redrawn.
    public static let minimumNormalizedNorm = 1e-10

    /// y for `planted` with weights `w` (d×k), or nil when a `normalized` neuron has
    /// ‖relu(X wⱼ)‖ < 1e−10 (the caller redraws; no division by a zero norm ever happens).
    public static func compute(_ planted: PlantedModel, x: Matrix, w: Matrix) -> [Double]? {
        let xw = x * w  // n×k
        var y = [Double](repeating: 0, count: x.rows)
        for j in 0..<w.cols {
            let column = xw.column(j)
            switch planted {
            case .linear:
                for i in 0..<y.count { y[i] += column[i] }
            case .plain:
                for i in 0..<y.count { y[i] += max(column[i], 0) }
            case .normalized:
                let r = column.map { max($0, 0) }
                let norm = Vector.norm(r)
                if !(norm >= minimumNormalizedNorm) { return nil }
                for i in 0..<y.count { y[i] += r[i] / norm }
            }
        }
        return y
    }
}
