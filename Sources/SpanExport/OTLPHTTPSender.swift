import AsyncHTTPClient
import NIOCore
import Telemetry

/// Sends one encoded request to the OTLP/HTTP endpoint (async-http-client; `https://`
/// works) and says what came back.
final class OTLPHTTPSender: Sendable {
    /// The outcome of one POST.
    enum Outcome: Equatable {
        /// 2xx: accepted, possibly with some spans rejected (partial success).
        case accepted(ExportResponse)
        /// 429/502/503/504 or a connection error: try again (after `retryAfter` if given).
        case retryable(status: String, retryAfter: Double?)
        /// Any other status: do not try again.
        case failed(status: String, response: ExportResponse)
    }

    private let client: HTTPClient
    private let url: String
    private let encoding: OTLPEncoding
    private let headers: [(name: String, value: String)]
    private let timeout: TimeAmount

    init(
        url: String, encoding: OTLPEncoding, headers: [(name: String, value: String)], timeoutSeconds: Double,
        group: any EventLoopGroup
    ) {
        // A refused or failed connect fails the request at once: the exporter's own retry
        // policy (backoff, attempts, Retry-After) decides what follows, and a graceful
        // shutdown does not wait out async-http-client's own connect retries (up to its
        // connect timeout) for every request in flight to an endpoint that is down.
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        // The export's own requests are never traced (a bootstrapped tracer would otherwise
        // get a span per export request; even the no-op one cost a span's bookkeeping each).
        configuration.tracing.tracer = nil
        self.client = HTTPClient(eventLoopGroup: group, configuration: configuration)
        self.url = url
        self.encoding = encoding
        self.headers = headers
        self.timeout = .nanoseconds(Int64(timeoutSeconds * 1e9))
    }

    func send(_ body: ByteBuffer) async -> Outcome {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: encoding.contentType)
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(body)
        do {
            let response = try await client.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: 1 << 20)
            let status = Int(response.status.code)
            let parsed = Self.response(
                Array(buffer: bytes), contentType: response.headers.first(name: "Content-Type"),
                requestEncoding: encoding, isError: !(200..<300).contains(status))
            if (200..<300).contains(status) { return .accepted(parsed) }
            if RetryPolicy.isRetryable(status: status) {
                return .retryable(
                    status: String(status),
                    retryAfter: RetryPolicy.retryAfterSeconds(response.headers.first(name: "Retry-After")))
            }
            return .failed(status: String(status), response: parsed)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return .retryable(status: "timeout", retryAfter: nil)
        } catch {
            return .retryable(status: "connection", retryAfter: nil)
        }
    }

    /// Reads a response body in the encoding its `Content-Type` names, else in the
    /// request's (OTLP/HTTP answers in the request's encoding).
    static func response(
        _ body: [UInt8], contentType: String?, requestEncoding: OTLPEncoding, isError: Bool
    ) -> ExportResponse {
        let type = contentType?.lowercased() ?? ""
        let isJSON = type.contains("json") || (!type.contains("protobuf") && requestEncoding == .json)
        return isJSON ? ExportResponse(body: body) : ExportResponse(protobuf: body, isStatus: isError)
    }

    func shutdown() async {
        try? await client.shutdown()
    }
}
