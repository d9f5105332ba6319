import LinearAlgebra

/// Shared linear algebra of the conditions: masked designs DᵢX, minimum-norm dual vectors and
/// the orthonormal bases Uᵢ of range(DᵢX).
enum PatternGeometry {
    /// Checks sizes and indices; returns n.
    static func validate(x: Matrix, patterns: [[Bool]], plantedPatterns: [Int], plantedWeights: [[Double]]) throws {
        for (i, h) in patterns.enumerated() where h.count != x.rows {
            throw ConditionError.invalidInput("pattern \(i) has \(h.count) entries, X has \(x.rows) rows")
        }
        for s in plantedPatterns where !(0..<patterns.count).contains(s) {
            throw ConditionError.invalidInput("planted pattern index \(s) out of range 0..<\(patterns.count)")
        }
        if plantedPatterns.count != plantedWeights.count {
            throw ConditionError.invalidInput("\(plantedPatterns.count) planted patterns but \(plantedWeights.count) planted weights")
        }
        for (j, w) in plantedWeights.enumerated() where w.count != x.cols {
            throw ConditionError.invalidInput("planted weight \(j) has \(w.count) entries, X has \(x.cols) columns")
        }
    }

    /// DX with D = diag(h): the rows outside the pattern zeroed (n×d).
    static func masked(_ x: Matrix, _ h: [Bool]) -> Matrix {
        var out = x
        for j in 0..<x.cols {
            for i in 0..<x.rows where !h[i] { out.storage[i + j * x.rows] = 0 }
        }
        return out
    }

    /// λ = (A⁺)ᵀ b, the minimum-norm solution of Aᵀλ = b (least squares when inconsistent), from the
    /// thin SVD A = UΣVᵀ: λ = U Σ⁺ Vᵀ b with singular values ≤ `tolerance` dropped.
    static func minimumNormDual(_ a: Matrix, _ b: [Double], tolerance: Double) throws -> [Double] {
        precondition(b.count == a.cols)
        if a.rows == 0 || a.cols == 0 { return Array(repeating: 0, count: a.rows) }
        let svd = try SingularValueDecomposition(a, kind: .thin)
        var coefficients = svd.vt.times(b)
        for i in coefficients.indices {
            let s = svd.singularValues[i]
            coefficients[i] = s > tolerance ? coefficients[i] / s : 0
        }
        return svd.u.times(coefficients)
    }

    /// The thin SVD of DX kept to its rank: U (n×r, zero outside the pattern), σ (r), Vᵀ (r×d).
    static func rangeBasis(_ x: Matrix, _ h: [Bool], tolerance: Double) throws -> (u: Matrix, sigma: [Double], vt: Matrix) {
        let support = (0..<x.rows).filter { h[$0] }
        let rowsOfPattern = Matrix.picking(rows: support, of: x)
        if support.isEmpty { return (Matrix(rows: x.rows, cols: 0), [], Matrix(rows: 0, cols: x.cols)) }
        let svd = try SingularValueDecomposition(rowsOfPattern, kind: .thin)
        let r = svd.rank(tolerance: tolerance)
        var u = Matrix(rows: x.rows, cols: r)
        for c in 0..<r {
            for (k, i) in support.enumerated() { u.storage[i + c * x.rows] = svd.u.storage[k + c * support.count] }
        }
        return (u, Array(svd.singularValues.prefix(r)), svd.vt.rows(0..<r))
    }

    /// For every pattern `i` in `indices`: the largest over the columns λ of `duals` (n×K) of
    /// ‖Uᵢᵀλ‖ = ‖P_range(DᵢX) λ‖, with Uᵢ from the SVD of DᵢX's pattern rows cut at `tolerance`.
    static func largestProjectionNorms(x: Matrix, patterns: [[Bool]], indices: [Int], duals: Matrix,
                                       tolerance: Double) throws -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(indices.count)
        for i in indices {
            let support = (0..<x.rows).filter { patterns[i][$0] }
            if support.isEmpty { out.append(0); continue }
            let rowsOfPattern = Matrix.picking(rows: support, of: x)
            let svd = try SingularValueDecomposition(rowsOfPattern, kind: .thin)
            let r = svd.rank(tolerance: tolerance)
            if r == 0 { out.append(0); continue }
            let basis = svd.u.columns(0..<r)                           // |h|×r, orthonormal columns
            let restricted = Matrix.picking(rows: support, of: duals)  // |h|×K
            let coordinates = Matrix.product(basis, .transpose, restricted, .none)  // r×K
            var best = 0.0
            for c in 0..<coordinates.cols { best = max(best, Vector.norm(coordinates.column(c))) }
            out.append(coordinates.storage.contains(where: { $0.isNaN }) ? .nan : best)
        }
        return out
    }

    /// For every pattern `i` in `indices`: ‖(DᵢX)ᵀλ‖ = ‖Xᵀ(hᵢ ⊙ λ)‖, all at once by one product.
    static func maskedGradientNorms(x: Matrix, patterns: [[Bool]], indices: [Int], dual: [Double]) -> [Double] {
        let n = x.rows
        var masked = Matrix(rows: n, cols: indices.count)
        for (c, i) in indices.enumerated() {
            for k in 0..<n where patterns[i][k] { masked.storage[k + c * n] = dual[k] }
        }
        let products = Matrix.product(x, .transpose, masked, .none)   // d×|indices|
        return (0..<indices.count).map { Vector.norm(products.column($0)) }
    }

    /// The planted neurons grouped by pattern, in order of first appearance. A pattern produced by
    /// one planted neuron carries that neuron's weight unchanged; a pattern produced by several
    /// carries the normalised sum of their weights (the single neuron the convex program would use
    /// there, as a unit vector — identical to the single-neuron case when the weights are unit).
    static func groups(plantedPatterns: [Int], weights: [[Double]]) -> [(pattern: Int, weight: [Double])] {
        var order: [Int] = []
        var sums: [Int: [Double]] = [:]
        var counts: [Int: Int] = [:]
        for (s, w) in zip(plantedPatterns, weights) {
            if let existing = sums[s] { sums[s] = Vector.add(existing, w) } else { sums[s] = w; order.append(s) }
            counts[s, default: 0] += 1
        }
        return order.map { s in
            let w = sums[s]!
            if counts[s]! == 1 { return (s, w) }
            let norm = Vector.norm(w)
            return (s, norm > 0 ? Vector.scale(w, by: 1 / norm) : w)
        }
    }

    /// The patterns that are not planted, in order.
    static func nonPlanted(count: Int, planted: [Int]) -> [Int] {
        let set = Set(planted)
        return (0..<count).filter { !set.contains($0) }
    }
}

extension Matrix {
    /// The listed rows of `x`, in the order given.
    static func picking(rows list: [Int], of x: Matrix) -> Matrix {
        var out = Matrix(rows: list.count, cols: x.cols)
        for j in 0..<x.cols {
            for (k, i) in list.enumerated() { out.storage[k + j * list.count] = x.storage[i + j * x.rows] }
        }
        return out
    }
}
