/// Writes the Prometheus text format 0.0.4, or OpenMetrics 1.0 text.
///
/// Hand-written: the exposition is rendered from merged shard snapshots at scrape time,
/// while swift-prometheus's registry expects to own the live metrics (and takes a lock
/// per observation), so its types do not fit this data path.
public struct PrometheusWriter {
    /// The metric types used here.
    public enum MetricType: String, Sendable {
        /// Monotonic count; its name ends in `_total`.
        case counter
        /// A value that goes up and down.
        case gauge
        /// Buckets, sum and count.
        case histogram
    }

    /// Whether to write OpenMetrics instead of 0.0.4.
    public let openMetrics: Bool
    private var output = ""
    private var families: Set<String> = []

    /// Starts an empty exposition.
    public init(openMetrics: Bool) {
        self.openMetrics = openMetrics
        output.reserveCapacity(16 * 1024)
    }

    /// The HTTP `Content-Type` of the output.
    public var contentType: String {
        openMetrics
            ? "application/openmetrics-text; version=1.0.0; charset=utf-8" : "text/plain; version=0.0.4; charset=utf-8"
    }

    /// Starts a metric family (`name` as samples use it, e.g. ending in `_total`).
    ///
    /// In OpenMetrics a counter's family drops `_total`; where that would repeat an earlier
    /// family (`redislens_client_connections` gauge and `..._total` counter), the counter
    /// is declared `unknown` under its full name, so sample names stay the same.
    public mutating func family(_ name: String, _ type: MetricType, help: String) {
        var familyName = name
        var typeName = type.rawValue
        if openMetrics && type == .counter && name.hasSuffix("_total") {
            familyName = String(name.dropLast(6))
            if families.contains(familyName) {
                familyName = name
                typeName = "unknown"
            }
        }
        families.insert(familyName)
        output += "# HELP \(familyName) \(help)\n# TYPE \(familyName) \(typeName)\n"
    }

    /// Writes one sample.
    public mutating func sample(_ name: String, _ labels: [(String, String)], _ value: UInt64) {
        writeName(name, labels)
        output += " \(value)\n"
    }

    /// Writes one sample with a non-integer value.
    public mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        writeName(name, labels)
        output += " " + Self.format(value) + "\n"
    }

    /// Writes one histogram series over ``DurationBuckets``: cumulative `_bucket` samples
    /// (from per-bucket counts, the last being +Inf), `_sum` in seconds, and `_count`.
    public mutating func durationHistogram(
        _ name: String, _ labels: [(String, String)], buckets: ArraySlice<UInt64>, sumNanos: UInt64
    ) {
        var cumulative: UInt64 = 0
        for (bound, count) in zip(DurationBuckets.bounds + ["+Inf"], buckets) {
            cumulative += count
            sample(name + "_bucket", labels + [("le", bound)], cumulative)
        }
        sample(name + "_sum", labels, Double(sumNanos) / 1e9)
        sample(name + "_count", labels, cumulative)
    }

    /// Writes one histogram series over ``SizeBuckets``: cumulative `_bucket` samples,
    /// `_sum` in bytes, and `_count`.
    public mutating func sizeHistogram(
        _ name: String, _ labels: [(String, String)], buckets: ArraySlice<UInt64>, sumBytes: UInt64
    ) {
        var cumulative: UInt64 = 0
        for (bound, count) in zip(SizeBuckets.bounds + ["+Inf"], buckets) {
            cumulative += count
            sample(name + "_bucket", labels + [("le", bound)], cumulative)
        }
        sample(name + "_sum", labels, sumBytes)
        sample(name + "_count", labels, cumulative)
    }

    /// The finished text (OpenMetrics ends with `# EOF`).
    public mutating func finish() -> String {
        if openMetrics { output += "# EOF\n" }
        return output
    }

    private mutating func writeName(_ name: String, _ labels: [(String, String)]) {
        output += name
        guard !labels.isEmpty else { return }
        output += "{"
        for (index, (key, value)) in labels.enumerated() {
            if index > 0 { output += "," }
            output += key + "=\"" + Self.escaped(value) + "\""
        }
        output += "}"
    }

    static func escaped(_ value: String) -> String {
        guard value.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return value }
        var result = ""
        for character in value {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }

    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
