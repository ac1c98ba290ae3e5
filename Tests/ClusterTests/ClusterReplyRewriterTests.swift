import Cluster
import RESP
import Testing

@Suite struct ClusterReplyRewriterTests {
    /// `127.0.0.1:3000N` → `proxy.example:1700N`, as the captured replies expect.
    static func lookup(_ candidates: [NodeAddress]) -> NodeAddress? {
        for candidate in candidates where (30001...30006).contains(candidate.port) {
            if candidate.host == "127.0.0.1" || candidate.host.isEmpty || candidate.host.hasPrefix("host-") {
                return NodeAddress(host: "proxy.example", port: candidate.port - 13000)
            }
        }
        return nil
    }

    static func rewrite(_ text: String, as reply: TopologyReply?, lookup: ClusterReplyRewriter.Lookup = lookup)
        -> String?
    {
        ClusterReplyRewriter.rewrite(Array(text.utf8), as: reply, lookup: lookup).map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    @Test(arguments: CapturedReplies.plain + CapturedReplies.withHostnames)
    func capturedRepliesNameOnlyTheProxy(reply: TopologyReply?, real: String, rewritten: String) {
        #expect(Self.rewrite(real, as: reply) == rewritten)
        #expect(!rewritten.contains("127.0.0.1") && !rewritten.contains("host-300"))
    }

    @Test(arguments: CapturedReplies.plain + CapturedReplies.withHostnames)
    func unknownNodesLeaveRepliesUnchanged(reply: TopologyReply?, real: String, rewritten: String) {
        #expect(Self.rewrite(real, as: reply, lookup: { _ in nil }) == nil)
    }

    @Test func redirectionsNameTheProxy() {
        #expect(Self.rewrite("-ASK 3999 127.0.0.1:30002\r\n", as: nil) == "-ASK 3999 proxy.example:17002\r\n")
        #expect(Self.rewrite("-MOVED 12182 127.0.0.1:30003\r\n", as: .slots) == "-MOVED 12182 proxy.example:17003\r\n")
        // `unknown-endpoint`: "the host you are connected to" (the proxy), so only the port changes.
        #expect(Self.rewrite("-MOVED 12182 :30003\r\n", as: nil) == "-MOVED 12182 :17003\r\n")
        // `cluster-preferred-endpoint-type hostname` with no hostname set: not an address.
        #expect(Self.rewrite("-MOVED 12182 ?:30003\r\n", as: nil) == nil)
    }

    @Test func otherErrorsAndOddRepliesPassUnchanged() {
        for reply in [
            "-ERR unknown command\r\n", "-MOVED 1 127.0.0.1\r\n", "-MOVED 1 127.0.0.1:30003 x\r\n",
            "-MOVED 1 127.0.0.1:99999\r\n", "-moved 1 127.0.0.1:30003\r\n", "-MOVED 1 127.0.0.1:30003",
        ] {
            #expect(Self.rewrite(reply, as: nil) == nil, "\(reply)")
        }
        for (reply, text) in [
            (TopologyReply.slots, "*1\r\n*2\r\n:0\r\n"), (.slots, "*1\r\n:5\r\n"), (.nodes, "+OK\r\n"),
            (.shards, "*1\r\n*1\r\n$5\r\nnodes\r\n"), (.replicas, "*1\r\n$5\r\nabc\r\n"), (.nodes, "$3\r\nab\r\n"),
            (.slots, "*2\r\n*4\r\n:0\r\n:1\r\n*2\r\n$9\r\n127.0.0.1\r\n:30001\r\n"),  // one element short
            (.nodes, "$010\r\nabcdefghij\r\n"),  // not as Redis writes lengths
            (.slots, "*1\r\n*3\r\n:0\r\n:1\r\n*2\r\n$9\r\n127.0.0.1\r\n:30001\r\n+extra\r\n"),  // trailing bytes
        ] {
            #expect(Self.rewrite(text, as: reply) == nil, "\(text)")
        }
    }

    @Test func unknownEndpointSlotsKeepTheirNullHost() {
        // `cluster-preferred-endpoint-type unknown-endpoint` (captured), RESP2.
        let real =
            "*1\r\n*4\r\n:0\r\n:5460\r\n*4\r\n$-1\r\n:30001\r\n$40\r\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9\r\n"
            + "*4\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nhostname\r\n$10\r\nhost-30001\r\n"
            + "*4\r\n$-1\r\n:30006\r\n$40\r\n04997b61107c77bf94eea4a7862e152926bd5761\r\n*0\r\n"
        let expected =
            "*1\r\n*4\r\n:0\r\n:5460\r\n*4\r\n$-1\r\n:17001\r\n$40\r\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9\r\n"
            + "*4\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n"
            + "*4\r\n$-1\r\n:17006\r\n$40\r\n04997b61107c77bf94eea4a7862e152926bd5761\r\n*0\r\n"
        #expect(Self.rewrite(real, as: .slots) == expected)
    }

    @Test func nodesLinesWithoutAnAddressStayAndAnUnknownIPStaysEmpty() {
        let real =
            "abc :0@0 master,noaddr - 0 0 1 disconnected\nid 127.0.0.1:30001@40001 myself,master - 0 0 1 connected\n"
            + "me :30002@40002 myself,master - 0 0 0 connected\n"
        let expected =
            "abc :0@0 master,noaddr - 0 0 1 disconnected\nid proxy.example:17001@40001 myself,master - 0 0 1 connected\n"
            + "me :17002@40002 myself,master - 0 0 0 connected\n"
        #expect(
            Self.rewrite("$\(real.utf8.count)\r\n\(real)\r\n", as: .nodes)
                == "$\(expected.utf8.count)\r\n\(expected)\r\n")
    }

    @Test func topologyCommandsAreRecognisedInAnyCase() {
        let cases: [(String, String, TopologyReply?)] = [
            ("cluster", "slots", .slots), ("CLUSTER", "Shards", .shards), ("Cluster", "NODES", .nodes),
            ("CLUSTER", "replicas", .replicas), ("CLUSTER", "SLAVES", .replicas), ("CLUSTER", "INFO", nil),
            ("GET", "SLOTS", nil), ("CLUSTER", "SLOTSX", nil),
        ]
        for (command, subcommand, reply) in cases {
            #expect(TopologyReply(command: ByteHead(command.utf8), subcommand: ByteHead(subcommand.utf8)) == reply)
        }
    }

    @Test func theMapResolvesAnEmptyHostByItsPortAndReportsUnknownNodes() {
        let reported = ReportedNodes()
        let map = ClusterAddressMap(onUnknownNode: { reported.add($0) })
        map.update([
            NodeAddress(host: "10.0.0.5", port: 7000): NodeAddress(host: "lens", port: 17000),
            NodeAddress(host: "10.0.0.6", port: 7001): NodeAddress(host: "lens", port: 17001),
            NodeAddress(host: "10.0.0.7", port: 7001): NodeAddress(host: "lens", port: 17002),
        ])
        #expect(map.resolve([NodeAddress(host: "", port: 7000)]) == NodeAddress(host: "lens", port: 17000))
        #expect(map.resolve([NodeAddress(host: "", port: 7001)]) == nil)  // two nodes have that port
        #expect(
            map.resolve([NodeAddress(host: "name", port: 7000), NodeAddress(host: "10.0.0.5", port: 7000)])
                == NodeAddress(host: "lens", port: 17000))
        #expect(reported.all.isEmpty)
        #expect(map.resolve([NodeAddress(host: "10.0.0.9", port: 7000)]) == nil)
        #expect(reported.all == [NodeAddress(host: "10.0.0.9", port: 7000)])
    }
}
