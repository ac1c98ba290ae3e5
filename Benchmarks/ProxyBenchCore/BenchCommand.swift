import ArgumentParser

/// `redis-proxy-bench`: the command line. Every value is taken as text and validated by
/// ``options(environment:)``, so a bad one yields one precise line.
public struct BenchCommand: ParsableCommand {
    /// Name, abstract and discussion for `--help`.
    public static let configuration = CommandConfiguration(
        commandName: "redis-proxy-bench",
        abstract: "Load generator for Redis and Redis proxies: throughput and latency, several targets interleaved.",
        discussion: "Every option but --target and --json can also be set by an environment variable "
            + "REDIS_PROXY_BENCH_<OPTION> (e.g. REDIS_PROXY_BENCH_PIPELINE); a flag on the command line wins."
    )

    @Option(
        name: .customLong("target"),
        help: "NAME=HOST:PORT to measure; repeat for several (ratios are to the first). (default: redis=127.0.0.1:6379)"
    )
    var targets: [String] = []

    @Option(help: "Client connections per target. (default: 50)")
    var connections: String?

    @Option(help: "Requests sent per batch on each connection. (default: 1)")
    var pipeline: String?

    @Option(help: "Requests per measured run, over all connections. (default: 100000)")
    var requests: String?

    @Option(help: "Length of each measured run instead of --requests: 10s, 500ms, 2m.")
    var duration: String?

    @Option(help: "get, set, mixed, incr, lpush-lpop, hset-hget or mget. (default: get)")
    var workload: String?

    @Option(help: "Share of reads (GET, HGET) in the mixed and hset-hget workloads, 0...1. (default: 0.9)")
    var readRatio: String?

    @Option(help: "Distinct keys. (default: 10000)")
    var keyspace: String?

    @Option(help: "Bytes per written value: N, or MIN-MAX drawn per write. (default: 3)")
    var valueSize: String?

    @Option(help: "Keys per MGET in the mget workload. (default: 10)")
    var mgetKeys: String?

    @Option(help: "Share of reads that find their key, 0...1: sets and deletes keys before the runs. (default: none)")
    var hitRatio: String?

    @Option(help: "Open loop: requests per second over all connections, latency from the intended send time.")
    var rate: String?

    @Option(help: "Unmeasured load before each measured run: 2s, 500ms. (default: 0)")
    var warmup: String?

    @Option(name: .customLong("repeat"), help: "Measured runs per target, targets interleaved. (default: 1)")
    var repeats: String?

    @Option(help: "Client event-loop threads. (default: 1)")
    var threads: String?

    @Option(help: "Seed for key and size choices. (default: 1)")
    var seed: String?

    @Option(help: "Seconds to wait for a connection. (default: 5)")
    var connectTimeout: String?

    @Flag(help: "Print the results as one JSON object.")
    var json = false

    /// Creates an empty command (argument parser).
    public init() {}

    /// Resolves flags, environment and defaults into a validated configuration.
    public func options(environment: [String: String] = [:]) throws(BenchUsageError) -> BenchOptions {
        let values = OptionValues(environment: environment)
        var options = BenchOptions()
        if !targets.isEmpty {
            options.targets = []
            for text in targets {
                do {
                    options.targets.append(try BenchTarget(parsing: text))
                } catch {
                    throw BenchUsageError("invalid --target: \(error.message)")
                }
            }
        }
        let names = options.targets.map(\.name)
        if let duplicate = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw BenchUsageError("invalid --target: the name '\(duplicate)' is given twice")
        }
        options.connections = try values.integer(connections, "connections", 50, in: 1...10_000)
        options.pipeline = try values.integer(pipeline, "pipeline", 1, in: 1...10_000)
        let requestCount = try values.optionalInteger(requests, "requests", in: 1...1_000_000_000_000)
        let seconds = try values.duration(duration, "duration", allowZero: false)
        switch (requestCount, seconds) {
        case (.some, .some): throw BenchUsageError("--requests and --duration exclude each other; give one")
        case (_, .some(let seconds)): options.stop = .duration(seconds)
        case (let count, nil): options.stop = .requests(count ?? 100_000)
        }
        options.workload =
            try values.parse(workload, "workload") { text throws(BenchUsageError) in
                try Workload(parsing: text)
            } ?? .get
        let readRatio = try values.fraction(readRatio, "read-ratio")
        if readRatio != nil && !options.workload.usesReadRatio {
            throw BenchUsageError("--read-ratio applies to the mixed and hset-hget workloads only")
        }
        options.readRatio = readRatio ?? 0.9
        options.keyspace = try values.integer(keyspace, "keyspace", 10_000, in: 1...100_000_000)
        options.valueSize =
            try values.parse(valueSize, "value-size") { text throws(BenchUsageError) in
                try ValueSize(parsing: text)
            } ?? ValueSize(min: 3, max: 3)
        options.mgetKeys = try values.integer(mgetKeys, "mget-keys", 10, in: 1...10_000)
        options.hitRatio = try hitRatio(values, keyspace: options.keyspace, workload: options.workload)
        options.rate = try values.parse(rate, "rate") { text throws(BenchUsageError) in
            guard let value = Double(text), value.isFinite, value > 0, value <= 100_000_000 else {
                throw BenchUsageError("'\(text)' is not a rate in requests per second (greater than 0)")
            }
            return value
        }
        options.warmup = try values.duration(warmup, "warmup", allowZero: true) ?? 0
        options.repeats = try values.integer(repeats, "repeat", 1, in: 1...1_000)
        options.threads = try values.integer(threads, "threads", 1, in: 1...256)
        options.seed = UInt64(try values.integer(seed, "seed", 1, in: 0...Int.max))
        options.connectTimeout = try values.duration(connectTimeout, "connect-timeout", allowZero: false) ?? 5
        options.json = json
        return options
    }

    private func hitRatio(
        _ values: OptionValues, keyspace: Int, workload: Workload
    ) throws(BenchUsageError) -> Double? {
        guard let ratio = try values.fraction(hitRatio, "hit-ratio") else { return nil }
        guard workload.readsKeys else {
            throw BenchUsageError("--hit-ratio applies to the get, mixed, mget and hset-hget workloads only")
        }
        let expected = KeyPlan(keyspace: keyspace, hitRatio: ratio).expectedHitRatio ?? ratio
        guard abs(expected - ratio) <= 0.005 else {
            throw BenchUsageError(
                "invalid --hit-ratio: \(ratio) cannot be set up with --keyspace \(keyspace) "
                    + "(closest: \(expected)); use a larger keyspace")
        }
        return ratio
    }
}
