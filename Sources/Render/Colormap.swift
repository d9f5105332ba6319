/// An sRGB colour with components in [0, 1].
public struct RGB: Sendable, Equatable, Hashable {
    /// Red component in [0, 1].
    public var red: Double
    /// Green component in [0, 1].
    public var green: Double
    /// Blue component in [0, 1].
    public var blue: Double

    /// Creates a colour; components are clamped to [0, 1] (NaN becomes 0).
    public init(red: Double, green: Double, blue: Double) {
        self.red = RGB.clampUnit(red)
        self.green = RGB.clampUnit(green)
        self.blue = RGB.clampUnit(blue)
    }

    /// The colour as `#rrggbb` (lower-case hex), each component rounded as
    /// matplotlib's `to_hex` does: `round(c * 255)`.
    public var hex: String {
        "#" + RGB.hexByte(red) + RGB.hexByte(green) + RGB.hexByte(blue)
    }

    private static func clampUnit(_ x: Double) -> Double {
        x.isNaN ? 0 : Swift.min(1, Swift.max(0, x))
    }

    private static func hexByte(_ c: Double) -> String {
        // Python's round() is round-half-to-even; match it so hex strings agree with matplotlib.
        let v = Int((c * 255).rounded(.toNearestOrEven))
        let digits = Array("0123456789abcdef")
        return String([digits[v / 16], digits[v % 16]])
    }
}

/// Colormaps the renderer knows.
public enum Colormap: String, Sendable, Equatable, CaseIterable {
    /// matplotlib's `jet`, sampled exactly as matplotlib does (a 256-entry lookup table).
    case jet

    /// The colour at `x`; values below 0 take the first colour, above 1 the last, NaN the first.
    public func color(at x: Double) -> RGB {
        switch self {
        case .jet: return Jet.matplotlib(x)
        }
    }
}

/// matplotlib's `jet` colormap, written from its segment definition
/// (`matplotlib._cm._jet_data`): each channel is piecewise linear through the
/// anchor points below, with no discontinuities.
///
///     red:   (0, 0) (0.35, 0) (0.66, 1) (0.89, 1) (1, 0.5)
///     green: (0, 0) (0.125, 0) (0.375, 1) (0.64, 1) (0.91, 0) (1, 0)
///     blue:  (0, 0.5) (0.11, 1) (0.34, 1) (0.65, 0) (1, 0)
public enum Jet {
    /// Anchor points (x, value) of the red channel.
    public static let redAnchors: [(Double, Double)] = [(0, 0), (0.35, 0), (0.66, 1), (0.89, 1), (1, 0.5)]
    /// Anchor points (x, value) of the green channel.
    public static let greenAnchors: [(Double, Double)] = [(0, 0), (0.125, 0), (0.375, 1), (0.64, 1), (0.91, 0), (1, 0)]
    /// Anchor points (x, value) of the blue channel.
    public static let blueAnchors: [(Double, Double)] = [(0, 0.5), (0.11, 1), (0.34, 1), (0.65, 0), (1, 0)]

    /// Size of matplotlib's lookup table for the built-in colormaps.
    public static let lookupTableSize = 256

    /// The exact piecewise-linear definition at `x` (clamped to [0, 1]).
    public static func continuous(_ x: Double) -> RGB {
        let t = x.isNaN ? 0 : Swift.min(1, Swift.max(0, x))
        return RGB(red: interpolate(redAnchors, t), green: interpolate(greenAnchors, t), blue: interpolate(blueAnchors, t))
    }

    /// What `matplotlib.cm.jet(x)` returns: `x` picks entry `min(floor(256 x), 255)` of a
    /// lookup table sampling the definition at `i / 255`, i = 0…255; below 0 gives entry 0, above 1 entry 255.
    /// (NaN, which matplotlib draws transparent, gives entry 0 here.)
    public static func matplotlib(_ x: Double) -> RGB {
        let i = lookupIndex(x)
        return RGB(red: lookupValue(redAnchors, i), green: lookupValue(greenAnchors, i), blue: lookupValue(blueAnchors, i))
    }

    /// Entry `index` of matplotlib's lookup table for one channel, computed in the same order
    /// of floating-point operations as `matplotlib.colors._create_lookup_table` (3.x): anchors and
    /// sample points scaled to 0…255, sample point `255 · np.linspace(0, 1, 256)[index]`.
    /// Bit-for-bit agreement matters where hex rounding ties, e.g. green at 0.2 (76.5 / 255).
    static func lookupValue(_ anchors: [(Double, Double)], _ index: Int) -> Double {
        let last = Double(lookupTableSize - 1)
        if index <= 0 { return anchors[0].1 }
        if index >= lookupTableSize - 1 { return anchors[anchors.count - 1].1 }
        let position = last * (Double(index) * (1.0 / last))     // np.linspace(0, 1, N)[index] · (N − 1)
        // np.searchsorted (side "left"): the first anchor at or after the position.
        var k = 1
        while k < anchors.count - 1 && anchors[k].0 * last < position { k += 1 }
        let x0 = anchors[k - 1].0 * last, x1 = anchors[k].0 * last
        let distance = (position - x0) / (x1 - x0)
        return Swift.min(1, Swift.max(0, distance * (anchors[k].1 - anchors[k - 1].1) + anchors[k - 1].1))
    }

    /// The lookup-table entry matplotlib uses for `x`.
    public static func lookupIndex(_ x: Double) -> Int {
        if x.isNaN || x < 0 { return 0 }
        if x >= 1 { return lookupTableSize - 1 }
        return Swift.min(lookupTableSize - 1, Int((x * Double(lookupTableSize)).rounded(.towardZero)))
    }

    private static func interpolate(_ anchors: [(Double, Double)], _ t: Double) -> Double {
        var previous = anchors[0]
        if t <= previous.0 { return previous.1 }
        for anchor in anchors.dropFirst() {
            if t <= anchor.0 {
                let span = anchor.0 - previous.0
                if span <= 0 { return anchor.1 }
                return previous.1 + (t - previous.0) / span * (anchor.1 - previous.1)
            }
            previous = anchor
        }
        return previous.1
    }
}
