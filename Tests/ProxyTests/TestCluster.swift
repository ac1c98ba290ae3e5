import Foundation
import TestSupport

/// A throwaway Redis Cluster on loopback: `primaries` nodes sharing the 16384 slots, and
/// `replicas` more, each replicating a primary in turn. Built with `CLUSTER ADDSLOTSRANGE`,
/// `MEET` and `REPLICATE`; ready once every node says `cluster_state:ok` and the first
/// primary lists every node in `CLUSTER SLOTS`.
final class TestCluster: Sendable {
    /// The nodes: primaries first.
    let nodes: [RedisServer]
    /// The nodes' ids, in the same order.
    let ids: [String]
    private let configFiles: [String]

    private init(nodes: [RedisServer], ids: [String], configFiles: [String]) {
        self.nodes = nodes
        self.ids = ids
        self.configFiles = configFiles
    }

    /// Runs `body` with a fresh cluster whose nodes are killed afterwards, whatever happens.
    static func with<T>(primaries: Int, replicas: Int, _ body: (TestCluster) async throws -> T) async throws -> T {
        var nodes: [RedisServer] = []
        var configFiles: [String] = []
        defer {
            for node in nodes { node.kill() }
            let directory = FileManager.default.temporaryDirectory
            for file in configFiles { try? FileManager.default.removeItem(at: directory.appendingPathComponent(file)) }
        }
        for _ in 0..<(primaries + replicas) {
            let file = "redis-lens-cluster-\(UUID().uuidString).conf"
            configFiles.append(file)
            let busPort = try freePort()
            nodes.append(
                try await offload {
                    try RedisServer.start([
                        "--cluster-enabled", "yes", "--cluster-config-file", file, "--cluster-node-timeout", "2000",
                        "--cluster-port", "\(busPort)",
                    ])
                })
        }
        var ids: [String] = []
        for node in nodes { ids.append(bulkText(try await node.call(Frames.command(["CLUSTER", "MYID"])))) }
        for index in 0..<primaries {
            let first = 16384 * index / primaries
            let last = 16384 * (index + 1) / primaries - 1
            try await expectOK(nodes[index], ["CLUSTER", "ADDSLOTSRANGE", "\(first)", "\(last)"])
        }
        for node in nodes.dropFirst() {
            let busPort = try await node.configValue("cluster-port")
            try await expectOK(nodes[0], ["CLUSTER", "MEET", "127.0.0.1", "\(node.port)", busPort])
        }
        try await waitUntil("every node to know every other", timeout: .seconds(30), every: .milliseconds(50)) {
            for node in nodes {
                let text = bulkText(try await node.call(Frames.command(["CLUSTER", "NODES"])))
                let lines = text.split(separator: "\n")
                if lines.count != nodes.count || text.contains("handshake") || text.contains("noaddr") { return false }
            }
            return true
        }
        for index in 0..<replicas {
            try await expectOK(nodes[primaries + index], ["CLUSTER", "REPLICATE", ids[index % primaries]])
        }
        let cluster = TestCluster(nodes: nodes, ids: ids, configFiles: configFiles)
        try await waitUntil("the cluster to be ready", timeout: .seconds(30), every: .milliseconds(50)) {
            for node in nodes {
                let info = bulkText(try await node.call(Frames.command(["CLUSTER", "INFO"])))
                if !info.contains("cluster_state:ok") { return false }
            }
            let slots = try await nodes[0].call(Frames.command(["CLUSTER", "SLOTS"]))
            let text = String(decoding: slots, as: UTF8.self)
            return nodes.allSatisfy { text.contains(":\($0.port)\r\n") }
        }
        return try await body(cluster)
    }

    private static func expectOK(_ node: RedisServer, _ command: [String]) async throws {
        let reply = try await node.call(Frames.command(command))
        guard reply == Array("+OK\r\n".utf8) else {
            throw TestFailure("\(command.joined(separator: " ")): \(String(decoding: reply, as: UTF8.self))")
        }
    }
}

extension RedisServer {
    /// A value of `CONFIG GET`.
    func configValue(_ name: String) async throws -> String {
        let reply = try await call(Frames.command(["CONFIG", "GET", name]))
        // *2\r\n$N\r\nname\r\n$M\r\nvalue\r\n
        let parts = String(decoding: reply, as: UTF8.self).split(separator: "\r\n")
        guard parts.count == 5 else { throw TestFailure("CONFIG GET \(name): \(parts)") }
        return String(parts[4])
    }
}
