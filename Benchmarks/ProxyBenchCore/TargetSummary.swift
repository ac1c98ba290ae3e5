/// One target's results over all its runs.
public struct TargetSummary: Sendable, Codable {
    /// The target's name.
    public var name: String
    /// Its address.
    public var address: String
    /// Replies per second: median and range over the runs.
    public var opsPerSecond: Spread
    /// Latency over all runs together, in microseconds.
    public var latencyMicroseconds: LatencySummary
    /// Replies over all runs.
    public var requests: Int
    /// Error replies over all runs.
    public var errors: Int
    /// The share of reads that hit, over all runs (nil when nothing was read).
    public var hitRatio: Double?
    /// This target's ops/s over the first target's, per round: median and range.
    public var ratioToFirst: Spread?
    /// Each run, in round order.
    public var runs: [RunSummary]

    init(target: BenchTarget, runs samples: [RunSample], baseline: [Double]) {
        name = target.name
        address = target.address
        var total = RunSample()
        for sample in samples { total.merge(sample) }
        opsPerSecond = Spread(samples.map(\.opsPerSecond))
        latencyMicroseconds = LatencySummary(nanoseconds: total.latency)
        requests = total.requests
        errors = total.errors
        hitRatio = total.hitRatio
        ratioToFirst = Spread.ratios(samples.map(\.opsPerSecond), to: baseline)
        runs = samples.map(RunSummary.init)
    }
}
