import Histogram

/// What one measured run of one target recorded (or one event loop's share of it).
public struct RunSample: Sendable {
    /// Replies received.
    public var requests = 0
    /// Error replies among them.
    public var errors = 0
    /// Reads (or `MGET` elements) that found their key.
    public var hits = 0
    /// Reads (or `MGET` elements) that found nothing.
    public var misses = 0
    /// Latency of every reply, in nanoseconds.
    public var latency = LatencySummary.makeHistogram()
    /// Monotonic time of the first request sent (`UInt64.max` if none).
    public var firstSendNanos = UInt64.max
    /// Monotonic time of the last reply received (0 if none).
    public var lastReplyNanos: UInt64 = 0

    /// An empty sample.
    public init() {}

    /// Seconds from the first request to the last reply.
    public var seconds: Double {
        lastReplyNanos > firstSendNanos ? Double(lastReplyNanos - firstSendNanos) / 1e9 : 0
    }

    /// Replies per second.
    public var opsPerSecond: Double { seconds > 0 ? Double(requests) / seconds : 0 }

    /// The share of reads that hit, or nil when nothing was read.
    public var hitRatio: Double? { hits + misses > 0 ? Double(hits) / Double(hits + misses) : nil }

    /// Adds another sample of the same run (another event loop's share).
    public mutating func merge(_ other: RunSample) {
        requests += other.requests
        errors += other.errors
        hits += other.hits
        misses += other.misses
        latency.add(other.latency)
        firstSendNanos = min(firstSendNanos, other.firstSendNanos)
        lastReplyNanos = max(lastReplyNanos, other.lastReplyNanos)
    }
}
