import Cluster
import Synchronization
import Testing

@Suite struct ClusterAddressMapTests {
    @Test func knownNodesMapAndUnknownOnesAreReported() {
        let reported = ReportedNodes()
        let map = ClusterAddressMap(onUnknownNode: { reported.add($0) })
        let node = NodeAddress(host: "10.0.0.5", port: 7000)
        map.update([node: NodeAddress(host: "127.0.0.1", port: 17000)])
        #expect(map.proxyAddress(for: node) == NodeAddress(host: "127.0.0.1", port: 17000))
        #expect(reported.all.isEmpty)
        #expect(map.proxyAddress(for: NodeAddress(host: "10.0.0.6", port: 7000)) == nil)
        #expect(reported.all == [NodeAddress(host: "10.0.0.6", port: 7000)])
    }
}

final class ReportedNodes: Sendable {
    private let nodes = Mutex<[NodeAddress]>([])
    func add(_ node: NodeAddress) { nodes.withLock { $0.append(node) } }
    var all: [NodeAddress] { nodes.withLock { $0 } }
}
