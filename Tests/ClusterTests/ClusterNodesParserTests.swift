import Cluster
import Testing

@Suite struct ClusterNodesParserTests {
    static let reply = """
        07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004,,shard-id=69bc slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
        67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002,node-b master - 0 1426238316232 2 connected 5461-10922
        292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@31003 master,fail - 0 1426238318243 3 connected 10923-16383
        6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:30005@31005 slave,noaddr 67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 0 1426238316232 5 connected
        824fe116063bc5fcf9f4ffd895bc17aee7731ac3 127.0.0.1:30006@31006 handshake - 0 1426238317741 6 connected
        e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca :30001@31001 myself,master - 0 0 1 connected 0-5460
        not a node line

        """

    @Test func readsAddressesRolesAndHostNames() {
        let nodes = ClusterNodesParser.parse(Self.reply, connectedHost: "10.1.2.3")
        #expect(
            nodes == [
                ClusterNode(
                    id: "07c37dfeb235213a872192d90877d0cd55635b91",
                    address: NodeAddress(host: "127.0.0.1", port: 30004),
                    role: .replica),
                ClusterNode(
                    id: "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1",
                    address: NodeAddress(host: "127.0.0.1", port: 30002),
                    hostname: "node-b", role: .primary, servesSlots: true),
                ClusterNode(
                    id: "292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f",
                    address: NodeAddress(host: "127.0.0.1", port: 30003),
                    role: .primary, failing: true, servesSlots: true),
                ClusterNode(
                    id: "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca", address: NodeAddress(host: "10.1.2.3", port: 30001),
                    role: .primary, servesSlots: true),
            ])
    }

    @Test func aHostNameIsAnAliasOfTheNode() {
        let nodes = ClusterNodesParser.parse(Self.reply, connectedHost: "127.0.0.1")
        #expect(
            nodes[1].aliases == [
                NodeAddress(host: "127.0.0.1", port: 30002), NodeAddress(host: "node-b", port: 30002),
            ])
        #expect(nodes[0].aliases == [NodeAddress(host: "127.0.0.1", port: 30004)])
    }

    @Test func ipv6AddressesSplitAtTheLastColon() {
        let nodes = ClusterNodesParser.parse(
            "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca ::1:30001@31001 myself,master - 0 0 1 connected 0-16383\n",
            connectedHost: "::1")
        #expect(nodes.map(\.address) == [NodeAddress(host: "::1", port: 30001)])
    }

    @Test func emptyOrGarbledTextGivesNoNodes() {
        #expect(ClusterNodesParser.parse("", connectedHost: "h").isEmpty)
        #expect(ClusterNodesParser.parse("a b c d e f g h\n", connectedHost: "h").isEmpty)
        #expect(
            ClusterNodesParser.parse("id 127.0.0.1:notaport@1 master - 0 0 1 connected\n", connectedHost: "h").isEmpty)
        // Address fields that split into nothing are skipped, not a crash.
        for address in ["@", ",", ",x", "@@", ",@1", ""] {
            #expect(
                ClusterNodesParser.parse("id \(address) master - 0 0 1 connected 0-5\n", connectedHost: "h").isEmpty)
        }
    }

    @Test func aNodeThatWasResetServesNoSlots() {
        let reset = ClusterNodesParser.parse(
            "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself,master - 0 0 0 connected\n",
            connectedHost: "h")
        #expect(reset.map(\.servesSlots) == [false])
    }
}
