import CLapack
import Foundation

/// Operand transposition for BLAS products.
public enum Transpose: Sendable {
    case none, transpose
    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

extension Matrix {
    /// `C ← α op(A) op(B) + β C` (BLAS `dgemm`). Shapes are checked.
    public static func gemm(
        _ a: Matrix, _ transA: Transpose = .none,
        _ b: Matrix, _ transB: Transpose = .none,
        alpha: Double = 1, beta: Double = 0, into c: inout Matrix
    ) {
        let m = transA == .none ? a.rows : a.cols
        let k = transA == .none ? a.cols : a.rows
        let kb = transB == .none ? b.rows : b.cols
        let n = transB == .none ? b.cols : b.rows
        precondition(k == kb && c.rows == m && c.cols == n,
                     "gemm: op(A) is \(m)×\(k), op(B) is \(kb)×\(n), C is \(c.rows)×\(c.cols)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta != 1 { for i in c.storage.indices { c.storage[i] *= beta } }
            return
        }
        a.storage.withUnsafeBufferPointer { ap in
            b.storage.withUnsafeBufferPointer { bp in
                c.storage.withUnsafeMutableBufferPointer { cp in
                    cblas_dgemm(CblasColMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k),
                                alpha, ap.baseAddress, Int32(max(1, a.rows)), bp.baseAddress, Int32(max(1, b.rows)),
                                beta, cp.baseAddress, Int32(max(1, c.rows)))
                }
            }
        }
    }

    /// `op(A) op(B)` as a new matrix.
    public static func product(_ a: Matrix, _ transA: Transpose = .none, _ b: Matrix, _ transB: Transpose = .none) -> Matrix {
        let m = transA == .none ? a.rows : a.cols
        let n = transB == .none ? b.cols : b.rows
        var c = Matrix(rows: m, cols: n)
        gemm(a, transA, b, transB, into: &c)
        return c
    }

    /// `A * B`.
    public static func * (a: Matrix, b: Matrix) -> Matrix { product(a, .none, b, .none) }

    /// `op(A) x` (BLAS `dgemv`).
    public func times(_ x: [Double], _ trans: Transpose = .none) -> [Double] {
        let outCount = trans == .none ? rows : cols
        let inCount = trans == .none ? cols : rows
        precondition(x.count == inCount, "matrix-vector: vector has \(x.count) entries, expected \(inCount)")
        var y = [Double](repeating: 0, count: outCount)
        if outCount == 0 || inCount == 0 { return y }
        storage.withUnsafeBufferPointer { ap in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    cblas_dgemv(CblasColMajor, trans.cblas, Int32(rows), Int32(cols), 1, ap.baseAddress,
                                Int32(max(1, rows)), xp.baseAddress, 1, 0, yp.baseAddress, 1)
                }
            }
        }
        return y
    }

    /// The Gram matrix `AᵀA` (`trans == .transpose`) or `AAᵀ` (`.none`) by BLAS `dsyrk`,
    /// returned with both triangles filled.
    public static func gram(_ a: Matrix, _ trans: Transpose) -> Matrix {
        let n = trans == .transpose ? a.cols : a.rows
        let k = trans == .transpose ? a.rows : a.cols
        var c = Matrix(rows: n, cols: n)
        if n == 0 || k == 0 { return c }
        a.storage.withUnsafeBufferPointer { ap in
            c.storage.withUnsafeMutableBufferPointer { cp in
                // C = op(A) op(A)ᵀ with op = transpose for AᵀA.
                cblas_dsyrk(CblasColMajor, CblasLower, trans == .transpose ? CblasTrans : CblasNoTrans,
                            Int32(n), Int32(k), 1, ap.baseAddress, Int32(max(1, a.rows)), 0, cp.baseAddress, Int32(n))
            }
        }
        c.symmetrizeFromLower()
        return c
    }

    /// Copies the lower triangle onto the upper one.
    public mutating func symmetrizeFromLower() {
        precondition(rows == cols)
        for j in 0..<cols {
            for i in (j + 1)..<max(j + 1, rows) { storage[j + i * rows] = storage[i + j * rows] }
        }
    }
}

/// Thread count of the BLAS library (OpenBLAS). The pipeline sets 1 when it already runs one task per core.
public enum BLASThreads {
    /// Sets the number of threads OpenBLAS uses for subsequent calls.
    public static func set(_ count: Int) { openblas_set_num_threads(Int32(max(1, count))) }
    /// The number of threads OpenBLAS currently uses.
    public static var current: Int { Int(openblas_get_num_threads()) }

    /// Serialises `singleThreaded` callers: the thread count is process-wide, so two callers saving
    /// and restoring it concurrently would otherwise restore each other's value.
    private static let switchLock = NSLock()

    /// Runs `body` with BLAS single-threaded, then restores the previous thread count: for callers
    /// that run their own workers, each calling BLAS, or that need the single-threaded results.
    /// Holds a process-wide lock meanwhile, unless BLAS is single-threaded already (as in the
    /// pipeline's parallel runs, whose tasks must not queue behind one another).
    public static func singleThreaded<R>(_ body: () throws -> R) rethrows -> R {
        if current == 1 { return try body() }
        switchLock.lock()
        defer { switchLock.unlock() }
        let saved = current
        set(1)
        defer { set(saved) }
        return try body()
    }
}

/// What callers that cut their own products need to know of the BLAS library (OpenBLAS).
public enum BLASLibrary {
    /// OpenBLAS's name of the kernels it chose for this CPU at start-up ("Haswell", "SkylakeX", …).
    public static let coreName = String(cString: openblas_get_corename())

    /// Whether OpenBLAS multiplies small `dgemm`s (M·N·K ≤ `smallProductLimit`) directly, without
    /// packing the operands and without a separate pass zeroing C for β = 0: its AVX-512 kernels
    /// (SkylakeX, and Cooperlake and SapphireRapids, which use them) do; elsewhere small products are
    /// packed like large ones, and cutting a product into narrow ones only costs.
    public static let hasSmallMatrixKernels =
        ["skylakex", "cooperlake", "sapphirerapids"].contains(coreName.lowercased())

    /// The largest M·N·K OpenBLAS multiplies with its small-matrix kernels.
    public static let smallProductLimit = 1_000_000
}
