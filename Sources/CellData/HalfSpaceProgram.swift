import CGLPK
import LinearAlgebra

/// The linear program behind the all-ones decision, solved by GLPK's simplex method.
///
/// For X (n×d) the pair of programs
///
///     (P)  min s     s.t.  X u + s·1 ≥ 0,  1ᵀX u + n s = 1,  s ≥ −1          (u ∈ Rᵈ, s ∈ R)
///     (D)  max t − ν s.t.  Xᵀ(μ + t·1) = 0,  1ᵀμ + n t + ν = 1,  μ ≥ 0, ν ≥ 0  (μ ∈ Rⁿ, t, ν ∈ R)
///
/// are both feasible (u = 0, s = 1/n; μ = 0, t = 0, ν = 1) with equal optima. GLPK solves (D),
/// which has only d + 1 rows, by the dual simplex method; (P)'s u and s are (D)'s row duals.
/// - optimum ≤ 0: X u ≥ −s·1 ≥ 0 and 1ᵀX u = 1 − n s > 0, so X u ≥ 0 with X u ≠ 0;
/// - optimum > 0: t > ν ≥ 0, so λ = μ + t·1 ≥ t·1 > 0 with Xᵀλ = 0 (Stiemke's certificate).
/// The bound s ≥ −1 only keeps (P) bounded when 1 ∈ range X.
///
/// GLPK keeps one environment per thread: `solve` silences its terminal output for the calling
/// thread and frees that thread's environment before returning, so calls from many threads at
/// once are independent and leave nothing behind.
struct HalfSpaceProgram {
    struct Solution {
        /// (P)'s u and s.
        var u: [Double]
        var s: Double
        /// λ = μ + t·1 and t, from (D).
        var lambda: [Double]
        var t: Double
        /// GLPK's simplex iterations.
        var iterations: Int
        /// Whether GLPK reports an optimal basis.
        var optimal: Bool
    }

    /// Which GLPK solver to run.
    enum Method {
        /// Dual simplex in floating point (`glp_simplex`).
        case floatingPoint
        /// Floating point, then `glp_exact` (rational arithmetic from that basis): far slower
        /// (tens of seconds at n = 100, d = 50), a last resort when the floating-point answer
        /// does not pass its check.
        case exactRational
    }

    var method = Method.floatingPoint
    /// Time limit of GLPK's solve, in milliseconds.
    var timeLimitMilliseconds: Int32 = 600_000

    /// Solves (P)/(D) for `x` (finite entries; the caller checks).
    func solve(_ x: Matrix) -> Solution {
        let n = x.rows, d = x.cols
        glp_term_out(GLP_OFF)
        defer { glp_free_env() }
        let program = glp_create_prob()
        defer { glp_delete_prob(program) }
        glp_set_obj_dir(program, GLP_MAX)
        // Rows 1…d: Xᵀ(μ + t·1) = 0; row d+1: 1ᵀμ + n t + ν = 1.
        glp_add_rows(program, Int32(d + 1))
        for j in 1...d { glp_set_row_bnds(program, Int32(j), GLP_FX, 0, 0) }
        glp_set_row_bnds(program, Int32(d + 1), GLP_FX, 1, 1)
        // Columns 1…n: μ ≥ 0; n+1: t free (objective +1); n+2: ν ≥ 0 (objective −1).
        glp_add_cols(program, Int32(n + 2))
        for i in 1...n { glp_set_col_bnds(program, Int32(i), GLP_LO, 0, 0) }
        glp_set_col_bnds(program, Int32(n + 1), GLP_FR, 0, 0)
        glp_set_obj_coef(program, Int32(n + 1), 1)
        glp_set_col_bnds(program, Int32(n + 2), GLP_LO, 0, 0)
        glp_set_obj_coef(program, Int32(n + 2), -1)
        // The constraint matrix as (row, column, value) triplets, 1-based with an unused slot 0.
        let count = (n + 1) * (d + 1) + 1
        var rows = [Int32](repeating: 0, count: count + 1)
        var cols = [Int32](repeating: 0, count: count + 1)
        var values = [Double](repeating: 0, count: count + 1)
        var k = 0
        func put(_ row: Int, _ col: Int, _ value: Double) {
            k += 1
            rows[k] = Int32(row); cols[k] = Int32(col); values[k] = value
        }
        let columnSums = x.times([Double](repeating: 1, count: n), .transpose)
        for i in 0..<n {
            for j in 0..<d { put(j + 1, i + 1, x[i, j]) }
            put(d + 1, i + 1, 1)
        }
        for j in 0..<d { put(j + 1, n + 1, columnSums[j]) }
        put(d + 1, n + 1, Double(n))
        put(d + 1, n + 2, 1)
        glp_load_matrix(program, Int32(k), rows, cols, values)

        var parameters = glp_smcp()
        glp_init_smcp(&parameters)
        parameters.msg_lev = GLP_MSG_OFF
        parameters.meth = GLP_DUALP
        parameters.tm_lim = timeLimitMilliseconds
        let code = glp_simplex(program, &parameters)
        if method == .exactRational && code == 0 { _ = glp_exact(program, &parameters) }

        let u = (1...d).map { glp_get_row_dual(program, Int32($0)) }
        let s = glp_get_row_dual(program, Int32(d + 1))
        let t = glp_get_col_prim(program, Int32(n + 1))
        let lambda = (1...n).map { glp_get_col_prim(program, Int32($0)) + t }
        return Solution(u: u, s: s, lambda: lambda, t: t, iterations: Int(glp_get_it_cnt(program)),
                        optimal: glp_get_status(program) == GLP_OPT)
    }
}
