import Cluster
import ControlPlane
import EpollIO
import Logging
import NIOConcurrencyHelpers
import NIOCore
import RedisCommands
import ServiceLifecycle

/// Fronts a Redis Cluster: the entry port (`--listen`, relayed per client to one reachable
/// node) and one port per node, kept in step with the cluster's topology.
///
/// Every `--cluster-refresh-interval`, and soon after a reply names a node the
/// ``addresses`` table does not know, it reads `CLUSTER NODES` on its control-plane thread
/// (``ClusterTopologyReader``), feeds the result to a ``Cluster/ClusterListenerStateMachine``
/// and performs its actions: start a ``ClusterNodeRuntime`` (listener and pool), stop one
/// (its clients drain), publish the table once the new ports are bound. On graceful
/// shutdown every listener stops accepting and every session drains.
public final class ClusterFrontend: Service, Sendable {
    /// Real node address → proxy address, read by the sessions that rewrite replies.
    public let addresses: ClusterAddressMap
    /// The topology's metric families.
    public let statistics: ClusterStatistics
    private let cluster: ClusterConfiguration
    private let proxy: ProxyConfiguration
    private let seedPool: UpstreamPool
    private let group: EpollLoopGroup
    private let logger: Logger
    private let telemetry: TelemetryRuntime?
    private let controlPlane: ControlPlaneThread
    private let reader: ClusterTopologyReader
    private let state: NIOLockedValueBox<FrontendState>
    private let signals: AsyncStream<Void>
    private let signal: AsyncStream<Void>.Continuation
    private let onEntryBound: @Sendable (SocketAddress) -> Void
    private let infoPolling: ClusterInfoPolling?
    private let tls: TLSSide?

    /// Creates the frontend for `proxy.cluster` (which must be set).
    ///
    /// - Parameters:
    ///   - seedPool: the pool to the first seed: the entry port's while that seed is
    ///     reachable (before the first topology, and as a fallback).
    ///   - controlPlane: the thread that reads the topology (one of its own, so a slow INFO
    ///     poll never delays a refresh).
    ///   - infoPolling: how each node's `INFO` is polled; nil: not polled.
    ///   - tls: TLS to the nodes (`rediss+cluster://`), for the node pools and the topology reads.
    ///   - statistics: where refreshes are counted (created before the telemetry that renders it).
    ///   - onEntryBound: called with the entry port's address once it listens.
    public init(
        proxy: ProxyConfiguration, seedPool: UpstreamPool, group: EpollLoopGroup, logger: Logger,
        telemetry: TelemetryRuntime?, controlPlane: ControlPlaneThread, infoPolling: ClusterInfoPolling? = nil,
        tls: TLSSide? = nil, statistics: ClusterStatistics = .init(),
        onEntryBound: @escaping @Sendable (SocketAddress) -> Void = { _ in }
    ) {
        guard let cluster = proxy.cluster else { preconditionFailure("ClusterFrontend needs proxy.cluster") }
        self.cluster = cluster
        self.proxy = proxy
        self.seedPool = seedPool
        self.group = group
        self.logger = logger
        self.telemetry = telemetry
        self.controlPlane = controlPlane
        self.onEntryBound = onEntryBound
        self.statistics = statistics
        self.infoPolling = infoPolling
        self.tls = tls
        self.reader = ClusterTopologyReader(
            endpoint: cluster.endpoint, timeout: .nanoseconds(Int64(proxy.pool.connectTimeoutSeconds * 1e9)),
            tls: tls?.context)
        self.state = NIOLockedValueBox(
            FrontendState(
                machine: ClusterListenerStateMachine(
                    configuration: .init(
                        listenBase: cluster.listenBase, maxNodes: cluster.maxNodes,
                        announceHost: cluster.announceHost))))
        let (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.signals = signals
        self.signal = signal
        self.addresses = ClusterAddressMap(onUnknownNode: { _ in signal.yield() })
    }

    /// Node ports listening now, by the node's real address.
    public var nodePorts: [NodeAddress: Int] { state.withLockedValue { $0.machine.ports } }

    /// Why clients cannot be served now, or nil: ready once a topology was read and the
    /// seed or any node is reachable (`/readyz`).
    public var notReadyReason: String? {
        let (known, runtimes) = state.withLockedValue { ($0.machine.nodes.isEmpty == false, $0.runtimes.values) }
        guard known else { return "cluster topology not read yet" }
        guard seedPool.isUpstreamUp || runtimes.contains(where: { $0.pool.isUpstreamUp }) else {
            return "no cluster node reachable"
        }
        return nil
    }

    /// Serves until graceful shutdown; throws when the entry port cannot be bound.
    public func run() async throws {
        let entry = ProxyServer(
            configuration: proxy, pool: seedPool, group: group, logger: logger, telemetry: telemetry,
            onBound: onEntryBound, clusterAddresses: addresses, route: { [self] in self.entryRoute() })
        let interval = cluster.refreshIntervalSeconds
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask {
                do {
                    try await entry.run()
                } catch {
                    self.signal.finish()
                    throw error
                }
            }
            tasks.addTask {
                try? await cancelWhenGracefulShutdown {
                    while true {
                        try await Task.sleep(for: .seconds(interval))
                        self.signal.yield()
                    }
                }
            }
            signal.yield()
            await withGracefulShutdownHandler {
                for await _ in signals {
                    for action in await refresh() { await perform(action, tasks: &tasks) }
                    // At most four refreshes a second, however many replies name unknown nodes.
                    try? await Task.sleep(for: .milliseconds(250))
                }
            } onGracefulShutdown: {
                self.reader.stop()
                self.signal.finish()
            }
            _ = try? await controlPlane.run { self.reader.close() }
        }
    }

