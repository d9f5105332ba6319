/// A dense matrix of `Double`s stored in **column-major** order, as BLAS and LAPACK expect.
///
/// Element `(i, j)` lives at `storage[i + j * rows]`. This is the only storage order the
/// project uses; every routine in this module reads and writes it.
public struct Matrix: Equatable, Sendable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let cols: Int
    /// The entries, column by column (`rows * cols` of them).
    public var storage: [Double]

    /// A `rows × cols` matrix filled with `value`.
    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && cols >= 0, "Matrix: negative size")
        self.rows = rows
        self.cols = cols
        self.storage = Array(repeating: value, count: rows * cols)
    }

    /// A matrix over existing column-major storage.
    public init(rows: Int, cols: Int, columnMajor storage: [Double]) {
        precondition(storage.count == rows * cols, "Matrix: storage has \(storage.count) entries, expected \(rows * cols)")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// A matrix from its rows (all of the same length). An empty list gives a 0×0 matrix.
    public init(rowMajor rowArrays: [[Double]]) {
        let r = rowArrays.count
        let c = rowArrays.first?.count ?? 0
        self.init(rows: r, cols: c)
        for i in 0..<r {
            precondition(rowArrays[i].count == c, "Matrix: row \(i) has \(rowArrays[i].count) entries, expected \(c)")
            for j in 0..<c { storage[i + j * r] = rowArrays[i][j] }
        }
    }

    /// A matrix from its columns (all of the same length).
    public init(columns: [[Double]], rows: Int? = nil) {
        let c = columns.count
        let r = rows ?? columns.first?.count ?? 0
        self.init(rows: r, cols: c)
        for j in 0..<c {
            precondition(columns[j].count == r, "Matrix: column \(j) has \(columns[j].count) entries, expected \(r)")
            storage.replaceSubrange(j * r..<(j + 1) * r, with: columns[j])
        }
    }

    /// The `n × n` identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m.storage[i + i * n] = 1 }
        return m
    }

    /// A diagonal matrix with `values` on the diagonal.
    public static func diagonal(_ values: [Double]) -> Matrix {
        let n = values.count
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m.storage[i + i * n] = values[i] }
        return m
    }

    /// Entry `(i, j)`.
    @inlinable
    public subscript(i: Int, j: Int) -> Double {
        get { storage[i + j * rows] }
        set { storage[i + j * rows] = newValue }
    }

    /// Column `j` as an array.
    public func column(_ j: Int) -> [Double] {
        Array(storage[j * rows..<(j + 1) * rows])
    }

    /// Replaces column `j`.
    public mutating func setColumn(_ j: Int, _ values: [Double]) {
        precondition(values.count == rows)
        storage.replaceSubrange(j * rows..<(j + 1) * rows, with: values)
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Double] {
        (0..<cols).map { storage[i + $0 * rows] }
    }

    /// The rows as arrays (row-major view, e.g. for JSON).
    public var rowArrays: [[Double]] { (0..<rows).map(row) }

    /// The columns `range` as a new matrix.
    public func columns(_ range: Range<Int>) -> Matrix {
        Matrix(rows: rows, cols: range.count, columnMajor: Array(storage[range.lowerBound * rows..<range.upperBound * rows]))
    }

    /// The rows `range` as a new matrix.
    public func rows(_ range: Range<Int>) -> Matrix {
        var m = Matrix(rows: range.count, cols: cols)
        for j in 0..<cols {
            for (k, i) in range.enumerated() { m.storage[k + j * m.rows] = storage[i + j * rows] }
        }
        return m
    }

    /// The transpose.
    public var transposed: Matrix {
        var t = Matrix(rows: cols, cols: rows)
        for j in 0..<cols {
            for i in 0..<rows { t.storage[j + i * cols] = storage[i + j * rows] }
        }
        return t
    }

    /// Applies `f` to every entry.
    public func map(_ f: (Double) -> Double) -> Matrix {
        Matrix(rows: rows, cols: cols, columnMajor: storage.map(f))
    }

    /// Largest absolute entry (0 for an empty matrix).
    public var maxAbs: Double { storage.reduce(0) { max($0, abs($1)) } }

    /// Frobenius norm.
    public var frobeniusNorm: Double { Vector.norm(storage) }

    /// `a - b`, entrywise.
    public static func - (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "Matrix -: shape mismatch")
        return Matrix(rows: a.rows, cols: a.cols, columnMajor: zip(a.storage, b.storage).map { $0 - $1 })
    }

    /// `a + b`, entrywise.
    public static func + (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "Matrix +: shape mismatch")
        return Matrix(rows: a.rows, cols: a.cols, columnMajor: zip(a.storage, b.storage).map { $0 + $1 })
    }

    /// `s * a`.
    public static func * (s: Double, a: Matrix) -> Matrix { a.map { s * $0 } }
}
