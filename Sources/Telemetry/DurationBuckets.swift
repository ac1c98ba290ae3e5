/// The fixed histogram buckets of `redislens_command_duration_seconds`: 50 µs to 10 s.
public enum DurationBuckets {
    /// Upper bounds in seconds, as rendered in `le` labels.
    public static let bounds: [String] = [
        "5e-05", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
        "0.25", "0.5", "1", "2.5", "5", "10",
    ]

    /// Upper bounds in nanoseconds.
    public static let boundsNanos: [UInt64] = [
        50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000, 50_000_000,
        100_000_000, 250_000_000, 500_000_000, 1_000_000_000, 2_500_000_000, 5_000_000_000, 10_000_000_000,
    ]

    /// Buckets per series, including the last (+Inf) one: `boundsNanos.count + 1`, as a
    /// literal so the per-command offsets that use it fold to constants.
    public static let count = 18

    /// The bucket a duration falls in (`count - 1` for above 10 s). The common buckets
    /// (up to 1 ms) are literal comparisons: no array access per command.
    @inline(__always)
    public static func index(nanos: UInt64) -> Int {
        if nanos <= 50_000 { return 0 }
        if nanos <= 100_000 { return 1 }
        if nanos <= 250_000 { return 2 }
        if nanos <= 500_000 { return 3 }
        if nanos <= 1_000_000 { return 4 }
        var index = 5
        while index < boundsNanos.count && nanos > boundsNanos[index] { index += 1 }
        return index
    }
}
