import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServerStats
import ServiceLifecycle

/// The admin HTTP endpoint: `/healthz` (the process serves) and `/readyz` (the upstream
/// is reachable and answers INFO). Telemetry adds `/metrics` through ``routes``.
///
/// Built on NIOHTTP1 rather than an HTTP framework: a handful of GET routes do not
/// justify a framework's build time and dependencies.
public final class AdminServer: Service, Sendable {
    /// Answers one request: method, path (without query) and headers in, response out.
    public typealias Route = @Sendable (HTTPRequestHead) async -> AdminResponse?

    private let address: HostPort
    private let group: any EventLoopGroup
    private let logger: Logger
    private let routes: [Route]
    private let onBound: @Sendable (SocketAddress) -> Void

    /// Creates the server with routes tried in order; unmatched paths get 404.
    public init(
        address: HostPort, group: any EventLoopGroup, logger: Logger, routes: [Route],
        onBound: @escaping @Sendable (SocketAddress) -> Void = { _ in }
    ) {
        self.address = address
        self.group = group
        self.logger = logger
        self.routes = routes
        self.onBound = onBound
    }

    /// The health routes: `/healthz` always 200; `/readyz` 200, or 503 while the pool
    /// cannot reach the upstream or the last INFO poll (if polling) failed (except when the
    /// ACL only denies INFO: see ``InfoPollError/meansNotReady``).
    public static func healthRoutes(pool: UpstreamPool, serverStats: ServerStatsState? = nil) -> [Route] {
        [
            { head in
                head.path == "/healthz" ? AdminResponse(status: .ok, body: "ok\n") : nil
            },
            { head in
                guard head.path == "/readyz" else { return nil }
                guard pool.isUpstreamUp else {
                    let reason = pool.lastError ?? "no upstream connection yet"
                    return AdminResponse(status: .serviceUnavailable, body: "upstream unavailable: \(reason)\n")
                }
                if let error = serverStats?.snapshot.lastError, error.meansNotReady {
                    return AdminResponse(status: .serviceUnavailable, body: "INFO poll failed: \(error.message)\n")
                }
                return AdminResponse(status: .ok, body: "ready\n")
            },
        ]
    }

    /// Serves until graceful shutdown.
    public func run() async throws {
        let routes = self.routes
        let channel: Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let sync = channel.pipeline.syncOperations
                        try sync.configureHTTPServerPipeline(withErrorHandling: true)
                        try sync.addHandler(AdminHTTPHandler(routes: routes))
                    }
                }
                .bind(host: address.host, port: address.port).get()
        } catch {
            throw ConfigurationError("cannot listen on \(address) (admin): \(UpstreamError.describe(error))")
        }
        if let bound = channel.localAddress { onBound(bound) }
        logger.info("admin endpoint listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                try? await channel.closeFuture.get()
            } onCancel: {
                channel.close(promise: nil)
            }
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }
}

/// An admin HTTP response.
public struct AdminResponse: Sendable {
    /// HTTP status.
    public var status: HTTPResponseStatus
    /// `Content-Type` header value.
    public var contentType: String
    /// Body bytes.
    public var body: ByteBuffer

    /// Creates a response with a text body.
    public init(status: HTTPResponseStatus, contentType: String = "text/plain; charset=utf-8", body: String) {
        self.init(status: status, contentType: contentType, body: ByteBuffer(string: body))
    }

    /// Creates a response with a byte body.
    public init(status: HTTPResponseStatus, contentType: String, body: ByteBuffer) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

extension HTTPRequestHead {
    /// The URI without its query string.
    public var path: Substring { uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "" }
}
