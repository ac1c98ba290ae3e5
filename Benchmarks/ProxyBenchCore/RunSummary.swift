/// One measured run.
public struct RunSummary: Sendable, Codable {
    /// Replies received.
    public var requests: Int
    /// Error replies.
    public var errors: Int
    /// Reads that hit.
    public var hits: Int
    /// Reads that missed.
    public var misses: Int
    /// First request to last reply.
    public var seconds: Double
    /// Replies per second.
    public var opsPerSecond: Double
    /// Latency percentiles.
    public var latencyMicroseconds: LatencySummary

    init(_ sample: RunSample) {
        requests = sample.requests
        errors = sample.errors
        hits = sample.hits
        misses = sample.misses
        seconds = sample.seconds
        opsPerSecond = sample.opsPerSecond
        latencyMicroseconds = LatencySummary(nanoseconds: sample.latency)
    }
}
