import Foundation
import LinearAlgebra

/// NumPy's results on fixed inputs (made by tools/make_linalg_fixtures.py).
struct LinearAlgebraFixture: Sendable {
    private var matrices: [String: Matrix] = [:]
    private var vectors: [String: [Double]] = [:]
    private var ints: [String: Int] = [:]

    static let shared: LinearAlgebraFixture = {
        let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("linalg.json")
        let object = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var fixture = LinearAlgebraFixture()
        for (key, value) in object {
            if let rows = value as? [[NSNumber]] {
                fixture.matrices[key] = Matrix(rowMajor: rows.map { $0.map(\.doubleValue) })
            } else if let vector = value as? [NSNumber] {
                fixture.vectors[key] = vector.map(\.doubleValue)
            } else if let int = value as? NSNumber {
                fixture.ints[key] = int.intValue
            }
        }
        return fixture
    }()

    func matrix(_ key: String) -> Matrix { matrices[key]! }
    func vector(_ key: String) -> [Double] { vectors[key]! }
    func int(_ key: String) -> Int { ints[key]! }
}

func maxAbsDifference(_ a: Matrix, _ b: Matrix) -> Double {
    precondition(a.rows == b.rows && a.cols == b.cols, "shapes \(a.rows)×\(a.cols) and \(b.rows)×\(b.cols)")
    return (a - b).maxAbs
}

func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
