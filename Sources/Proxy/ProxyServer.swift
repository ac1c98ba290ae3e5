import Logging
import NIOCore
import NIOPosix
import RESP
import RedisCommands
import ServiceLifecycle
import Synchronization

/// Accepts Redis clients and gives each a ``ProxySession``.
///
/// On graceful shutdown it stops accepting, lets every session relay the replies it
/// owes (up to the drain timeout), then closes what is left.
public final class ProxyServer: Service, Sendable {
    private let configuration: ProxyConfiguration
    private let pool: UpstreamPool
    private let group: any EventLoopGroup
    private let logger: Logger
    private let registry = SessionRegistry()
    private let telemetry: TelemetryRuntime?
    private let makeSink: (@Sendable (EventLoop) -> any CommandEventSink)?
    private let connectionIDs = Atomic<UInt64>(0)
    private let onBound: @Sendable (SocketAddress) -> Void

    /// Creates the server.
    ///
    /// - Parameters:
    ///   - telemetry: where sessions report commands; nil records nothing
    ///     (`--no-telemetry`).
    ///   - makeSink: overrides the sink per event loop (tests observe events with it).
    ///   - onBound: called with the bound address once listening (port 0 picks one).
    public init(
        configuration: ProxyConfiguration,
        pool: UpstreamPool,
        group: any EventLoopGroup,
        logger: Logger,
        telemetry: TelemetryRuntime? = nil,
        makeSink: (@Sendable (EventLoop) -> any CommandEventSink)? = nil,
        onBound: @escaping @Sendable (SocketAddress) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.pool = pool
        self.group = group
        self.logger = logger
        self.telemetry = telemetry
        self.makeSink = makeSink
        self.onBound = onBound
    }

    /// Number of open client connections.
    public var clientConnections: Int { registry.count }

    /// Listens until graceful shutdown, then drains.
    public func run() async throws {
        let channel: Channel
        do {
            channel = try await bootstrap().bind(host: configuration.listen.host, port: configuration.listen.port).get()
        } catch {
            throw ConfigurationError("cannot listen on \(configuration.listen): \(UpstreamError.describe(error))")
        }
        if let address = channel.localAddress { onBound(address) }
        logger.info(
            "listening",
            metadata: [
                "address": "\(channel.localAddress.map { "\($0)" } ?? "?")", "upstream": "\(configuration.upstream)",
            ])
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                try? await channel.closeFuture.get()
            } onCancel: {
                channel.close(promise: nil)
            }
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
        logger.info("draining client connections", metadata: ["open": "\(registry.count)"])
        await registry.drain(timeout: configuration.drainTimeoutSeconds)
    }

    private func bootstrap() -> ServerBootstrap {
        let pool = self.pool
        let registry = self.registry
        let logger = self.logger
        let limits = configuration.requestLimits
        let telemetry = self.telemetry
        let makeSink = self.makeSink
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let session = ProxySession(
                        pool: pool,
                        sink: makeSink?(channel.eventLoop) ?? telemetry?.sink(for: channel.eventLoop)
                            ?? DiscardingEventSink(),
                        commandTable: telemetry?.hub.commandTable ?? (makeSink == nil ? nil : CommandTable.builtin),
                        registry: registry, requestLimits: limits,
                        connectionID: self.connectionIDs.add(1, ordering: .relaxed).newValue, logger: logger)
                    try channel.pipeline.syncOperations.addHandler(session)
                }
            }
    }
}
