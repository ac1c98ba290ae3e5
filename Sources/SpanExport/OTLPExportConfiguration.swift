import Telemetry

/// Where and how kept spans are exported.
public struct OTLPExportConfiguration: Sendable {
    /// The full traces URL (`http://collector:4318/v1/traces`); nil: no HTTP export.
    public var tracesEndpoint: String?
    /// How request bodies are encoded (`--otlp-protocol`; default `http/protobuf`, as the
    /// OpenTelemetry exporters do). `--otlp-file` lines are JSON either way.
    public var encoding = OTLPEncoding.protobuf
    /// Extra HTTP headers (`OTEL_EXPORTER_OTLP_HEADERS`); never logged.
    public var headers: [(name: String, value: String)] = []
    /// Timeout of one export request, in seconds (default 10).
    public var timeoutSeconds: Double = 10
    /// Who produced the spans (`service.name`, scope `redis-lens`).
    public var resource = OTLPResource(attributes: [], scopeName: "redis-lens", scopeVersion: "0")
    /// Spans per request at most (default 2048, about 1 MB in protobuf): each request costs
    /// the exporter and the HTTP client about half a millisecond of CPU, as much as encoding
    /// some 700 spans, so at high rates fewer, larger requests leave the data path more CPU
    /// (`docs/decisions/0011-span-export-throughput.md`, part H8).
    public var batchSize = 2048
    /// Longest a span waits before it is sent, in seconds (default 1).
    public var flushIntervalSeconds: Double = 1
    /// Spans queued at most; more are dropped (default 8192).
    public var maxQueue = 8192
    /// HTTP export requests in flight at most (default 4): with one, the endpoint's round
    /// trip capped the spans exported per second
    /// (`docs/decisions/0011-span-export-throughput.md`).
    public var maxConcurrentExports = 4
    /// Spans exported per second at most (0: no limit; default 60,000): beyond it spans are
    /// dropped unbuilt (`queue_full`), which bounds what export takes from the data path.
    public var maxSpansPerSecond = 60_000
    /// Also (or only) append each request as one JSON line to this file.
    public var filePath: String?
    /// Attempts per request on 429/502/503/504 and connection errors (default 5).
    public var maxAttempts = 5
    /// How often a repeated export problem is logged at most, in seconds (default 60).
    public var logIntervalSeconds: Double = 60

    /// The defaults (exporting nowhere).
    public init() {}

    /// Whether spans go anywhere: an endpoint or a file is set.
    public var isEnabled: Bool { tracesEndpoint != nil || filePath != nil }
}
