import AdminHTTP
import ControlPlane
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import RedisCommands
import Relay
import ServerStats
import TLS
import Telemetry

/// Telemetry on the event loops: one ``MetricsShard`` per loop (recording needs no lock),
/// copied on each loop and merged when `/metrics`, `/stats` or `/slowlog` is read.
public final class TelemetryRuntime: Sendable {
    /// Shared configuration, command table, slow log.
    public let hub: TelemetryHub
    private let shards: [ObjectIdentifier: NIOLoopBound<MetricsShard>]
    private let startedAt = NIODeadline.now()
    private let logger: Logger
    private let extraMetrics: (@Sendable (inout PrometheusWriter) -> Void)?
    private let tls: TLSStatistics?
    private let group: any EventLoopGroup
    /// Redis Cluster mode: each node's telemetry, by its address.
    private let nodes = NIOLockedValueBox<[String: NodeTelemetry]>([:])
    /// The counts of nodes that left (``removeNodeTelemetry(node:)``), kept in the totals.
    private let departed = NIOLockedValueBox(ShardSnapshot())

    /// Creates one shard on each loop of `group`; `extraMetrics` adds families to
    /// `/metrics` (the span exporter's); `tls` adds the TLS families and `/stats` section.
    public init(
        hub: TelemetryHub, group: any EventLoopGroup, logger: Logger, tls: TLSStatistics? = nil,
        extraMetrics: (@Sendable (inout PrometheusWriter) -> Void)? = nil
    ) async throws {
        var shards: [ObjectIdentifier: NIOLoopBound<MetricsShard>] = [:]
        for loop in group.makeIterator() {
            shards[ObjectIdentifier(loop)] = try await loop.submit {
                NIOLoopBound(hub.makeShard(), eventLoop: loop)
            }.get()
        }
        self.hub = hub
        self.group = group
        self.shards = shards
        self.logger = logger
        self.extraMetrics = extraMetrics
        self.tls = tls
    }

    /// The sink for connections on `loop` (call on that loop).
    func sink(for loop: EventLoop) -> any CommandEventSink {
        shards[ObjectIdentifier(loop)]?.value ?? DiscardingEventSink()
    }

    /// Every shard's counters, merged: the nodes' too (Redis Cluster mode), so `/stats`
    /// counts all traffic.
    public func snapshot() async -> ShardSnapshot {
        var merged = await unlabelledSnapshot()
        for (_, snapshot) in await nodeSnapshots() { merged.merge(snapshot) }
        return merged
    }

    /// The counters of no cluster node: the plain listener's, and those of nodes that left.
    private func unlabelledSnapshot() async -> ShardSnapshot {
        var merged = await Self.merged(shards)
        merged.merge(departed.withLockedValue { $0 })
        return merged
    }

    /// Each cluster node's counters, by address (sorted).
    private func nodeSnapshots() async -> [(node: String, snapshot: ShardSnapshot)] {
        let nodes = self.nodes.withLockedValue { $0 }.sorted { $0.key < $1.key }
        var result: [(node: String, snapshot: ShardSnapshot)] = []
        for (node, telemetry) in nodes { result.append((node, await telemetry.snapshot())) }
        return result
    }

    /// `shards`' counters, each copied on its loop, merged.
    static func merged(_ shards: [ObjectIdentifier: NIOLoopBound<MetricsShard>]) async -> ShardSnapshot {
        var merged = ShardSnapshot()
        for shard in shards.values {
            if let copy = try? await shard.eventLoop.submit({ shard.value.snapshot() }).get() {
                merged.merge(copy)
            }
        }
        return merged
    }

    /// Who is connected, by `client` label id: every shard's, each read on its loop, merged
    /// (the cluster nodes' too).
    func clientUsage() async -> [ClientUsage] {
        var merged = await Self.clientUsage(shards)
        let nodes = self.nodes.withLockedValue { Array($0.values) }
        for node in nodes { ClientUsage.merge(&merged, await node.clientUsage()) }
        return merged
    }

