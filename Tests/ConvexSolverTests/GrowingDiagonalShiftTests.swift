@testable import ConvexSolver
import LinearAlgebra
import Testing

/// The retry with a growing diagonal shift that keeps factorizations of nearly singular matrices going.
@Suite struct GrowingDiagonalShiftTests {
    struct TooSmall: Error {}

    /// No shift when the first attempt works; otherwise 1e−14, 1e−12, … × scale, the first that works.
    @Test func takesTheFirstShiftThatWorks() throws {
        #expect(try GrowingDiagonalShift.factor(scale: 10) { $0 } == 0)
        var tried: [Double] = []
        let shift = try GrowingDiagonalShift.factor(scale: 10) { shift -> Double in
            tried.append(shift)
            if shift < 1e-9 { throw TooSmall() }
            return shift
        }
        #expect(tried.count == 4)
        #expect(abs(shift - 1e-9) <= 1e-20)
        #expect(abs(tried[1] - 1e-13) <= 1e-25)
        // A non-zero initial shift is tried first, then multiplied by 100.
        var first: [Double] = []
        _ = try GrowingDiagonalShift.factor(initial: 1e-6, scale: 1) { shift -> Double in
            first.append(shift)
            if shift < 1e-5 { throw TooSmall() }
            return shift
        }
        #expect(first.count == 2 && abs(first[1] - 1e-4) <= 1e-16)
    }

    /// Past 1e−4 × scale the last error is thrown.
    @Test func givesUpPastTheLargestShift() {
        #expect(throws: TooSmall.self) {
            try GrowingDiagonalShift.factor(scale: 1) { shift -> Double in
                if shift < 1e-3 { throw TooSmall() }
                return shift
            }
        }
    }

    /// A positive semidefinite, singular matrix: its Cholesky fails without a shift and succeeds with one.
    @Test func factorsASingularMatrix() throws {
        let v = [1.0, 2, 3]
        let a = (0..<9).map { v[$0 % 3] * v[$0 / 3] }   // v vᵀ, rank one
        var plain = a
        #expect(throws: LinearAlgebraError.self) {
            try plain.withUnsafeMutableBufferPointer { try RawKernels.choleskyLower(n: 3, a: $0.baseAddress!, lda: 3) }
        }
        let used = try GrowingDiagonalShift.factor(scale: 9) { shift -> Double in
            var m = a
            for i in 0..<3 { m[i + 3 * i] += shift }
            try m.withUnsafeMutableBufferPointer { try RawKernels.choleskyLower(n: 3, a: $0.baseAddress!, lda: 3) }
            return shift
        }
        #expect(used > 0 && used <= 1e-4 * 9)
    }
}
