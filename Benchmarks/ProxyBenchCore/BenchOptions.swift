/// A validated benchmark configuration.
public struct BenchOptions: Sendable, Equatable {
    /// The endpoints, in the order given; ratios are to the first.
    public var targets: [BenchTarget] = [BenchTarget(name: "redis", host: "127.0.0.1", port: 6379)]
    /// Client connections per target.
    public var connections = 50
    /// Requests sent per batch on a connection.
    public var pipeline = 1
    /// When each measured run stops.
    public var stop = StopCondition.requests(100_000)
    /// What to send.
    public var workload = Workload.get
    /// Share of reads in `mixed` and `hset-hget`.
    public var readRatio = 0.9
    /// Distinct keys read and written.
    public var keyspace = 10_000
    /// Size of written values.
    public var valueSize = ValueSize(min: 3, max: 3)
    /// Keys per `MGET`.
    public var mgetKeys = 10
    /// The share of reads that find their key, set up before the runs; nil: no set-up.
    public var hitRatio: Double?
    /// Open-loop arrival rate in requests per second over all connections; nil: closed loop.
    public var rate: Double?
    /// Seconds of unmeasured load before each measured run.
    public var warmup = 0.0
    /// How many times every target is measured (targets interleaved).
    public var repeats = 1
    /// Client event-loop threads.
    public var threads = 1
    /// Seed of the key and value-size choices.
    public var seed: UInt64 = 1
    /// Print JSON instead of a table.
    public var json = false
    /// Seconds to wait for a connection.
    public var connectTimeout = 5.0

    /// The defaults.
    public init() {}
}
