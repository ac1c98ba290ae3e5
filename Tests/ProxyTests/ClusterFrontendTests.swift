import Cluster
import ControlPlane
import EpollIO
import Proxy
import ServiceLifecycle
import Telemetry
import TestSupport
import Testing

extension Integration {
    /// The cluster frontend in front of a real cluster (2 primaries, 1 replica): it reads
    /// the topology, gives every node a port that relays to that node, publishes the
    /// proxy-address table, closes the port of a node the cluster forgets, and relays its
    /// entry port to another node when the seed is gone.
    @Suite struct ClusterFrontendTests {
        @Test func everyNodeGetsAPortThatRelaysToItAForgottenNodeLosesItAndTheEntryPortOutlivesTheSeed() async throws {
            try await TestCluster.with(primaries: 2, replicas: 1) { cluster in
                try await FrontendHarness.with(seed: cluster.nodes[0].port) { frontend in
                    try await waitUntil("a port for every node, published") {
                        frontend.nodePorts.count == 3 && frontend.addresses.snapshot.count == 3
                    }
                    // Ready once a pool has connected (the pools warm up beside the
                    // topology read, so readiness can follow the published table).
                    try await waitUntil("ready") { frontend.frontend.notReadyReason == nil }
                    let ports = frontend.nodePorts
                    #expect(
                        frontend.addresses.snapshot
                            == Dictionary(
                                uniqueKeysWithValues: ports.map {
                                    ($0.key, NodeAddress(host: "127.0.0.1", port: $0.value))
                                }
                            ))
                    for (index, node) in cluster.nodes.enumerated() {
                        let port = try #require(ports[NodeAddress(host: "127.0.0.1", port: node.port)])
                        let connection = try await RawConnection.connect(port: port)
                        defer { connection.close() }
                        let id = bulkText(try await connection.request(Frames.command(["CLUSTER", "MYID"])))
                        #expect(id == cluster.ids[index], "port \(port) relays to node \(index)")
                        let slots = String(
                            decoding: try await connection.request(Frames.command(["CLUSTER", "SLOTS"])), as: UTF8.self)
                        for real in cluster.nodes { #expect(!slots.contains(":\(real.port)\r\n"), "\(slots)") }
                    }
                    // The entry port relays to the seed.
                    let entry = try await RawConnection.connect(port: frontend.entryPort)
                    defer { entry.close() }
                    #expect(bulkText(try await entry.request(Frames.command(["CLUSTER", "MYID"]))) == cluster.ids[0])

                    // The replica goes away and the cluster forgets it: its port closes.
                    let replica = cluster.nodes[2]
                    let replicaPort = try #require(ports[NodeAddress(host: "127.0.0.1", port: replica.port)])
                    replica.kill()
                    for node in cluster.nodes.prefix(2) {
                        let reply = try await node.call(Frames.command(["CLUSTER", "FORGET", cluster.ids[2]]))
                        #expect(reply == Array("+OK\r\n".utf8))
                    }
                    // The port goes, then the table without the node is published.
                    try await waitUntil("the forgotten node's port to close", timeout: .seconds(20)) {
                        frontend.nodePorts.count == 2
                            && frontend.addresses.snapshot[NodeAddress(host: "127.0.0.1", port: replica.port)] == nil
                    }
                    #expect(frontend.addresses.snapshot.count == 2)
                    try await waitUntil("connecting to the closed port to be refused") {
                        (try? await RawConnection.connect(port: replicaPort)) == nil
                    }
                    #expect(frontend.statistics.rendered.contains("redislens_cluster_node_listeners 2\n"))

                    // The seed goes away: the entry port relays to the node still reachable.
                    cluster.nodes[0].kill()
                    try await waitUntil(
                        "the entry port to relay to the other primary", timeout: .seconds(20), every: .milliseconds(100)
                    ) {
                        guard let entry = try? await RawConnection.connect(port: frontend.entryPort) else {
                            return false
                        }
                        defer { entry.close() }
                        let reply = try? await entry.request(Frames.command(["CLUSTER", "MYID"]), timeout: .seconds(2))
                        return reply.map(bulkText) == cluster.ids[1]
                    }
                }
            }
        }
    }
}

/// A ``ClusterFrontend`` (and its seed pool) in a service group, on an entry port of the
/// system's choosing and node ports from a free one up.
final class FrontendHarness: Sendable {
    let frontend: ClusterFrontend
    let entryPort: Int

    var nodePorts: [NodeAddress: Int] { frontend.nodePorts }
    var addresses: ClusterAddressMap { frontend.addresses }
    var statistics: ClusterStatistics { frontend.statistics }

    private init(frontend: ClusterFrontend, entryPort: Int) {
        self.frontend = frontend
        self.entryPort = entryPort
    }

    static func with(seed: Int, _ body: (FrontendHarness) async throws -> Void) async throws {
        var configuration = ProxyConfiguration()
        configuration.listen = HostPort(host: "127.0.0.1", port: 0)
        configuration.upstream = UpstreamEndpoint(host: "127.0.0.1", port: seed)
        configuration.pool.minIdle = 1
        configuration.drainTimeoutSeconds = 2
        var cluster = ClusterConfiguration(
            endpoint: ClusterEndpoint(seeds: [configuration.upstream]), listenBase: try freePort(),
            announceHost: "127.0.0.1")
        cluster.maxNodes = 4
        cluster.refreshIntervalSeconds = 0.2
        configuration.cluster = cluster
        let logger = testLogger()
        let group = try EpollLoopGroup(threads: 2)
        let controlPlane = try ControlPlaneThread(name: "test-topology")
        let pool = UpstreamPool(
            endpoint: configuration.upstream, configuration: configuration.pool, group: group, logger: logger)
        let bound = Locked<Int?>(nil)
        let frontend = ClusterFrontend(
            proxy: configuration, seedPool: pool, group: group, logger: logger, telemetry: nil,
            controlPlane: controlPlane, onEntryBound: { bound.value = $0.port })
        let services = ServiceGroup(services: [pool, frontend], logger: logger)
        let runTask = Task { try await services.run() }
        do {
            try await waitUntil("the entry port to listen") { bound.value != nil }
            try await body(FrontendHarness(frontend: frontend, entryPort: bound.value!))
        } catch {
            await services.triggerGracefulShutdown()
            _ = try? await runTask.value
            await controlPlane.shutdown()
            try? await group.shutdownGracefully()
            throw error
        }
        await services.triggerGracefulShutdown()
        try await runTask.value
        await controlPlane.shutdown()
        try await group.shutdownGracefully()
    }
}

extension ClusterStatistics {
    /// The cluster families as text.
    var rendered: String {
        var writer = PrometheusWriter(openMetrics: false)
        render(into: &writer)
        return writer.finish()
    }
}
