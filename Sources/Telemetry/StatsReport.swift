import Foundation
import RedisCommands

/// The `/stats` JSON document: per command and category counts, quantiles from the
/// HDR histograms, hit ratios; the proxy adds pool and uptime.
public struct StatsReport: Codable, Sendable {
    /// One command's numbers.
    public struct Command: Codable, Sendable {
        /// Answered commands.
        public var count: UInt64
        /// Error replies.
        public var errors: UInt64
        /// Latency quantiles in seconds.
        public var p50: Double, p95: Double, p99: Double, p999: Double
        /// hits / (hits + misses), absent for commands without hits.
        public var hitRatio: Double?
        /// Slow commands.
        public var slow: UInt64
        /// Upstream duration quantiles in seconds (Redis and the network), absent until a
        /// command's upstream write was timed.
        public var upstreamP50: Double?, upstreamP99: Double?
    }

    /// One category's numbers.
    public struct Category: Codable, Sendable {
        /// Answered commands.
        public var count: UInt64
        /// Error replies.
        public var errors: UInt64
    }

    /// By command label.
    public var commands: [String: Command] = [:]
    /// By category label.
    public var categories: [String: Category] = [:]
    /// Hit ratio over all commands with hits and misses (absent before any).
    public var hitRatio: Double?
    /// Filled in by the proxy: anything else worth showing (pool, uptime, ...).
    public var proxy: [String: Double] = [:]
    /// Filled in by the proxy when it polls INFO: `up`, `age_seconds` and INFO's memory
    /// fields under Redis's names (`used_memory`, `maxmemory`, ...).
    public var memory: [String: Double]?
    /// TLS handshakes, negotiated protocols and certificates by side (`client`,
    /// `upstream`), when TLS is configured.
    public var tls: [String: TLSStatistics.Side]?
    /// The Sentinel-managed primary followed (`redis+sentinel://`), when one is.
    public var sentinel: Sentinel?
    /// How clients get upstream connections (filled in by the proxy).
    public var pool: Pool?

    /// The `pool` section: the pool mode and, in shared mode, its shared connections and
    /// the clients pinned to a dedicated connection.
    public struct Pool: Codable, Sendable {
        /// `dedicated` or `shared` (`--pool-mode`).
        public var mode: String
        /// Open shared upstream connections (0 in dedicated mode).
        public var sharedConnections: Int
        /// Clients pinned to a dedicated connection now, by the reason that pinned them.
        public var pinned: [String: Int]

        /// A pool section.
        public init(mode: String, sharedConnections: Int, pinned: [String: Int]) {
            self.mode = mode
            self.sharedConnections = sharedConnections
            self.pinned = pinned
        }

        enum CodingKeys: String, CodingKey {
            case mode
            case sharedConnections = "shared_connections"
            case pinned
        }
    }

    /// The `sentinel` section: the current primary and the failovers followed.
    public struct Sentinel: Codable, Sendable {
        /// `host:port` of the current primary; absent before one was found.
        public var primary: String?
        /// Changes of primary since start.
        public var failovers: UInt64
        /// Each sentinel (`host:port`): whether it answered at last contact.
        public var sentinelsUp: [String: Bool]

        /// A section with these values.
        public init(primary: String?, failovers: UInt64, sentinelsUp: [String: Bool]) {
            self.primary = primary
            self.failovers = failovers
            self.sentinelsUp = sentinelsUp
        }
    }

    /// Builds the report from merged counters.
    public init(_ data: ShardSnapshot, table: CommandTable) {
        let kinds = RedisErrorPrefix.allCases.count
        var hits: UInt64 = 0
        var misses: UInt64 = 0
        for id in data.commands.indices where data.commands[id] > 0 && id < table.commands.count {
            let descriptor = table.commands[id]
            let errors = data.errors[(id * kinds)..<((id + 1) * kinds)].reduce(0, +)
            let histogram = data.latencies[id]
            let upstream = id < data.upstreamLatencies.count ? data.upstreamLatencies[id] : nil
            func quantile(_ percentile: Double) -> Double {
                Double(histogram?.valueAtPercentile(percentile) ?? 0) / 1e6
            }
            let idHits = data.hits[id]
            let idMisses = data.misses[id]
            hits += idHits
            misses += idMisses
            commands[descriptor.label] = Command(
                count: data.commands[id], errors: errors, p50: quantile(50), p95: quantile(95), p99: quantile(99),
                p999: quantile(99.9),
                hitRatio: idHits + idMisses > 0 ? Double(idHits) / Double(idHits + idMisses) : nil,
                slow: data.slow[id],
                upstreamP50: upstream.map { Double($0.valueAtPercentile(50)) / 1e6 },
                upstreamP99: upstream.map { Double($0.valueAtPercentile(99)) / 1e6 })
            categories[descriptor.category.label, default: Category(count: 0, errors: 0)].count += data.commands[id]
            categories[descriptor.category.label, default: Category(count: 0, errors: 0)].errors += errors
        }
        hitRatio = hits + misses > 0 ? Double(hits) / Double(hits + misses) : nil
    }

    /// Pretty, key-sorted JSON.
    public func json() -> String {
        AdminJSON.encode(self)
    }
}

extension SlowLog {
    /// The entries as a JSON array, newest first.
    public func json() -> String {
        struct Entry: Encodable {
            var command: String
            var arguments: String
            var durationSeconds: Double
            var client: String
            var time: Double
        }
        let entries = entries.map {
            Entry(
                command: $0.command, arguments: $0.arguments, durationSeconds: $0.durationSeconds,
                client: $0.clientAddress, time: $0.unixTime)
        }
        return AdminJSON.encode(entries, fallback: "[]")
    }
}
