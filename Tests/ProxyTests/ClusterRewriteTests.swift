import Cluster
import TestSupport
import Testing

extension Integration {
    /// A proxy in front of one node of a real cluster (3 primaries, 1 replica), with a
    /// ``ClusterAddressMap`` that gives every node a made-up proxy address.
    @Suite struct ClusterRewrite {
        static let proxyHost = "lens.test"

        /// Real node `127.0.0.1:port` → `lens.test:4100N`.
        static func addresses(of cluster: TestCluster) -> [NodeAddress: NodeAddress] {
            var table: [NodeAddress: NodeAddress] = [:]
            for (index, node) in cluster.nodes.enumerated() {
                table[NodeAddress(host: "127.0.0.1", port: node.port)] = NodeAddress(
                    host: proxyHost, port: 41001 + index)
            }
            return table
        }

        @Test func topologyRepliesAndRedirectionsNameOnlyTheProxyAndAllElseIsUnchanged() async throws {
            try await TestCluster.with(primaries: 3, replicas: 1) { cluster in
                let table = Self.addresses(of: cluster)
                let map = ClusterAddressMap()
                map.update(table)
                let node = cluster.nodes[0]
                try await ProxyHarness.with(upstreamPort: node.port, clusterAddresses: map) { proxy in
                    for resp3 in [false, true] {
                        let direct = try await RawConnection.connect(port: node.port)
                        let through = try await proxy.connect()
                        defer {
                            direct.close()
                            through.close()
                        }
                        if resp3 {
                            let hello = Frames.command(["HELLO", "3"])
                            _ = try await direct.request(hello)
                            let reply = try await through.request(hello)
                            #expect(reply.first == UInt8(ascii: "%"))
                        }
                        try await Self.checkTopology(cluster, table, direct: direct, through: through)
                        try await Self.checkRedirection(cluster, table, direct: direct, through: through)
                        try await Self.checkOtherReplies(direct: direct, through: through)
                    }
                }
            }
        }

        /// `CLUSTER SLOTS`, `SHARDS`, `NODES`, `REPLICAS`, `SLAVES` name every node by its
        /// proxy address, and no real one.
        static func checkTopology(
            _ cluster: TestCluster, _ table: [NodeAddress: NodeAddress], direct: RawConnection,
            through: RawConnection
        ) async throws {
            let slots = Frames.command(["CLUSTER", "SLOTS"])
            let directSlots = try await direct.request(slots)
            let proxySlots = try await through.request(slots)
            // Stable between two calls: the rewrite of the direct reply, byte for byte.
            let rewritten = ClusterReplyRewriter.rewrite(directSlots, as: .slots) { table[$0[0]] }
            #expect(rewritten == proxySlots)
            for command in [
                ["CLUSTER", "SLOTS"], ["CLUSTER", "SHARDS"], ["CLUSTER", "NODES"],
                ["cluster", "replicas", cluster.ids[0]],
                ["CLUSTER", "SLAVES", cluster.ids[0]],
            ] {
                let reply = String(decoding: try await through.request(Frames.command(command)), as: UTF8.self)
                #expect(!reply.contains("127.0.0.1"), "\(command): \(reply)")
                for real in cluster.nodes {
                    #expect(
                        !reply.contains(":\(real.port)\r\n") && !reply.contains(":\(real.port)@"),
                        "\(command): \(reply)")
                }
                let expectedNodes =
                    command[1].lowercased() == "replicas" || command[1] == "SLAVES" ? [3] : [0, 1, 2, 3]
                for index in expectedNodes {
                    let proxyPort = 41001 + index
                    let named =
                        reply.contains("\(proxyHost):\(proxyPort)@")
                        || (reply.contains("$\(proxyHost.utf8.count)\r\n\(proxyHost)\r\n")
                            && reply.contains(":\(proxyPort)\r\n"))
                    #expect(named, "\(command) does not name node \(index): \(reply)")
                }
            }
        }

        /// A key of another node's slot gets `-MOVED <slot> <its proxy address>`.
        static func checkRedirection(
            _ cluster: TestCluster, _ table: [NodeAddress: NodeAddress], direct: RawConnection,
            through: RawConnection
        ) async throws {
            for key in ["a", "b", "c", "d", "e", "f", "g", "h"] {
                let get = Frames.command(["GET", key])
                let directReply = String(decoding: try await direct.request(get), as: UTF8.self)
                let proxyReply = String(decoding: try await through.request(get), as: UTF8.self)
                guard directReply.hasPrefix("-MOVED ") else {
                    #expect(proxyReply == directReply)
                    continue
                }
                let parts = directReply.dropLast().split(separator: " ")
                let port = Int(parts[2].split(separator: ":").last!)!
                let proxy = table[NodeAddress(host: "127.0.0.1", port: port)]!
                #expect(proxyReply == "-MOVED \(parts[1]) \(proxy.host):\(proxy.port)\r\n")
            }
        }

        /// Everything else is Redis's reply byte for byte.
        static func checkOtherReplies(direct: RawConnection, through: RawConnection) async throws {
            let script: [[String]] = [
                ["PING"], ["SET", "{b}x", "1"], ["GET", "{b}x"], ["INCRBY", "{b}n", "0"],
                ["CLUSTER", "KEYSLOT", "{b}x"],
                ["CLUSTER", "COUNTKEYSINSLOT", "3300"], ["CLUSTER", "MYID"], ["NOSUCH"], ["MULTI"], ["GET", "{b}x"],
                ["EXEC"], ["EXISTS", "{b}x", "{b}n"], ["ECHO", "-MOVED 1 127.0.0.1:1"],
            ]
            for command in script {
                let request = Frames.command(command)
                let expected = try await direct.request(request)
                let reply = try await through.request(request)
                #expect(reply == expected, "\(command)")
            }
        }
    }
}
