/// Deterministic, locale-free number and text formatting used by every writer.
public enum Format {
    /// `x` rounded to at most `decimals` decimals, trailing zeros dropped, never `-0`;
    /// e.g. `fixed(12.5)` = `12.5`, `fixed(3)` = `3`, `fixed(1/3, decimals: 3)` = `0.333`.
    /// Non-finite values give `nan`, `inf`, `-inf`.
    public static func fixed(_ x: Double, decimals: Int = 2) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        let places = Swift.max(0, Swift.min(decimals, 12))
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (x * scale).rounded(.toNearestOrAwayFromZero)
        // Beyond 2^53 there are no fractional digits left to print.
        guard abs(scaled) < 9.0e15 else { return roundTrip(x.rounded()) }
        let negative = scaled < 0
        var digits = String(Int64(abs(scaled)))
        if places > 0 {
            if digits.count <= places {
                digits = String(repeating: "0", count: places - digits.count + 1) + digits
            }
            let split = digits.index(digits.endIndex, offsetBy: -places)
            var fraction = String(digits[split...])
            while fraction.hasSuffix("0") { fraction.removeLast() }
            digits = String(digits[..<split]) + (fraction.isEmpty ? "" : "." + fraction)
        }
        return negative && digits != "0" ? "-" + digits : digits
    }

    /// `x` in the shortest form that reads back as the same Double (Swift's `description`,
    /// which depends on no locale), with NaN as the empty string. Integral values print
    /// without `.0`, e.g. `1` rather than `1.0`.
    public static func roundTrip(_ x: Double) -> String {
        if x.isNaN { return "" }
        var s = x.description
        if s.hasSuffix(".0") { s.removeLast(2) }
        if s == "-0" { s = "0" }
        return s
    }

    /// `x` rounded to `digits` significant decimal digits (1…17; half away from zero, on the
    /// shortest decimal form of `x`) and written as `roundTrip` writes the rounded value, so
    /// trailing zeros are dropped: `significant(0.5752622359499384, digits: 5)` = `0.57526`,
    /// `significant(0.999999999998428, digits: 8)` = `1`, `significant(1.23456e-9, digits: 3)` =
    /// `1.23e-09`. Non-finite values give `nan`, `inf`, `-inf` (which `Double(_:)` reads back).
    public static func significant(_ x: Double, digits: Int) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        if x == 0 { return "0" }
        let kept = Swift.max(1, Swift.min(digits, 17))
        // The shortest decimal form as 0.m₁m₂… × 10^power.
        var text = Substring(x.magnitude.description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...].drop { $0 == "+" }) ?? 0
            text = text[..<e]
        }
        let point = text.firstIndex(of: ".") ?? text.endIndex
        let whole = text[..<point]
        let fraction = point == text.endIndex ? Substring("") : text[text.index(after: point)...]
        let allDigits = Array((whole + fraction).utf8).map { Int($0) - 48 }
        guard let first = allDigits.firstIndex(where: { $0 != 0 }) else { return "0" }
        var mantissa = Array(allDigits[first...])
        var power = whole.count - first + exponent
        while mantissa.last == 0 { mantissa.removeLast() }
        guard mantissa.count > kept else { return roundTrip(x) }
        let roundUp = mantissa[kept] >= 5
        mantissa.removeLast(mantissa.count - kept)
        if roundUp {
            var i = kept - 1
            while i >= 0 {
                mantissa[i] += 1
                if mantissa[i] < 10 { break }
                mantissa[i] = 0
                i -= 1
            }
            if i < 0 {
                mantissa.insert(1, at: 0)
                power += 1
            }
        }
        let rounded = Double("0." + mantissa.map(String.init).joined() + "e\(power)") ?? x.magnitude
        return roundTrip(x < 0 ? -rounded : rounded)
    }

    /// `text` escaped for XML character data and attribute values: `&`, `<`, `>`, `"`, `'`
    /// become entities and characters XML 1.0 forbids become U+FFFD.
    public static func xmlEscaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// One CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote,
    /// a line break or leading/trailing spaces; otherwise as is.
    public static func csvField(_ text: String) -> String {
        let needsQuotes = text.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            || text.hasPrefix(" ") || text.hasSuffix(" ")
        guard needsQuotes else { return text }
        var out = "\""
        for c in text {
            out.append(c)
            if c == "\"" { out.append("\"") }
        }
        return out + "\""
    }
}
