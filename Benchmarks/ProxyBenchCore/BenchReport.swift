import Histogram

/// The results of a whole benchmark: the configuration and one summary per target.
public struct BenchReport: Sendable, Codable {
    /// What was run.
    public var configuration: ConfigurationSummary
    /// One entry per target, in the order given.
    public var targets: [TargetSummary]

    /// Summarises `samples[t][r]`: target `t`'s run in round `r`; ratios are to target 0
    /// in the same round.
    public init(options: BenchOptions, samples: [[RunSample]]) {
        precondition(samples.count == options.targets.count)
        configuration = ConfigurationSummary(options)
        let baseline = samples[0].map(\.opsPerSecond)
        targets = zip(options.targets, samples).map { target, runs in
            TargetSummary(target: target, runs: runs, baseline: baseline)
        }
    }
}

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

/// The options a report was made with.
public struct ConfigurationSummary: Sendable, Codable {
    /// Workload name.
    public var workload: String
    /// Connections per target.
    public var connections: Int
    /// Requests per batch.
    public var pipeline: Int
    /// Requests per run (nil with a duration).
    public var requests: Int?
    /// Seconds per run (nil with a request count).
    public var durationSeconds: Double?
    /// Distinct keys.
    public var keyspace: Int
    /// Value size, `N` or `MIN-MAX`.
    public var valueSize: String
    /// Read share (mixed, hset-hget only).
    public var readRatio: Double?
    /// Requested hit ratio.
    public var hitRatio: Double?
    /// Open-loop rate in requests per second.
    public var rate: Double?
    /// Warm-up seconds before each run.
    public var warmupSeconds: Double
    /// Runs per target.
    public var repeats: Int
    /// Client threads.
    public var threads: Int
    /// Random seed.
    public var seed: UInt64

    init(_ options: BenchOptions) {
        workload = options.workload.rawValue
        connections = options.connections
        pipeline = options.pipeline
        switch options.stop {
        case .requests(let count): requests = count
        case .duration(let seconds): durationSeconds = seconds
        }
        keyspace = options.keyspace
        valueSize = options.valueSize.description
        readRatio = options.workload.usesReadRatio ? options.readRatio : nil
        hitRatio = options.hitRatio
        rate = options.rate
        warmupSeconds = options.warmup
        repeats = options.repeats
        threads = options.threads
        seed = options.seed
    }
}
