import Cluster
import EpollIO
import Logging
import NIOCore
import RedisCommands
import ServerStats

/// One cluster node's share of the proxy: its listener (a ``ProxyServer`` on the node's
/// port) and its own ``UpstreamPool``, relaying each client connection to that node
/// exactly as a single-Redis proxy does.
///
/// Pool rule: each node keeps `min(--pool-min-idle, 1)` connection warm (a cluster of 64
/// nodes does not hold 256 idle connections); `--pool-max-idle`, `--pool-max` and the
/// timeouts apply per node.
final class ClusterNodeRuntime: Sendable {
    /// The node's address as the cluster writes it.
    let node: NodeAddress
    /// The proxy port serving it.
    let port: Int
    /// Connections to the node.
    let pool: UpstreamPool
    /// The sink of the node's sessions; nil: the proxy's (unlabelled) one.
    let makeSink: (@Sendable (EventLoop) -> any CommandEventSink)?
    /// The node's `INFO` poller, when polling is on.
    let poller: InfoPoller?
    private let server: ProxyServer

    /// Prepares the listener on `port` (on `--listen`'s host) and the pool to `node`;
    /// nothing opens before ``run()``. `onBound` runs once the port is bound; `addresses`
    /// rewrites the node's topology replies and redirections; `tls` is the upstream side's
    /// (`rediss+cluster://`).
    init(
        node: NodeAddress, port: Int, proxy: ProxyConfiguration, group: EpollLoopGroup, logger: Logger,
        telemetry: TelemetryRuntime?, makeSink: (@Sendable (EventLoop) -> any CommandEventSink)?,
        addresses: ClusterAddressMap, infoPolling: ClusterInfoPolling?, tls: TLSSide?,
        onBound: @escaping @Sendable () -> Void
    ) {
        self.node = node
        self.port = port
        self.makeSink = makeSink
        var configuration = proxy
        let seed = proxy.upstream
        configuration.upstream = UpstreamEndpoint(
            host: node.host, port: node.port, username: seed.username, password: seed.password, tls: seed.tls)
        configuration.listen = HostPort(host: proxy.listen?.host ?? "127.0.0.1", port: port)
        configuration.tlsListen = nil
        configuration.pool.minIdle = min(proxy.pool.minIdle, 1)
        let logger = {
            var logger = logger
            logger[metadataKey: "node"] = "\(node)"
            return logger
        }()
        pool = UpstreamPool(
            endpoint: configuration.upstream, configuration: configuration.pool, group: group, logger: logger,
            tls: tls)
        poller = infoPolling.map { polling in
            var info = InfoPollerConfiguration(
                host: node.host, port: node.port, username: seed.username, password: seed.password)
            info.intervalSeconds = polling.intervalSeconds
            info.timeoutSeconds = proxy.pool.connectTimeoutSeconds
            info.tls = polling.tls
            return InfoPoller(configuration: info, controlPlane: polling.controlPlane, logger: logger)
        }
        server = ProxyServer(
            configuration: configuration, pool: pool, group: group, logger: logger, telemetry: telemetry,
            makeSink: makeSink, onBound: { _ in onBound() }, clusterAddresses: addresses)
    }

    /// Serves until ``stop()`` or graceful shutdown (draining the node's clients), then
    /// closes the pool (and stops polling `INFO`). Returns the error when the port cannot
    /// be bound.
    func run() async -> (any Error)? {
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try? await self.pool.run() }
            if let poller { tasks.addTask { try? await poller.run() } }
            var failure: (any Error)?
            do {
                try await server.run()
            } catch {
                failure = error
            }
            tasks.cancelAll()
            return failure
        }
    }

    /// Stops accepting and drains the node's clients (the node left the topology).
    func stop() {
        server.stop()
    }
}
