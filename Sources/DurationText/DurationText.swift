/// The duration forms the command-line tools accept, for flags and environment values.
public enum DurationText {
    /// Seconds in `text`: a plain number of seconds, or a number with one of the units
    /// `us` (or `µs`), `ms`, `s` and `m`: `250us`, `100ms`, `0.5s`, `2m`. Nil for anything
    /// else, including negative, infinite and NaN values; callers check their own bounds.
    public static func seconds(_ text: String) -> Double? {
        var number = Substring(text)
        var scale = 1.0
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            number = text.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        return value * scale
    }

    /// Longer suffixes first: `ms` and `us` end in `s`.
    private static let units: [(suffix: String, factor: Double)] = [
        ("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("s", 1), ("m", 60),
    ]
}
