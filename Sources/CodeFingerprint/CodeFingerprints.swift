/// Fingerprints (128-bit digests) of the project's library sources, computed at build time by
/// `SourceFingerprintPlugin` (never a hand-bumped version).
///
/// Keys are fingerprint units: a module name (`CellData`) or a module's first-level sub-folder
/// (`CellEvaluation/Convex`).
public struct CodeFingerprints: Sendable, Equatable, Codable {
    /// Unit → hex digest of its sources.
    public var units: [String: String]

    public init(units: [String: String]) { self.units = units }

    /// The fingerprints of the sources this binary was built from.
    public static let current = CodeFingerprints(units: generatedSourceFingerprints)

    /// The fingerprints of `names`: a name selects a unit exactly, or every unit of a module
    /// (`CellEvaluation` selects `CellEvaluation`, `CellEvaluation/Convex`, …).
    public func restricted(to names: [String]) -> [String: String] {
        var selected: [String: String] = [:]
        for (unit, hash) in units {
            let module = unit.split(separator: "/").first.map(String.init) ?? unit
            if names.contains(unit) || names.contains(module) { selected[unit] = hash }
        }
        return selected
    }
}
