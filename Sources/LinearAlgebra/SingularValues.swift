import CLapack

extension SingularValueDecomposition {
    /// The singular values of `a` only, descending (LAPACK `dgesdd` with `jobz = 'N'`: no singular
    /// vectors, much cheaper than a full decomposition).
    public static func values(of a: Matrix) throws -> [Double] {
        let r = min(a.rows, a.cols)
        var s = [Double](repeating: 0, count: r)
        if r == 0 { return s }
        var work = a
        var dummyU = [Double](repeating: 0, count: 1)
        var dummyVt = [Double](repeating: 0, count: 1)
        let info = work.storage.withUnsafeMutableBufferPointer { ap in
            s.withUnsafeMutableBufferPointer { sp in
                dummyU.withUnsafeMutableBufferPointer { up in
                    dummyVt.withUnsafeMutableBufferPointer { vp in
                        LAPACKE_dgesdd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")), Int32(a.rows), Int32(a.cols),
                                       ap.baseAddress, Int32(a.rows), sp.baseAddress, up.baseAddress, 1,
                                       vp.baseAddress, 1)
                    }
                }
            }
        }
        if info > 0 { throw LinearAlgebraError.noConvergence(routine: "dgesdd", info: Int(info)) }
        if info < 0 { throw LinearAlgebraError.lapack(routine: "dgesdd", info: Int(info)) }
        return s
    }
}
