/// The documented bounds on what a manifest, a `--set` override, `cell` or `sample` may ask for
/// (README, "Reliability"). Each is checked before anything is allocated from it, with
/// overflow-safe arithmetic, and a violation is a one-line error at the value.
public enum InputLimits {
    /// Largest manifest file read (manifests are a few hundred bytes).
    public static let manifestBytes = 1 << 20
    /// Deepest nesting of lists and mappings (the manifests use 4).
    public static let nesting = 64
    /// Most YAML nodes a manifest may hold once aliases are expanded (a "billion laughs" stops here).
    public static let nodes = 100_000
    /// Largest n, d, k and training width.
    public static let dimension = 100_000
    /// Largest `grid.samples`.
    public static let samples = 10_000
    /// Largest `render.levels`.
    public static let levels = 256
    /// Most panels a sweep may produce.
    public static let panels = 1_000
    /// Largest `training.epochs`.
    public static let epochs = 10_000_000
    /// Default cap on the cell samples a plan may hold (`--max-tasks` raises it).
    public static let defaultMaxTasks = 5_000_000

    /// a·b, or nil when it overflows.
    public static func product(_ factors: [Int]) -> Int? {
        var total = 1
        for factor in factors {
            let (value, overflow) = total.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            total = value
        }
        return total
    }

    /// The upper bound the YAML text can nest to, found without parsing it: every level of a block
    /// needs an indentation column or an indicator (`- `, `: `, `? `) on its line, every flow level
    /// a bracket. A conservative bound taken before Yams' recursive composer sees the text.
    static func nestingUpperBound(_ text: String) -> Int {
        var worst = 0, flow = 0
        for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            var indent = 0, indicators = 0, lineFlow = flow
            var leading = true
            var previous: UInt8 = 0
            for byte in line {
                if leading && byte == UInt8(ascii: " ") { indent += 1; continue }
                leading = false
                switch byte {
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    flow += 1
                    lineFlow = max(lineFlow, flow)
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    flow = max(0, flow - 1)
                case UInt8(ascii: " "), UInt8(ascii: "\t"):
                    if previous == UInt8(ascii: "-") || previous == UInt8(ascii: ":") || previous == UInt8(ascii: "?") {
                        indicators += 1
                    }
                default: break
                }
                previous = byte
            }
            if previous == UInt8(ascii: "-") || previous == UInt8(ascii: ":") || previous == UInt8(ascii: "?") { indicators += 1 }
            worst = max(worst, 2 * indent + indicators + lineFlow + 1)
        }
        return worst
    }
}

/// Counts the nodes of a tree as it is built from Yams' nodes, so that an alias expanded many times
/// is counted every time (Yams shares the aliased node; our tree copies it).
final class NodeBudget {
    private(set) var used = 0
    func take(_ location: SourceLocation) throws {
        used += 1
        if used > InputLimits.nodes {
            throw ManifestError(at: location, "the manifest expands to more than \(InputLimits.nodes) YAML nodes "
                                + "(aliases repeated inside aliases?)")
        }
    }
}

extension ExperimentManifest {
    /// The cell samples the manifest asks for (panels × |n| × |d| × samples) before tasks shared
    /// between panels or manifests are merged; nil when that overflows `Int`.
    public var cellSampleCount: Int? {
        InputLimits.product([panels().count, grid.n.count, grid.d.count, grid.samples])
    }
}
