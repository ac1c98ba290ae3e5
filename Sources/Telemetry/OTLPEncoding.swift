/// How an OTLP/HTTP request body is encoded (`--otlp-protocol`, `OTEL_EXPORTER_OTLP_PROTOCOL`).
public enum OTLPEncoding: String, Sendable, CaseIterable {
    /// `http/protobuf`: protobuf's binary wire format, OpenTelemetry's default.
    case protobuf = "http/protobuf"
    /// `http/json`: the OTLP/JSON mapping (also what `--otlp-file` writes, one request per line).
    case json = "http/json"

    /// The request's `Content-Type`.
    public var contentType: String {
        switch self {
        case .protobuf: "application/x-protobuf"
        case .json: "application/json"
        }
    }
}
