import Cluster
import NIOConcurrencyHelpers
import ServerStats
import Telemetry

/// What the cluster frontend reports to `/metrics`: the nodes by role, the node listeners,
/// the refreshes by result, each node's pool, and every node's `INFO` (redis_exporter's
/// names with a `node` label). Written once per refresh, read per scrape.
public final class ClusterStatistics: Sendable {
    private struct Counts {
        var primaries = 0
        var replicas = 0
        var failing = 0
        var listeners = 0
        var unserved = 0
        var refreshesOK: UInt64 = 0
        var refreshesFailed: UInt64 = 0
        var listenFailures: UInt64 = 0
    }

    private let counts = NIOLockedValueBox(Counts())
    private let pollers = NIOLockedValueBox<[String: ServerStatsState]>([:])
    private let pools = NIOLockedValueBox<[String: UpstreamPool]>([:])

    /// Starts at zero.
    public init() {}

    /// A refresh read `nodes`; `listeners` node ports are open, `unserved` nodes have none.
    func refreshed(nodes: [ClusterNode], listeners: Int, unserved: Int) {
        counts.withLockedValue {
            $0.refreshesOK += 1
            $0.primaries = nodes.count { $0.role == .primary }
            $0.replicas = nodes.count { $0.role == .replica }
            $0.failing = nodes.count(where: \.failing)
            $0.listeners = listeners
            $0.unserved = unserved
        }
    }

    /// A refresh found no node that answered.
    func refreshFailed() {
        counts.withLockedValue { $0.refreshesFailed += 1 }
    }

    /// A node port could not be bound.
    func listenFailed() {
        counts.withLockedValue { $0.listenFailures += 1 }
    }

    /// The node at `node` is polled into `state` (nil: no longer).
    func polling(node: String, _ state: ServerStatsState?) {
        pollers.withLockedValue { $0[node] = state }
    }

    /// The node at `node` is served from `pool` (nil: no longer).
    func serving(node: String, _ pool: UpstreamPool?) {
        pools.withLockedValue { $0[node] = pool }
    }

    /// The cluster families, then the nodes' `INFO` (when polled).
    public func render(into writer: inout PrometheusWriter) {
        let nodes = pollers.withLockedValue { $0 }.sorted { $0.key < $1.key }
        if !nodes.isEmpty {
            ServerStatsRenderer.render(nodes.map { (node: $0.key, snapshot: $0.value.snapshot) }, into: &writer)
        }
        let counts = self.counts.withLockedValue { $0 }
        writer.family("redislens_cluster_nodes", .gauge, help: "Cluster nodes in the last topology read, by role.")
        writer.sample("redislens_cluster_nodes", [("role", "primary")], UInt64(counts.primaries))
        writer.sample("redislens_cluster_nodes", [("role", "replica")], UInt64(counts.replicas))
        writer.family("redislens_cluster_nodes_failing", .gauge, help: "Cluster nodes the cluster flags as failing.")
        writer.sample("redislens_cluster_nodes_failing", [], UInt64(counts.failing))
        writer.family("redislens_cluster_node_listeners", .gauge, help: "Node ports the proxy listens on.")
        writer.sample("redislens_cluster_node_listeners", [], UInt64(counts.listeners))
        writer.family(
            "redislens_cluster_unserved_nodes", .gauge,
            help: "Cluster nodes without a proxy port (--cluster-max-nodes reached).")
        writer.sample("redislens_cluster_unserved_nodes", [], UInt64(counts.unserved))
        writer.family(
            "redislens_cluster_topology_refreshes_total", .counter,
            help: "Topology refreshes (CLUSTER NODES), by result.")
        writer.sample("redislens_cluster_topology_refreshes_total", [("result", "ok")], counts.refreshesOK)
        writer.sample("redislens_cluster_topology_refreshes_total", [("result", "error")], counts.refreshesFailed)
        writer.family(
            "redislens_cluster_listen_errors_total", .counter, help: "Node ports that could not be bound.")
        writer.sample("redislens_cluster_listen_errors_total", [], counts.listenFailures)
        renderPools(into: &writer)
    }

    /// Each node pool's connections and reachability (the `redislens_upstream_*` families
    /// describe the first seed's pool only).
    private func renderPools(into writer: inout PrometheusWriter) {
        let pools = self.pools.withLockedValue { $0 }.sorted { $0.key < $1.key }
        guard !pools.isEmpty else { return }
        let snapshots = pools.map { (node: $0.key, pool: $0.value.snapshot) }
        writer.family(
            "redislens_cluster_node_upstream_connections", .gauge, help: "Upstream connections of each node, by state.")
        for (node, pool) in snapshots {
            writer.sample(
                "redislens_cluster_node_upstream_connections", [("node", node), ("state", "idle")], UInt64(pool.idle))
            writer.sample(
                "redislens_cluster_node_upstream_connections", [("node", node), ("state", "used")], UInt64(pool.used))
        }
        writer.family(
            "redislens_cluster_node_upstream_up", .gauge, help: "1 when the last connect to the node succeeded, else 0."
        )
        for (node, pool) in snapshots {
            writer.sample("redislens_cluster_node_upstream_up", [("node", node)], UInt64(pool.upstreamUp ? 1 : 0))
        }
    }
}
