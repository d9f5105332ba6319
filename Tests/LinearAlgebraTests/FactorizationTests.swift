import LinearAlgebra
import Testing

@Suite struct FactorizationTests {
    let f = LinearAlgebraFixture.shared

    @Test(arguments: ["A", "W", "R"])
    func thinSVDReconstructsAndMatchesNumPy(_ name: String) throws {
        let a = f.matrix(name)
        let svd = try SingularValueDecomposition(a, kind: .thin)
        #expect(maxAbsDifference(svd.singularValues, f.vector("svd_\(name)")) < 1e-12)
        let usvt = svd.u * Matrix.diagonal(svd.singularValues) * svd.vt
        #expect(maxAbsDifference(usvt, a) < 1e-12)
        let r = svd.singularValues.count
        #expect(maxAbsDifference(Matrix.gram(svd.u, .transpose), .identity(r)) < 1e-12)
        #expect(maxAbsDifference(Matrix.gram(svd.vt, .none), .identity(r)) < 1e-12)
    }

    @Test func fullSVDHasSquareOrthogonalFactors() throws {
        let a = f.matrix("A")
        let svd = try SingularValueDecomposition(a, kind: .full)
        #expect(svd.u.rows == 7 && svd.u.cols == 7 && svd.vt.rows == 4 && svd.vt.cols == 4)
        #expect(maxAbsDifference(Matrix.gram(svd.u, .transpose), .identity(7)) < 1e-12)
        #expect(maxAbsDifference(Matrix.gram(svd.vt, .transpose), .identity(4)) < 1e-12)
        // The trailing columns of U span the left null space.
        let trailing = svd.u.columns(4..<7)
        #expect(Matrix.product(a, .transpose, trailing, .none).maxAbs < 1e-12)
    }

    @Test func symmetricEigenMatchesNumPy() throws {
        let s = f.matrix("S")
        let eig = try SymmetricEigen(s)
        #expect(maxAbsDifference(eig.values, f.vector("eigvals_S")) < 1e-12)
        let expected = f.matrix("eigvecs_S")
        for j in 0..<4 {
            // Eigenvectors are defined up to sign.
            let v = eig.vectors.column(j), w = expected.column(j)
            let sign = Vector.dot(v, w) < 0 ? -1.0 : 1.0
            #expect(maxAbsDifference(v.map { $0 * sign }, w) < 1e-10)
        }
        let av = s * eig.vectors
        let vl = eig.vectors * Matrix.diagonal(eig.values)
        #expect(maxAbsDifference(av, vl) < 1e-12)
    }

    @Test func choleskyMatchesNumPyAndSolves() throws {
        let s = f.matrix("S")
        let chol = try Cholesky(s)
        #expect(maxAbsDifference(chol.lower, f.matrix("cholesky_S")) < 1e-12)
        let x = try chol.solve(f.vector("b"))
        #expect(maxAbsDifference(x, f.vector("solve_S_b")) < 1e-12)
        let residual = Vector.subtract(s.times(x), f.vector("b"))
        #expect(Vector.norm(residual) < 1e-12 * Vector.norm(f.vector("b")))
    }

    @Test func choleskyRejectsIndefiniteMatrix() {
        let m = Matrix(rowMajor: [[1, 2], [2, 1]])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(minor: 2)) { try Cholesky(m) }
        #expect(throws: LinearAlgebraError.self) { try Cholesky(Matrix(rows: 2, cols: 3)) }
    }

    @Test(arguments: ["A", "R", "W"])
    func rankMatchesNumPy(_ name: String) throws {
        #expect(try f.matrix(name).rank() == f.int("rank_\(name)"))
    }

    @Test func rankHonoursAnExplicitTolerance() throws {
        let m = Matrix.diagonal([1, 1e-3, 1e-9])
        #expect(try m.rank() == 3)
        #expect(try m.rank(tolerance: 1e-6) == 2)
        #expect(try m.rank(tolerance: 1e-2) == 1)
    }

    @Test(arguments: ["A", "R", "W"])
    func pseudoInverseMatchesNumPyAndMoorePenrose(_ name: String) throws {
        let a = f.matrix(name)
        let p = try a.pseudoInverse()
        #expect(maxAbsDifference(p, f.matrix("pinv_\(name)")) < 1e-10)
        #expect(maxAbsDifference(a * p * a, a) < 1e-12)
        #expect(maxAbsDifference(p * a * p, p) < 1e-10)
        let ap = a * p, pa = p * a
        #expect(maxAbsDifference(ap, ap.transposed) < 1e-12)
        #expect(maxAbsDifference(pa, pa.transposed) < 1e-12)
    }

    @Test func leastSquaresMatchesNumPy() throws {
        let b = f.matrix("B")
        let full = try LeastSquares(f.matrix("A"), b)
        #expect(full.rank == 4)
        #expect(maxAbsDifference(full.solution, f.matrix("lstsq_A_B")) < 1e-12)
        let deficient = try LeastSquares(f.matrix("R"), b)
        #expect(deficient.rank == 2)
        #expect(maxAbsDifference(deficient.solution, f.matrix("lstsq_R_B")) < 1e-10)
        let wide = try LeastSquares(f.matrix("W"), b.rows(0..<3))
        #expect(maxAbsDifference(wide.solution, f.matrix("lstsq_W_B3")) < 1e-12)
        #expect(throws: LinearAlgebraError.self) { try LeastSquares(f.matrix("A"), Matrix(rows: 3, cols: 1)) }
    }
}