    /// `shards`' client usage, each read on its loop, merged.
    static func clientUsage(_ shards: [ObjectIdentifier: NIOLoopBound<MetricsShard>]) async -> [ClientUsage] {
        var merged: [ClientUsage] = []
        for shard in shards.values {
            if let usage = try? await shard.eventLoop.submit({ shard.value.clientUsage() }).get() {
                ClientUsage.merge(&merged, usage)
            }
        }
        return merged
    }

    /// The `/clients` document.
    public func clientsReport() async -> ClientsReport {
        let usage = await clientUsage()
        let data = await snapshot()
        return ClientsReport(
            data, usage: usage, labels: hub.clientLabelValues, mode: hub.configuration.clientLabel,
            maxLabelled: hub.configuration.maxClientsLabelled)
    }

    /// Redis Cluster mode: the telemetry of the node at `node` (its address, as the `node`
    /// label shows it), made on first use. Commands recorded through its sinks appear in
    /// `/metrics` with the `node` label on the per-command families, and in `/stats` totals.
    public func nodeTelemetry(node: String) async throws -> NodeTelemetry {
        if let known = nodes.withLockedValue({ $0[node] }) { return known }
        var shards: [ObjectIdentifier: NIOLoopBound<MetricsShard>] = [:]
        for loop in group.makeIterator() {
            let hub = self.hub
            shards[ObjectIdentifier(loop)] = try await loop.submit {
                NIOLoopBound(hub.makeShard(), eventLoop: loop)
            }.get()
        }
        let made = NodeTelemetry(node: node, shards: shards)
        return nodes.withLockedValue { nodes in
            if let known = nodes[node] { return known }  // made meanwhile by another caller
            nodes[node] = made
            return made
        }
    }

    /// Redis Cluster mode: the node at `node` left the cluster. Its `node` series end; what it
    /// counted stays in the totals (and in the series without a `node` label), so no counter
    /// goes down.
    public func removeNodeTelemetry(node: String) async {
        guard let telemetry = nodes.withLockedValue({ $0.removeValue(forKey: node) }) else { return }
        let counts = await telemetry.snapshot()
        departed.withLockedValue { $0.merge(counts) }
    }

    /// Replaces the built-in command table with the upstream's own `COMMAND` reply.
    public func loadCommands(
        from endpoint: UpstreamEndpoint, controlPlane: ControlPlaneThread, tls: TLSContext? = nil
    ) async {
        do {
            let specs = try await CommandCatalogService.fetch(
                endpoint: endpoint, on: controlPlane, timeout: .seconds(5), tls: tls)
            guard !specs.isEmpty else { throw UpstreamError(reason: "empty COMMAND reply") }
            hub.commandTable = CommandTable(specs: specs, previous: hub.commandTable)
            logger.info("command table loaded from upstream", metadata: ["commands": "\(specs.count)"])
        } catch {
            logger.warning(
                "using the built-in command table", metadata: ["reason": "\(UpstreamError.describe(error))"])
        }
    }

    /// The `/metrics` exposition: commands, clients, pool, server INFO (when polled), build info.
    public func exposition(
        openMetrics: Bool, pool: UpstreamPool, serverStats: ServerStatsState? = nil, sentinel: SentinelFollower? = nil
    ) async -> (text: String, contentType: String) {
        let data = await unlabelledSnapshot()
        let nodes = await nodeSnapshots()
        var writer = PrometheusWriter(openMetrics: openMetrics)
        CommandMetricsRenderer.render(
            data, nodes: nodes, table: hub.commandTable, prefixLabels: hub.prefixLabels,
            clientLabels: hub.clientLabelValues, into: &writer)
        var keyWindows = data
        keyWindows.keyWindows += nodes.flatMap(\.snapshot.keyWindows)
        KeyWindowsReport(keyWindows, configuration: hub.configuration.keyWindows).render(into: &writer)
        PoolMetricsRenderer.render(
            pool.snapshot, upstreamUp: pool.isUpstreamUp, events: pool.events.snapshot, into: &writer)
        PoolMetricsRenderer.renderShared(pool.shared.snapshot, into: &writer)
        if let sentinel { SentinelMetricsRenderer.render(sentinel.snapshot, into: &writer) }
        if let serverStats { ServerStatsRenderer.render(serverStats.snapshot, into: &writer) }
        tls?.render(results: TLSSide.resultLabels, into: &writer)
        extraMetrics?(&writer)
        ActivityLogCounters.process.render(into: &writer)
        writer.family("redislens_build_info", .gauge, help: "Always 1; the version is a label.")
        writer.sample("redislens_build_info", [("version", RedisLensVersion.current)], UInt64(1))
        return (writer.finish(), writer.contentType)
    }

