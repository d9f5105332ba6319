/// Factorizations of matrices that are positive definite (or nonsingular) in exact arithmetic but may not be
/// numerically, near the optimum, where the scalings of the cones span many orders of magnitude: try with
/// `initial` on the diagonal, then with a shift growing from 1e−14 × `scale` by factors of 100 up to
/// 1e−4 × `scale` (`scale`: the largest diagonal entry). Iterative refinement on the unreduced Newton system
/// (`NewtonSystem.solve`) corrects for the shift.
enum GrowingDiagonalShift {
    /// The value of `attempt(shift)` for the first shift with which it does not throw; the last error when
    /// even the largest shift fails.
    static func factor<T>(initial: Double = 0, scale: Double, _ attempt: (Double) throws -> T) throws -> T {
        let unit = max(scale, 1e-300)
        var shift = initial
        while true {
            do {
                return try attempt(shift)
            } catch {
                shift = shift == 0 ? 1e-14 * unit : shift * 100
                if shift > 1e-4 * unit { throw error }
            }
        }
    }
}
