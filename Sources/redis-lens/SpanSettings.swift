import Proxy
import SpanExport
import Telemetry

/// The validated span settings: how spans are built and sampled, and where they go.
struct SpanSettings: Sendable {
    var spans: SpanConfiguration
    var export: OTLPExportConfiguration
}

extension RedisLensCommand {
    /// Resolves the span flags (flag, then `REDIS_LENS_<FLAG>`, then the standard
    /// `OTEL_*` variable, then the default). Every value is validated, also when no
    /// endpoint is set; the result is nil when spans go nowhere.
    func spanSettings(
        _ values: OptionValues, proxy: ProxyConfiguration, telemetry: TelemetryConfiguration
    ) throws(ConfigurationError) -> SpanSettings? {
        var spans = SpanConfiguration()
        spans.sampleRatio = try values.parse(traceSampleRatio, "trace-sample-ratio", "0.01") {
            text throws(ConfigurationError) in
            guard let ratio = Double(text), ratio >= 0, ratio <= 1 else {
                throw ConfigurationError("'\(text)' is not a ratio in 0...1")
            }
            return ratio
        }
        spans.keepSlow = try values.parse(traceKeepSlow, "trace-keep-slow", "true") { text throws(ConfigurationError) in
            switch text.lowercased() {
            case "true", "1", "yes", "on": return true
            case "false", "0", "no", "off": return false
            default: throw ConfigurationError("'\(text)' is not true or false")
            }
        }
        spans.queryText = try values.parse(spanQueryText, "span-query-text", "sanitized") {
            text throws(ConfigurationError) in
            guard let mode = QueryTextMode(rawValue: text.lowercased()) else {
                throw ConfigurationError("'\(text)' is not none, sanitized or full")
            }
            return mode
        }
        spans.slowThresholdNanos = telemetry.slowThresholdNanos
        spans.serverAddress = proxy.upstream.host
        spans.serverPort = proxy.upstream.port
        spans.initialDatabase = proxy.upstream.database
        let export = try exportSettings(values)
        return export.isEnabled ? SpanSettings(spans: spans, export: export) : nil
    }

    private func exportSettings(_ values: OptionValues) throws(ConfigurationError) -> OTLPExportConfiguration {
        var export = OTLPExportConfiguration()
        let env = values.environment
        if let (text, source) = values.standard(otlpEndpoint, "otlp-endpoint", otel: []) {
            export.tracesEndpoint = try Self.url(OTLPEnvironment.tracesURL(base: text), source: source)
        } else if let text = env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"], !text.isEmpty {
            export.tracesEndpoint = try Self.url(text, source: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        } else if let text = env["OTEL_EXPORTER_OTLP_ENDPOINT"], !text.isEmpty {
            export.tracesEndpoint = try Self.url(
                OTLPEnvironment.tracesURL(base: text), source: "OTEL_EXPORTER_OTLP_ENDPOINT")
        }
        let protocolVariables = ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"]
        if let (text, source) = values.standard(otlpProtocol, "otlp-protocol", otel: protocolVariables) {
            guard let encoding = OTLPEncoding(rawValue: text.lowercased()) else {
                throw ConfigurationError(
                    "invalid \(source): '\(text)' is not http/protobuf or http/json (grpc is not supported)")
            }
            export.encoding = encoding
        }
        let headerVariables = ["OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS"]
        if let (text, source) = values.standard(otlpHeaders, "otlp-headers", otel: headerVariables) {
            guard let headers = OTLPEnvironment.keyValueList(text) else {
                throw ConfigurationError("invalid \(source): not a list of key=value pairs separated by commas")
            }
            export.headers = headers.map { (name: $0.0, value: $0.1) }
        }
        if let (text, source) = values.standard(otlpTimeout, "otlp-timeout", otel: []) {
            export.timeoutSeconds = try Self.positive(source: source) { () throws(ConfigurationError) in
                try Self.duration(text)
            }
        } else if let (text, source) = values.standard(
            nil, "otlp-timeout", otel: ["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"])
        {
            guard let millis = Int(text), millis > 0, millis <= 3_600_000 else {
                throw ConfigurationError("invalid \(source): '\(text)' is not a number of milliseconds (1...3600000)")
            }
            export.timeoutSeconds = Double(millis) / 1000
        }
        export.resource = try resource(values)
        export.batchSize = try values.integer(otlpBatchSize, "otlp-batch-size", 2048, in: 1...100_000)
        export.flushIntervalSeconds = try values.seconds(otlpFlushInterval, "otlp-flush-interval", 1)
        export.maxQueue = try values.integer(otlpMaxQueue, "otlp-max-queue", 8192, in: 1...10_000_000)
        export.maxSpansPerSecond = try values.integer(
            otlpMaxSpansPerSecond, "otlp-max-spans-per-second", 60_000, in: 0...100_000_000)
        if let (text, _) = values.standard(otlpFile, "otlp-file", otel: []), !text.isEmpty {
            export.filePath = text
        }
        return export
    }

    private func resource(_ values: OptionValues) throws(ConfigurationError) -> OTLPResource {
        var attributes: [(String, String)] = []
        if let (text, source) = values.standard(
            otlpResourceAttributes, "otlp-resource-attributes", otel: ["OTEL_RESOURCE_ATTRIBUTES"])
        {
            guard let parsed = OTLPEnvironment.keyValueList(text) else {
                throw ConfigurationError("invalid \(source): not a list of key=value pairs separated by commas")
            }
            attributes = parsed
        }
        let named = values.standard(otlpServiceName, "otlp-service-name", otel: ["OTEL_SERVICE_NAME"])
        let serviceName =
            named.map(\.text).flatMap { $0.isEmpty ? nil : $0 } ?? attributes.last { $0.0 == "service.name" }?.1
            ?? "redis-lens"
        attributes.removeAll { $0.0 == "service.name" }
        if !attributes.contains(where: { $0.0 == "service.version" }) {
            attributes.insert(("service.version", RedisLensVersion.current), at: 0)
        }
        return OTLPResource(
            attributes: [SpanAttribute("service.name", .string(serviceName))]
                + attributes.map { SpanAttribute($0.0, .string($0.1)) },
            scopeName: "redis-lens", scopeVersion: RedisLensVersion.current)
    }

    private static func url(_ text: String, source: String) throws(ConfigurationError) -> String {
        guard OTLPEnvironment.isHTTPURL(text) else {
            throw ConfigurationError(
                "invalid \(source): '\(OTLPEnvironment.redacted(text))' is not an http:// or https:// URL")
        }
        return text
    }

    private static func positive(
        source: String, _ value: () throws(ConfigurationError) -> Double
    ) throws(ConfigurationError) -> Double {
        let seconds: Double
        do throws(ConfigurationError) {
            seconds = try value()
        } catch {
            throw ConfigurationError("invalid \(source): \(error.message)")
        }
        guard seconds > 0 else { throw ConfigurationError("invalid \(source): a timeout must be greater than 0") }
        return seconds
    }
}

extension OptionValues {
    /// The raw text of an option: the flag, `REDIS_LENS_<FLAG>`, then the first
    /// OpenTelemetry variable set (`otel`), with where it came from; nil when none is set.
    func standard(_ flagValue: String?, _ flag: String, otel: [String]) -> (text: String, source: String)? {
        if let flagValue { return (flagValue, "--\(flag)") }
        let name = Self.environmentName(flag)
        if let value = environment[name] { return (value, name) }
        for variable in otel {
            if let value = environment[variable], !value.isEmpty { return (value, variable) }
        }
        return nil
    }
}