    /// `/metrics`, `/stats`, `/hotkeys`, `/bigkeys`, `/slowlog`, `/clients` and the live page at `/`;
    /// `serverStats` adds INFO's metrics and the `/stats` `memory` section; `sentinel` the Sentinel
    /// families and `/stats` section.
    public func routes(
        pool: UpstreamPool, serverStats: ServerStatsState? = nil, sentinel: SentinelFollower? = nil
    ) -> [AdminServer.Route] {
        [
            { head in
                guard head.path == "/metrics" else { return nil }
                let accept = head.headers["Accept"].joined(separator: ",")
                let (text, type) = await self.exposition(
                    openMetrics: accept.contains("application/openmetrics-text"), pool: pool,
                    serverStats: serverStats, sentinel: sentinel)
                return AdminResponse(status: .ok, contentType: type, body: text)
            },
            { head in
                guard head.path == "/stats" else { return nil }
                var report = StatsReport(await self.snapshot(), table: self.hub.commandTable)
                let shared = pool.shared.snapshot
                report.pool = StatsReport.Pool(
                    mode: pool.mode.rawValue, sharedConnections: shared.connections,
                    pinned: Dictionary(
                        uniqueKeysWithValues: PinReason.allCases.map { ($0.rawValue, shared.pinned[$0.index]) }))
                let pool = pool.snapshot
                report.proxy = [
                    "uptime_seconds": Double((NIODeadline.now() - self.startedAt).nanoseconds) / 1e9,
                    "upstream_up": pool.upstreamUp ? 1 : 0,
                    "pool_idle": Double(pool.idle), "pool_used": Double(pool.used),
                    "pool_waiting": Double(pool.waiting),
                ]
                report.tls = self.tls?.snapshot
                report.sentinel = sentinel.map { follower in
                    let snapshot = follower.snapshot
                    return StatsReport.Sentinel(
                        primary: snapshot.primary, failovers: snapshot.failovers,
                        sentinelsUp: Dictionary(
                            snapshot.sentinels.map { ($0.address, $0.up) }, uniquingKeysWith: { $0 && $1 }))
                }
                report.memory = serverStats.map {
                    ServerStatsRenderer.memorySection($0.snapshot, now: WallClock.unixSeconds())
                }
                return AdminResponse(status: .ok, contentType: "application/json", body: report.json() + "\n")
            },
            { head in
                guard head.path == "/hotkeys" else { return nil }
                let report = KeyWindowsReport(await self.snapshot(), configuration: self.hub.configuration.keyWindows)
                return AdminResponse(status: .ok, contentType: "application/json", body: report.hotKeysJSON() + "\n")
            },
            { head in
                guard head.path == "/bigkeys" else { return nil }
                let report = KeyWindowsReport(await self.snapshot(), configuration: self.hub.configuration.keyWindows)
                return AdminResponse(
                    status: .ok, contentType: "application/json",
                    body: report.bigKeysJSON(table: self.hub.commandTable) + "\n")
            },
            { head in
                guard head.path == "/slowlog" else { return nil }
                return AdminResponse(
                    status: .ok, contentType: "application/json", body: self.hub.slowLog.json() + "\n")
            },
            { head in
                guard head.path == "/clients" else { return nil }
                return AdminResponse(
                    status: .ok, contentType: "application/json", body: await self.clientsReport().json() + "\n")
            },
            LivePage.route,
        ]
    }
}

/// The version reported by `redislens_build_info` and OTLP resources.
public enum RedisLensVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
