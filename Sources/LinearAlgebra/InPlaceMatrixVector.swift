import CLapack

extension Matrix {
    /// `y ← α op(A) x + β y` (BLAS `dgemv`) into an existing vector: no allocation, for inner loops.
    /// Shapes are checked.
    public static func gemv(
        _ a: Matrix, _ trans: Transpose = .none, _ x: [Double],
        alpha: Double = 1, beta: Double = 0, into y: inout [Double]
    ) {
        let outCount = trans == .none ? a.rows : a.cols
        let inCount = trans == .none ? a.cols : a.rows
        precondition(x.count == inCount && y.count == outCount,
                     "gemv: op(A) is \(outCount)×\(inCount), x has \(x.count), y has \(y.count)")
        if outCount == 0 { return }
        if inCount == 0 {
            if beta != 1 { for i in y.indices { y[i] *= beta } }
            return
        }
        a.storage.withUnsafeBufferPointer { ap in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    cblas_dgemv(CblasColMajor, trans.cblas, Int32(a.rows), Int32(a.cols), alpha, ap.baseAddress,
                                Int32(max(1, a.rows)), xp.baseAddress, 1, beta, yp.baseAddress, 1)
                }
            }
        }
    }
}