    // MARK: - Refresh

    private func refresh() async -> [ClusterListenerStateMachine.Action] {
        let known = state.withLockedValue { $0.machine.nodes.map(\.address) }
        let reader = self.reader
        guard let result = try? await controlPlane.run({ reader.read(known: known) }) else { return [] }
        switch result {
        case .success(let nodes):
            let (actions, failedBefore, listeners, unserved, unservedBefore) = state.withLockedValue { state in
                let before = state.machine.unservedNodes
                let actions = state.machine.topologySeen(nodes)
                defer { state.lastRefreshFailed = false }
                return (
                    actions, state.lastRefreshFailed, state.machine.ports.count, state.machine.unservedNodes, before
                )
            }
            statistics.refreshed(nodes: nodes, listeners: listeners, unserved: unserved)
            if failedBefore { logger.info("cluster topology read again") }
            if unserved > 0 && unserved != unservedBefore {
                logger.warning(
                    "cluster nodes without a proxy port (--cluster-max-nodes reached)",
                    metadata: ["nodes": "\(unserved)"])
            }
            return actions
        case .failure(let error):
            statistics.refreshFailed()
            let first = state.withLockedValue { state in
                defer { state.lastRefreshFailed = true }
                return !state.lastRefreshFailed
            }
            if first { logger.warning("cannot read the cluster topology", metadata: ["error": "\(error.message)"]) }
            return []
        }
    }

    private func perform(
        _ action: ClusterListenerStateMachine.Action, tasks: inout ThrowingDiscardingTaskGroup<any Error>
    ) async {
        switch action {
        case .openListener(let node, let port):
            let (bound, ready) = AsyncStream.makeStream(of: Void.self)
            var makeSink: (@Sendable (EventLoop) -> any CommandEventSink)?
            if let nodeTelemetry = try? await telemetry?.nodeTelemetry(node: "\(node)") {
                makeSink = { loop in nodeTelemetry.sink(for: loop) }
            }
            let runtime = ClusterNodeRuntime(
                node: node, port: port, proxy: proxy, group: group, logger: logger, telemetry: telemetry,
                makeSink: makeSink,
                addresses: addresses, infoPolling: infoPolling, tls: tls, onBound: { ready.finish() })
            state.withLockedValue { $0.runtimes[node] = runtime }
            statistics.serving(node: "\(node)", runtime.pool)
            if let poller = runtime.poller { statistics.polling(node: "\(node)", poller.state) }
            logger.info("cluster node gets a port", metadata: ["node": "\(node)", "port": "\(port)"])
            tasks.addTask {
                let failure = await runtime.run()
                ready.finish()
                await self.ended(runtime, failure: failure)
            }
            for await _ in bound {}  // bound, or failed: either way the table is published next
        case .closeListener(let node, let port):
            let runtime = state.withLockedValue { $0.runtimes.removeValue(forKey: node) }
            logger.info("cluster node left; closing its port", metadata: ["node": "\(node)", "port": "\(port)"])
            runtime?.stop()
        case .updateMap:
            publish()
        }
    }

    /// A node runtime ended: stopped, shut down, or its port could not be bound.
    private func ended(_ runtime: ClusterNodeRuntime, failure: (any Error)?) async {
        let current = state.withLockedValue { state in
            if state.runtimes[runtime.node] === runtime { state.runtimes[runtime.node] = nil }
            return state.runtimes[runtime.node] != nil
        }
        if !current {
            // Its sessions have drained: what they counted moves to the totals.
            statistics.polling(node: "\(runtime.node)", nil)
            statistics.serving(node: "\(runtime.node)", nil)
            await telemetry?.removeNodeTelemetry(node: "\(runtime.node)")
        }
        guard let failure else { return }
        logger.error(
            "cannot listen for a cluster node",
            metadata: ["node": "\(runtime.node)", "port": "\(runtime.port)", "error": "\(failure)"])
        statistics.listenFailed()
        _ = state.withLockedValue { $0.machine.listenerFailed(node: runtime.node, port: runtime.port) }
        publish()
        signal.yield()  // a later refresh gives the node another port
    }

    /// Publishes the table of the ports assigned now (a later action may have changed
    /// what an earlier one computed).
    private func publish() {
        addresses.update(state.withLockedValue { $0.machine.map })
    }

    // MARK: - Entry port

    /// The entry port's choice for one client: the first seed's node while it is reachable
    /// (when the seed is named as the cluster names it), else the first reachable primary,
    /// else the first reachable node; before the first topology, the seed's pool.
    private func entryRoute() -> SessionRoute {
        let seed = NodeAddress(host: proxy.upstream.host, port: proxy.upstream.port)
        let (runtimes, primaries) = state.withLockedValue { state in
            (
                state.runtimes, Set(state.machine.nodes.filter { $0.role == .primary && !$0.failing }.map(\.address))
            )
        }
        if let node = runtimes[seed], seedPool.isUpstreamUp {
            return SessionRoute(pool: seedPool, makeSink: node.makeSink)
        }
        let ordered = runtimes.values.sorted { $0.port < $1.port }
        let chosen =
            ordered.first { primaries.contains($0.node) && $0.pool.isUpstreamUp }
            ?? ordered.first { $0.pool.isUpstreamUp }
        guard let chosen else { return SessionRoute(pool: seedPool) }
        return SessionRoute(pool: chosen.pool, makeSink: chosen.makeSink)
    }
}

/// What the frontend's lock guards.
private struct FrontendState {
    var machine: ClusterListenerStateMachine
    var runtimes: [NodeAddress: ClusterNodeRuntime] = [:]
    var lastRefreshFailed = false
}
