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
