import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// The admin HTTP endpoint: `/healthz` (the process serves) and `/readyz` (the upstream
/// is reachable and answers INFO). Telemetry adds `/metrics` through ``routes``.
///
/// Built on NIOHTTP1 rather than an HTTP framework: a handful of GET routes do not
/// justify a framework's build time and dependencies.
public final class AdminServer: Service, Sendable {
    /// Answers one request: method, path (without query) and headers in, response out.
    public typealias Route = @Sendable (HTTPRequestHead) async -> AdminResponse?

    private let address: (host: String, port: Int)
    private let group: any EventLoopGroup
    private let logger: Logger
    private let routes: [Route]
    private let onBound: @Sendable (SocketAddress) -> Void

    /// Creates the server with routes tried in order; unmatched paths get 404.
    public init(
        host: String, port: Int, group: any EventLoopGroup, logger: Logger, routes: [Route],
        onBound: @escaping @Sendable (SocketAddress) -> Void = { _ in }
    ) {
        self.address = (host, port)
        self.group = group
        self.logger = logger
        self.routes = routes
        self.onBound = onBound
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
            throw ListenError(address: address, underlying: error)
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

extension AdminServer {
    /// The admin endpoint could not listen (address in use, no permission, bad host).
    public struct ListenError: Error, CustomStringConvertible {
        /// Where it tried to listen.
        public var host: String
        /// The port it tried.
        public var port: Int
        /// Why, in a few words (`Address already in use`).
        public var reason: String

        init(address: (host: String, port: Int), underlying: Error) {
            host = address.host
            port = address.port
            if let error = underlying as? IOError {
                reason = String(cString: strerror(error.errnoCode))
            } else {
                reason = "\(underlying)"
            }
        }

        /// `cannot listen on HOST:PORT (admin): REASON`.
        public var description: String {
            let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            return "cannot listen on \(address) (admin): \(reason)"
        }
    }
}
