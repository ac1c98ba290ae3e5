import ArgumentParser
import DurationText
import Logging
import NIOCore
import NIOPosix
import Proxy
import ServiceLifecycle
import TLS
import Telemetry

/// `redis-lens`: a transparent Redis proxy that measures every command.
///
/// Every option can also come from an environment variable (`--pool-max` from
/// `REDIS_LENS_POOL_MAX`, and so on); a flag on the command line wins.
struct RedisLensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redis-lens",
        abstract: "A transparent Redis proxy that measures every command.",
        discussion: "Every option can also be set by an environment variable REDIS_LENS_<OPTION> "
            + "(e.g. REDIS_LENS_UPSTREAM); a flag on the command line wins.\n\n"
            + "The live page is at http://ADMIN-LISTEN/ (default http://127.0.0.1:9122/). "
            + "`redis-lens top [--admin HOST:PORT]` shows the same numbers in a terminal (see `redis-lens top --help`)."
    )

    @Option(
        help:
            "Address clients connect to, HOST:PORT; none: no plaintext port (with --tls-listen). (default: 127.0.0.1:6380)"
    )
    var listen: String?

    @OptionGroup(title: "TLS")
    var tls: TLSOptions

    @OptionGroup(title: "Redis Cluster")
    var cluster: ClusterOptions

    @Option(
        help:
            "The real Redis: redis://[user:password@]HOST:PORT[/db], a Sentinel-managed primary: redis+sentinel://[user:password@]HOST:PORT,.../NAME[/db], or a Cluster: redis+cluster://[user:password@]HOST:PORT[,HOST:PORT...]. (default: redis://127.0.0.1:6379)"
    )
    var upstream: String?

    @OptionGroup(title: "Sentinel")
    var sentinel: SentinelOptions

    @Option(help: "Admin HTTP endpoint (/healthz, /readyz), HOST:PORT. (default: 127.0.0.1:9122)")
    var adminListen: String?

    @Option(help: "Upstream connections kept open and idle, ready for clients. (default: 4)")
    var poolMinIdle: String?

    @Option(help: "Idle upstream connections kept at most. (default: 16)")
    var poolMaxIdle: String?

    @Option(help: "Upstream connections open at most (one per client). (default: 10000)")
    var poolMax: String?

    @Option(
        help:
            "dedicated: one upstream connection per client; shared: each thread pipelines its clients onto --shared-connections connections, pinning a client to a dedicated one while it holds connection state. (default: dedicated)"
    )
    var poolMode: String?

    @Option(help: "Shared upstream connections per data-path thread with --pool-mode shared, 1-64. (default: 1)")
    var sharedConnections: String?

    @Option(
        help: "Seconds a client waits for an upstream connection (all in use, or Redis unreachable). (default: 5)")
    var poolWaitTimeout: String?

    @Option(help: "Seconds to connect and log in to the upstream. (default: 3)")
    var connectTimeout: String?

    @Option(help: "Seconds a shutdown waits for in-flight replies. (default: 10)")
    var drainTimeout: String?

    @Option(help: "Largest bulk string a client may send, in bytes (Redis's proto-max-bulk-len). (default: 536870912)")
    var maxBulkLength: String?

    @Option(help: "Longest inline command a client may send, in bytes. (default: 65536)")
    var maxInlineLength: String?

    @Option(
        help: "Seconds between INFO polls of the upstream (memory, keyspace, ...); 0 turns polling off. (default: 5)")
    var infoInterval: String?

    @Option(help: "Data-path threads, one epoll loop each. (default: number of cores)")
    var threads: String?

    @Flag(help: "Print every built-in command's label, category and hit/miss rule as a Markdown table, then exit.")
    var listCommands = false

    @Flag(
        help:
            "Log every client in with the --upstream URL's credentials and database (off: clients authenticate themselves, as with Redis)."
    )
    var clientLoginFromUpstream = false

    @Flag(help: "Record nothing: no command metrics, slow log or key prefixes (for measuring overhead).")
    var noTelemetry = false

    @Option(help: "Commands at least this slow count as slow: 100ms, 0.5s, 250us, or seconds. (default: 100ms)")
    var slowThreshold: String?

    @Option(help: "Slow commands kept for /slowlog. (default: 128)")
    var slowlogSize: String?

    @Option(help: "Segments of a key that form its prefix; turns key-prefix metrics on. (default: off)")
    var keyPrefixDepth: String?

    @Option(help: "The byte between key segments. (default: :)")
    var keyPrefixDelimiter: String?

    @Option(help: "Distinct key prefixes tracked; the rest count as 'other'. (default: 100)")
    var maxPrefixes: String?

    @Option(help: "The client label of command metrics: name, lib (CLIENT SETINFO LIB-NAME) or none. (default: name)")
    var clientLabel: String?

    @Option(help: "Distinct client label values; later ones count as 'other'. (default: 50)")
    var maxClientsLabelled: String?

    @OptionGroup(title: "Hot keys and big keys")
    var hotKeys: HotKeyOptions

    @Option(help: "OTLP/HTTP base URL; spans go to URL/v1/traces (OTEL_EXPORTER_OTLP_ENDPOINT). (default: off)")
    var otlpEndpoint: String?

    @Option(help: "Export encoding: http/protobuf or http/json (OTEL_EXPORTER_OTLP_PROTOCOL). (default: http/protobuf)")
    var otlpProtocol: String?

    @Option(help: "Extra export headers, key=value,... (OTEL_EXPORTER_OTLP_HEADERS).")
    var otlpHeaders: String?

    @Option(help: "Timeout of one export request: 10s, 500ms (OTEL_EXPORTER_OTLP_TIMEOUT in ms). (default: 10s)")
    var otlpTimeout: String?

    @Option(help: "service.name of the exported spans (OTEL_SERVICE_NAME). (default: redis-lens)")
    var otlpServiceName: String?

    @Option(help: "More resource attributes, key=value,... (OTEL_RESOURCE_ATTRIBUTES).")
    var otlpResourceAttributes: String?

    @Option(help: "Spans per export request at most. (default: 2048)")
    var otlpBatchSize: String?

    @Option(help: "Seconds a span waits at most before it is exported. (default: 1)")
    var otlpFlushInterval: String?

    @Option(help: "Spans queued for export at most; more are dropped and counted. (default: 8192)")
    var otlpMaxQueue: String?

    @Option(help: "Spans exported per second at most, 0 for no limit; more are dropped and counted. (default: 60000)")
    var otlpMaxSpansPerSecond: String?

    @Option(help: "Also append every export request as one JSON line to this file. (default: off)")
    var otlpFile: String?

    @Option(help: "Share of ordinary commands whose spans are kept, 0...1. (default: 0.01)")
    var traceSampleRatio: String?

    @Option(help: "Always keep spans of slow commands (--slow-threshold): true or false. (default: true)")
    var traceKeepSlow: String?

    @Option(help: "db.query.text of spans: none, sanitized or full. (default: sanitized)")
    var spanQueryText: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical. (default: info)")
    var logLevel: String?

    @Option(help: "json, text, or auto (text on a terminal, else json). (default: auto)")
    var logFormat: String?

    @Option(help: "Share of commands written to the activity log, 0 (off) to 1 (every command). (default: 0)")
    var activityLog: String?

    @Option(help: "Text (and a space) before each activity-log line's JSON, e.g. redis_cache_event. (default: none)")
    var activityLogPrefix: String?

    @Option(help: "Push the activity log to Loki at this URL (/loki/api/v1/push) instead of stdout. (default: off)")
    var lokiUrl: String?

    /// Resolves flags, environment and defaults into a validated configuration.
    func settings(environment: [String: String]) throws(ConfigurationError) -> Settings {
        let values = OptionValues(environment: environment)
        var proxy = ProxyConfiguration()
        proxy.listen = try values.parse(listen, "listen", "127.0.0.1:6380") { text throws(ConfigurationError) in
            text.lowercased() == "none" ? nil : try HostPort(parsing: text)
        }
        (proxy.upstream, proxy.sentinel) = try sentinel.upstream(upstream, values)
        let clientTLS = try tls.clientSide(values)
        proxy.tlsListen = clientTLS?.0
        guard proxy.listen != nil || proxy.tlsListen != nil else {
            throw ConfigurationError("--listen none needs --tls-listen (clients need a port)")
        }
        let upstreamTLS = try tls.upstreamSide(values, upstream: proxy.upstream)
        proxy.adminListen = try values.parse(adminListen, "admin-listen", "127.0.0.1:9122") {
            text throws(ConfigurationError) in try HostPort(parsing: text)
        }
        proxy.cluster = try cluster.settings(values, upstream: upstream, proxy: proxy)
        proxy.pool.minIdle = try values.integer(poolMinIdle, "pool-min-idle", 4, in: 0...100_000)
        proxy.pool.maxIdle = try values.integer(poolMaxIdle, "pool-max-idle", 16, in: 0...100_000)
        proxy.pool.maxTotal = try values.integer(poolMax, "pool-max", 10_000, in: 1...1_000_000)
        proxy.pool.waitTimeoutSeconds = try values.seconds(poolWaitTimeout, "pool-wait-timeout", 5)
        proxy.pool.connectTimeoutSeconds = try values.seconds(connectTimeout, "connect-timeout", 3)
        proxy.drainTimeoutSeconds = try values.seconds(drainTimeout, "drain-timeout", 10)
        proxy.requestLimits.maxBulkLength = try values.integer(
            maxBulkLength, "max-bulk-length", 512 * 1024 * 1024, in: 1...(1 << 40))
        proxy.requestLimits.maxInlineLength = try values.integer(
            maxInlineLength, "max-inline-length", 64 * 1024, in: 1...(1 << 30))
        proxy.pool.clientLoginFromUpstream =
            clientLoginFromUpstream || values.isTrue("client-login-from-upstream")
        proxy.pool.mode = try values.parse(poolMode, "pool-mode", "dedicated") { text throws(ConfigurationError) in
            guard let mode = PoolMode(rawValue: text.lowercased()) else {
                throw ConfigurationError("'\(text)' is not a pool mode (dedicated, shared)")
            }
            return mode
        }
        proxy.pool.sharedConnections = try values.integer(
            sharedConnections, "shared-connections", 1, in: 1...64)
        if proxy.pool.mode == .shared && proxy.cluster != nil {
            throw ConfigurationError("--pool-mode shared is not supported with a cluster yet")
        }
        guard proxy.pool.minIdle <= proxy.pool.maxTotal else {
            throw ConfigurationError(
                "--pool-min-idle (\(proxy.pool.minIdle)) exceeds --pool-max (\(proxy.pool.maxTotal))")
        }
        let threads = try values.integer(threads, "threads", System.coreCount, in: 1...1024)
        let infoInterval = try values.parse(infoInterval, "info-interval", "5") { text throws(ConfigurationError) in
            guard let value = Double(text), value.isFinite, value >= 0, value <= 86_400 else {
                throw ConfigurationError("'\(text)' is not a number of seconds (0 turns polling off, at most 86400)")
            }
            return value
        }
        let level = try values.parse(logLevel, "log-level", "info") { text throws(ConfigurationError) in
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                throw ConfigurationError(
                    "'\(text)' is not a log level (trace, debug, info, notice, warning, error, critical)")
            }
            return level
        }
        let format = try values.parse(logFormat, "log-format", "auto") { text throws(ConfigurationError) in
            guard let format = LogFormat(rawValue: text.lowercased()) else {
                throw ConfigurationError("'\(text)' is not a log format (json, text, auto)")
            }
            return format
        }
        let telemetry = try telemetrySettings(values)
        let spans = try spanSettings(values, proxy: proxy, telemetry: telemetry)
        let disabled = noTelemetry || values.isTrue("no-telemetry")
        let activityLog = try activityLogSettings(values, telemetry: !disabled)
        return Settings(
            proxy: proxy, telemetry: disabled ? nil : telemetry, spans: disabled ? nil : spans, threads: threads,
            logLevel: level, logFormat: format, infoIntervalSeconds: infoInterval, activityLog: activityLog,
            clientTLS: try TLSOptions.context(clientTLS?.1), upstreamTLS: try TLSOptions.context(upstreamTLS))
    }

    private func telemetrySettings(_ values: OptionValues) throws(ConfigurationError) -> TelemetryConfiguration {
        var telemetry = TelemetryConfiguration()
        let threshold = try values.parse(slowThreshold, "slow-threshold", "100ms") { text throws(ConfigurationError) in
            try Self.duration(text)
        }
        telemetry.slowThresholdNanos = UInt64(threshold * 1e9)
        telemetry.slowLogSize = try values.integer(slowlogSize, "slowlog-size", 128, in: 0...100_000)
        let depth = try values.integer(keyPrefixDepth, "key-prefix-depth", 0, in: 0...16)
        telemetry.clientLabel = try values.parse(clientLabel, "client-label", "name") {
            text throws(ConfigurationError) in
            guard let mode = ClientLabelMode(rawValue: text.lowercased()) else {
                throw ConfigurationError("'\(text)' is not a client label (name, lib, none)")
            }
            return mode
        }
        telemetry.maxClientsLabelled = try values.integer(
            maxClientsLabelled, "max-clients-labelled", 50, in: 0...10_000)
        if depth > 0 {
            var prefixes = KeyPrefixConfiguration()
            prefixes.depth = depth
            prefixes.delimiter = try values.parse(keyPrefixDelimiter, "key-prefix-delimiter", ":") {
                text throws(ConfigurationError) in
                guard text.utf8.count == 1, let byte = text.utf8.first else {
                    throw ConfigurationError("'\(text)' is not a single byte")
                }
                return byte
            }
            prefixes.maxPrefixes = try values.integer(maxPrefixes, "max-prefixes", 100, in: 1...10_000)
            telemetry.keyPrefixes = prefixes
        }
        telemetry.keyWindows = try hotKeys.configuration(values)
        return telemetry
    }

    /// `100ms`, `0.5s`, `250us` or a plain number of seconds, at most one hour.
    static func duration(_ text: String) throws(ConfigurationError) -> Double {
        guard let seconds = DurationText.seconds(text), seconds <= 3600 else {
            throw ConfigurationError("'\(text)' is not a duration (100ms, 0.5s, 250us; at most 1 hour)")
        }
        return seconds
    }
}

/// The validated configuration of one run.
struct Settings: Sendable {
    var proxy: ProxyConfiguration
    var telemetry: TelemetryConfiguration?
    /// Span export; nil unless an OTLP endpoint or `--otlp-file` is set.
    var spans: SpanSettings?
    var threads: Int
    var logLevel: Logger.Level
    var logFormat: LogFormat
    /// Seconds between INFO polls; 0: no polling.
    var infoIntervalSeconds: Double
    /// The activity log; nil when off.
    var activityLog: ActivityLogSettings?
    /// TLS for clients (`--tls-listen`), loaded; nil when off.
    var clientTLS: TLSContext?
    /// TLS to Redis (`rediss://`), loaded; nil when off.
    var upstreamTLS: TLSContext?
}
