import LinearAlgebra
import Testing

@Suite struct ProductsTests {
    let f = LinearAlgebraFixture.shared

    @Test func gemmMatchesNumPy() {
        #expect(maxAbsDifference(f.matrix("A") * f.matrix("C"), f.matrix("A_times_C")) < 1e-13)
        // Transposed operands: (Cᵀ Aᵀ)ᵀ = A C.
        let ctat = Matrix.product(f.matrix("C"), .transpose, f.matrix("A"), .transpose)
        #expect(maxAbsDifference(ctat.transposed, f.matrix("A_times_C")) < 1e-13)
    }

    @Test func gemmAccumulates() {
        let a = f.matrix("A"), c = f.matrix("C")
        var out = f.matrix("A_times_C")
        Matrix.gemm(a, .none, c, .none, alpha: -1, beta: 1, into: &out)
        #expect(out.maxAbs < 1e-13)
    }

    @Test func gramMatchesNumPy() {
        #expect(maxAbsDifference(Matrix.gram(f.matrix("A"), .transpose), f.matrix("At_A")) < 1e-13)
        #expect(maxAbsDifference(Matrix.gram(f.matrix("A"), .none), f.matrix("A_At")) < 1e-13)
    }

    @Test func matrixVectorMatchesGemm() {
        let a = f.matrix("A")
        let x = f.vector("b")
        let viaGemm = (a * Matrix(rows: 4, cols: 1, columnMajor: x)).storage
        #expect(maxAbsDifference(a.times(x), viaGemm) < 1e-14)
        let z = f.matrix("B").column(0)
        let viaGemmT = Matrix.product(a, .transpose, Matrix(rows: 7, cols: 1, columnMajor: z), .none).storage
        #expect(maxAbsDifference(a.times(z, .transpose), viaGemmT) < 1e-14)
    }

    @Test func storageIsColumnMajor() {
        let m = Matrix(rowMajor: [[1, 2, 3], [4, 5, 6]])
        #expect(m.storage == [1, 4, 2, 5, 3, 6])
        #expect(m[1, 2] == 6)
        #expect(m.transposed.rowArrays == [[1, 4], [2, 5], [3, 6]])
    }
}
