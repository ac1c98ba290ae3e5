import Histogram

/// One command's latency counts, in the bucket layout of an HDR histogram of microseconds
/// (up to one hour, two significant digits), turned into a `Histogram` only for scrapes.
///
/// Hand-written recording, not `Histogram.record`, whose call makes two unspecialised
/// helper calls, a uniqueness check of its counts array and min/max tracking per command
/// (`docs/decisions/0004-exposition-without-swift-prometheus.md`). The slots are the library's and the
/// extremes are kept exactly, so a histogram built from them equals, in counts, extremes
/// and quantiles, the one the library would have recorded value by value.
enum LatencyCounts {
    /// The largest value recorded (one hour); larger ones are clamped to it.
    static let highestValue: UInt64 = 3_600_000_000
    /// `log2` of half the sub-buckets per bucket: two significant digits need 200
    /// sub-buckets, rounded up to 256.
    private static let halfCountMagnitude = 7
    private static let halfCount = 1 << halfCountMagnitude
    /// Values below the sub-bucket count fall in bucket 0.
    private static let subBucketMask = UInt64(2 << halfCountMagnitude - 1)
    /// Bucket slots per command: the index of ``highestValue``, plus one.
    static let length = index(micros: highestValue) + 1
    /// After the buckets: the least non-zero value minus one (wrapping, so that zero, which
    /// the library leaves out of its minimum, never is the least), and the greatest value.
    private static let leastSlot = length
    private static let greatestSlot = length + 1

    /// Zeroed slots for one command.
    static func allocate() -> UnsafeMutablePointer<UInt64> {
        let counts = UnsafeMutablePointer<UInt64>.allocate(capacity: length + 2)
        counts.initialize(repeating: 0, count: length + 2)
        counts[leastSlot] = .max
        return counts
    }

    /// Counts a latency of `micros` (as ``highestValue`` if above it).
    @inline(__always)
    static func record(_ micros: UInt64, in counts: UnsafeMutablePointer<UInt64>) {
        let micros = min(micros, highestValue)
        counts[index(micros: micros)] &+= 1
        counts[leastSlot] = min(counts[leastSlot], micros &- 1)
        counts[greatestSlot] = max(counts[greatestSlot], micros)
    }

    /// The slot a latency of `micros` (at most ``highestValue``) counts in.
    @inline(__always)
    static func index(micros: UInt64) -> Int {
        // Bucket 0 holds 0..<256 one by one; bucket b holds [128 << b, 256 << b) in steps of 1 << b.
        let bucket = (63 &- halfCountMagnitude) &- (micros | subBucketMask).leadingZeroBitCount
        return (bucket &+ 1) << halfCountMagnitude &+ Int(truncatingIfNeeded: micros >> UInt64(bucket)) &- halfCount
    }

    /// The lowest latency that counts in slot `index`.
    static func lowestValue(at index: Int) -> UInt64 {
        let bucket = (index >> halfCountMagnitude) &- 1
        if bucket < 0 { return UInt64(index) }
        return UInt64((index & (halfCount &- 1)) &+ halfCount) << UInt64(bucket)
    }

    /// An empty histogram with the layout of these counts.
    static func emptyHistogram() -> Histogram<UInt64> {
        Histogram(highestTrackableValue: highestValue, numberOfSignificantValueDigits: .two)
    }

    /// The histogram of the slots at `counts` (from ``allocate()``).
    static func histogram(of counts: UnsafePointer<UInt64>) -> Histogram<UInt64> {
        var histogram = emptyHistogram()
        let least = counts[leastSlot] &+ 1
        let greatest = counts[greatestSlot]
        for index in 0..<length where counts[index] != 0 {
            var rest = counts[index]
            // The extremes as they were, for the histogram's minimum and maximum.
            for extreme in [least, greatest] where rest > 0 && extreme != 0 && Self.index(micros: extreme) == index {
                histogram.record(extreme)
                rest -= 1
            }
            // Any value of the slot counts there; one between the extremes leaves them as they are.
            let filler = index == 0 ? 0 : min(max(lowestValue(at: index), least), greatest)
            if rest > 0 { histogram.record(filler, count: rest) }
        }
        return histogram
    }
}
