import Cluster
import EpollIO
import Logging
import NIOCore
import RESP
import RedisCommands
import ServiceLifecycle
import Synchronization

/// Accepts Redis clients and gives each a ``ProxySession``: on the plaintext port, the TLS
/// port (`--tls-listen`), or both.
///
/// On graceful shutdown it stops accepting, lets every session relay the replies it
/// owes (up to the drain timeout), then closes what is left.
public final class ProxyServer: Service, Sendable {
    private let configuration: ProxyConfiguration
    private let pool: UpstreamPool
    private let group: EpollLoopGroup
    private let logger: Logger
    private let registry = SessionRegistry()
    private let telemetry: TelemetryRuntime?
    private let makeSink: (@Sendable (EventLoop) -> any CommandEventSink)?
    private let connectionIDs = Atomic<UInt64>(0)
    private let onBound: @Sendable (SocketAddress) -> Void
    private let onTLSBound: @Sendable (SocketAddress) -> Void
    private let clientTLS: TLSSide?
    private let clusterAddresses: ClusterAddressMap?
    private let route: (@Sendable () -> SessionRoute)?
    private let stopSignal = AsyncStream<Void>.makeStream()

    /// Creates the server.
    ///
    /// - Parameters:
    ///   - telemetry: where sessions report commands; nil records nothing
    ///     (`--no-telemetry`).
    ///   - makeSink: overrides the sink per event loop (tests observe events with it).
    ///   - clientTLS: the client side's TLS, for `--tls-listen` (it also counts TLS clients
    ///     that connect to the plaintext port).
    ///   - onBound: called with the bound address once listening (port 0 picks one).
    ///   - onTLSBound: the same for the TLS port.
    ///   - clusterAddresses: for a cluster node's listener: the proxy's addresses for the
    ///     cluster's nodes, which its sessions put in place of the nodes' own in topology
    ///     replies and redirections (`docs/decisions/0007-cluster-topology-rewrite.md`).
    ///   - route: picks the pool and sink of each accepted client (a cluster's entry port);
    ///     nil: `pool` and `makeSink`.
    public init(
        configuration: ProxyConfiguration,
        pool: UpstreamPool,
        group: EpollLoopGroup,
        logger: Logger,
        telemetry: TelemetryRuntime? = nil,
        makeSink: (@Sendable (EventLoop) -> any CommandEventSink)? = nil,
        clientTLS: TLSSide? = nil,
        onBound: @escaping @Sendable (SocketAddress) -> Void = { _ in },
        onTLSBound: @escaping @Sendable (SocketAddress) -> Void = { _ in },
        clusterAddresses: ClusterAddressMap? = nil,
        route: (@Sendable () -> SessionRoute)? = nil
    ) {
        self.clusterAddresses = clusterAddresses
        self.route = route
        self.clientTLS = clientTLS
        self.onTLSBound = onTLSBound
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

    /// Ends ``run()`` as graceful shutdown does (stop accepting, drain); for a listener
    /// closed at run time (a cluster node that left).
    public func stop() {
        stopSignal.continuation.finish()
    }

    /// Listens until graceful shutdown (or ``stop()``), then drains.
    public func run() async throws {
        var listeners: [NIOLoopBound<ClientListener>] = []
        let acceptLoop = group.loops[0]
        do {
            if let listen = configuration.listen {
                listeners.append(try await startListener(listen, secured: false, onBound: onBound))
            }
            if let listen = configuration.tlsListen {
                guard clientTLS != nil else { throw ConfigurationError("--tls-listen needs a TLS configuration") }
                listeners.append(try await startListener(listen, secured: true, onBound: onTLSBound))
            }
        } catch {
            for listener in listeners { try? await acceptLoop.submit { listener.value.close() }.get() }
            throw error
        }
        let (stopped, stop) = stopSignal
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                for await _ in stopped {}
            } onCancel: {
                stop.finish()
            }
        } onGracefulShutdown: {
            stop.finish()
        }
        for listener in listeners { try? await acceptLoop.submit { listener.value.close() }.get() }
        logger.info("draining client connections", metadata: ["open": "\(registry.count)"])
        await registry.drain(timeout: configuration.drainTimeoutSeconds)
    }

    /// Binds `listen` and starts accepting on the first loop; `secured` clients start with a
    /// TLS handshake.
    private func startListener(
        _ listen: HostPort, secured: Bool, onBound: @Sendable (SocketAddress) -> Void
    ) async throws -> NIOLoopBound<ClientListener> {
        let option = secured ? "--tls-listen" : "--listen"
        let fd: Int32
        do {
            let address = try SocketAddress.makeAddressResolvingHost(listen.host, port: listen.port)
            fd = try SocketCalls.listen(on: address, backlog: 1024)
        } catch {
            throw ConfigurationError("cannot listen on \(listen) (\(option)): \(UpstreamError.describe(error))")
        }
        let local = SocketCalls.localAddress(fd)
        if let local { onBound(local) }
        let acceptLoop = group.loops[0]
        let onClient = clientHandler(secured: secured)
        let logger = self.logger
        let events = pool.events
        let listener = try await acceptLoop.submit {
            let listener = ClientListener(
                fd: fd, loop: acceptLoop, logger: logger, onAcceptFailure: { events.acceptFailed() },
                onClient: onClient)
            do {
                try acceptLoop.register(fd, listener)
            } catch {
                listener.close()  // the listener owns the descriptor
                throw error
            }
            return NIOLoopBound(listener, eventLoop: acceptLoop)
        }.get()
        logger.info(
            secured ? "listening for TLS clients" : "listening",
            metadata: [
                "address": "\(local.map { "\($0)" } ?? "?")",
                "upstream": "\(configuration.sentinel.map { "\($0)" } ?? "\(configuration.upstream)")",
            ])
        return listener
    }

    /// Gives an accepted client a session on the next loop (runs on the accepting loop).
    private func clientHandler(secured: Bool) -> @Sendable (Int32, SocketAddress?) -> Void {
        let group = self.group
        let registry = self.registry
        let logger = self.logger
        let limits = configuration.requestLimits
        let telemetry = self.telemetry
        let tls = clientTLS
        let route = self.route
        let clusterAddresses = self.clusterAddresses
        let handshakeTimeLimit = TimeAmount.nanoseconds(Int64(configuration.tlsHandshakeTimeoutSeconds * 1e9))
        return { fd, address in
            let chosen = route?()
            let (pool, makeSink) = chosen.map { ($0.pool, $0.makeSink) } ?? (self.pool, self.makeSink)
            let loop = group.nextLoop()
            let id = self.connectionIDs.add(1, ordering: .relaxed).newValue
            let start: @Sendable () -> Void = {
                let session = ProxySession(
                    client: StreamSocket(fd: fd, loop: loop), address: address.map(SocketCalls.describe) ?? "",
                    pool: pool,
                    sink: makeSink?(loop) ?? telemetry?.sink(for: loop) ?? DiscardingEventSink(),
                    commandTable: telemetry?.hub.commandTable ?? (makeSink == nil ? nil : CommandTable.builtin),
                    registry: registry, requestLimits: limits, connectionID: id, logger: logger, tls: tls,
                    secured: secured, handshakeTimeLimit: handshakeTimeLimit, clusterAddresses: clusterAddresses)
                session.start()
            }
            if loop.inEventLoop { start() } else { loop.execute(start) }
        }
    }
}
