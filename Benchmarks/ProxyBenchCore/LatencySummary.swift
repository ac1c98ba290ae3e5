import Histogram

/// Latency percentiles of a run, in microseconds.
public struct LatencySummary: Sendable, Equatable, Codable {
    /// Median.
    public var p50: Double
    /// 95th percentile.
    public var p95: Double
    /// 99th percentile.
    public var p99: Double
    /// 99.9th percentile.
    public var p999: Double
    /// Largest.
    public var max: Double
    /// Mean.
    public var mean: Double

    enum CodingKeys: String, CodingKey {
        case p50, p95, p99, p999 = "p99_9", max, mean
    }

    /// Reads the percentiles of a histogram of nanoseconds.
    public init(nanoseconds histogram: Histogram<UInt64>) {
        func micros(_ value: UInt64) -> Double { Double(value) / 1_000 }
        p50 = micros(histogram.valueAtPercentile(50))
        p95 = micros(histogram.valueAtPercentile(95))
        p99 = micros(histogram.valueAtPercentile(99))
        p999 = micros(histogram.valueAtPercentile(99.9))
        max = micros(histogram.max)
        mean = histogram.totalCount == 0 ? 0 : histogram.mean / 1_000
    }

    /// A histogram for latencies in nanoseconds: 1 ns to 100 s, three significant digits.
    public static func makeHistogram() -> Histogram<UInt64> {
        Histogram(
            lowestDiscernibleValue: 1, highestTrackableValue: 100_000_000_000, numberOfSignificantValueDigits: .three)
    }
}
