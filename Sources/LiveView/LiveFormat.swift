import Foundation

/// Short human forms of the view's numbers, the same on the live page and in `top`
/// (`1.2k/s`, `350µs`, `1.5 MiB`, `95.0%`); `-` for a number not known yet.
public enum LiveFormat {
    /// `0`, `7.5`, `42`, `1.2k`, `3.4M`, `5.6G`; `-` for nil.
    public static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        let magnitude = abs(value)
        if magnitude >= 1e9 { return String(format: "%.1fG", value / 1e9) }
        if magnitude >= 1e6 { return String(format: "%.1fM", value / 1e6) }
        if magnitude >= 1e4 { return String(format: "%.1fk", value / 1e3) }
        if magnitude >= 100 || value == value.rounded() { return String(format: "%.0f", value) }
        return String(format: "%.1f", value)
    }

    /// A counter, exact below 10,000 (`9999`), then `12.3k`, `4.5M`.
    public static func count(_ value: UInt64) -> String {
        number(Double(value))
    }

    /// Seconds as `0`, `850ns`, `350µs`, `1.25ms`, `2.50s`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds > 0 else { return "0" }
        if seconds < 1e-6 { return String(format: "%.0fns", seconds * 1e9) }
        if seconds < 1e-3 { return String(format: "%.0fµs", seconds * 1e6) }
        if seconds < 1 { return String(format: "%.2fms", seconds * 1e3) }
        return String(format: "%.2fs", seconds)
    }

    /// Bytes as `512 B`, `1.5 KiB`, `100.0 MiB`, `2.0 GiB`; `-` for nil.
    public static func bytes(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var scaled = value
        var unit = 0
        while abs(scaled) >= 1024, unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        return unit == 0 ? String(format: "%.0f B", scaled) : String(format: "%.1f", scaled) + " " + units[unit]
    }

    /// A ratio as `95.0%`; `-` for nil.
    public static func percent(_ ratio: Double?) -> String {
        guard let ratio, ratio.isFinite else { return "-" }
        return String(format: "%.1f%%", ratio * 100)
    }

    /// Seconds as `45s`, `12m05s`, `3h07m`, `2d04h`.
    public static func uptime(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return "-" }
        let whole = Int(seconds)
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m" + twoDigits(whole % 60) + "s" }
        if whole < 86400 { return "\(whole / 3600)h" + twoDigits(whole / 60 % 60) + "m" }
        return "\(whole / 86400)d" + twoDigits(whole / 3600 % 24) + "h"
    }

    /// The last `width` values as block characters scaled to their maximum (`▁▃▅█`);
    /// padded on the left with spaces when there are fewer values.
    public static func sparkline(_ values: [Double], width: Int) -> String {
        guard width > 0 else { return "" }
        let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let shown = values.suffix(width)
        let top = shown.max() ?? 0
        let line = shown.map { value -> Character in
            guard top > 0, value > 0 else { return blocks[0] }
            return blocks[min(blocks.count - 1, Int((value / top) * Double(blocks.count - 1) + 0.5))]
        }
        return String(repeating: " ", count: width - shown.count) + String(line)
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
