import Cluster
import Testing

@Suite struct ClusterListenerStateMachineTests {
    typealias Machine = ClusterListenerStateMachine

    static func node(_ port: Int, role: ClusterNode.Role = .primary, hostname: String? = nil) -> ClusterNode {
        ClusterNode(
            id: "id\(port)", address: NodeAddress(host: "10.0.0.1", port: port), hostname: hostname, role: role)
    }

    static func real(_ port: Int) -> NodeAddress { NodeAddress(host: "10.0.0.1", port: port) }
    static func proxy(_ port: Int) -> NodeAddress { NodeAddress(host: "lens", port: port) }

    static func machine(maxNodes: Int = 8) -> Machine {
        Machine(configuration: .init(listenBase: 7000, maxNodes: maxNodes, announceHost: "lens"))
    }

    @Test func theFirstTopologyOpensOneListenerPerNodeInAddressOrder() {
        var machine = Self.machine()
        let actions = machine.topologySeen([Self.node(6381), Self.node(6379), Self.node(6380, role: .replica)])
        #expect(
            actions == [
                .openListener(node: Self.real(6379), port: 7000),
                .openListener(node: Self.real(6380), port: 7001),
                .openListener(node: Self.real(6381), port: 7002),
                .updateMap([
                    Self.real(6379): Self.proxy(7000), Self.real(6380): Self.proxy(7001),
                    Self.real(6381): Self.proxy(7002),
                ]),
            ])
    }

    @Test func theSameTopologyAgainChangesNothing() {
        var machine = Self.machine()
        _ = machine.topologySeen([Self.node(6379), Self.node(6380)])
        #expect(machine.topologySeen([Self.node(6380), Self.node(6379)]).isEmpty)
    }

    @Test func aFailoverChangesRolesButNoListener() {
        var machine = Self.machine()
        _ = machine.topologySeen([Self.node(6379), Self.node(6380, role: .replica)])
        #expect(machine.topologySeen([Self.node(6379, role: .replica), Self.node(6380)]).isEmpty)
        #expect(machine.nodes.map(\.role) == [.replica, .primary])
    }

    @Test func aNodeThatLeftIsClosedAndANewNodeTakesAFreshPort() {
        var machine = Self.machine()
        _ = machine.topologySeen([Self.node(6379), Self.node(6380), Self.node(6381)])
        let actions = machine.topologySeen([Self.node(6379), Self.node(6381), Self.node(6382)])
        #expect(
            actions == [
                .closeListener(node: Self.real(6380), port: 7001),
                .openListener(node: Self.real(6382), port: 7003),
                .updateMap([
                    Self.real(6379): Self.proxy(7000), Self.real(6381): Self.proxy(7002),
                    Self.real(6382): Self.proxy(7003),
                ]),
            ])
        #expect(machine.ports[Self.real(6379)] == 7000)
    }

    @Test func aNodeThatComesBackGetsItsFormerPort() {
        var machine = Self.machine()
        _ = machine.topologySeen([Self.node(6379), Self.node(6380)])
        _ = machine.topologySeen([Self.node(6379)])
        let actions = machine.topologySeen([Self.node(6379), Self.node(6380)])
        #expect(actions.first == .openListener(node: Self.real(6380), port: 7001))
    }

    @Test func portsOfNodesThatLeftAreReusedWhenNoFreshOneIsLeft() {
        var machine = Self.machine(maxNodes: 2)
        _ = machine.topologySeen([Self.node(6379), Self.node(6380)])
        _ = machine.topologySeen([Self.node(6379)])
        let actions = machine.topologySeen([Self.node(6379), Self.node(6390)])
        #expect(actions.first == .openListener(node: Self.real(6390), port: 7001))
    }

    @Test func nodesBeyondTheLimitGetNoListenerAndStayOutOfTheMap() {
        var machine = Self.machine(maxNodes: 2)
        let actions = machine.topologySeen([Self.node(6379), Self.node(6380), Self.node(6381)])
        #expect(actions.count == 3)
        #expect(machine.unservedNodes == 1)
        #expect(machine.map[Self.real(6381)] == nil)
        _ = machine.topologySeen([Self.node(6379), Self.node(6381)])
        #expect(machine.unservedNodes == 0)
        #expect(machine.map[Self.real(6381)] == Self.proxy(7001))
    }

    @Test func aPortThatCannotBeBoundIsNotTriedAgain() {
        var machine = Self.machine()
        _ = machine.topologySeen([Self.node(6379), Self.node(6380)])
        let failed = machine.listenerFailed(node: Self.real(6380), port: 7001)
        #expect(failed == [.updateMap([Self.real(6379): Self.proxy(7000)])])
        let retried = machine.topologySeen([Self.node(6379), Self.node(6380)])
        #expect(retried.first == .openListener(node: Self.real(6380), port: 7002))
    }

    @Test func aHostNameMapsToTheSameProxyAddress() {
        var machine = Self.machine()
        _ = machine.topologySeen([Self.node(6379, hostname: "redis-0")])
        #expect(
            machine.map == [
                Self.real(6379): Self.proxy(7000), NodeAddress(host: "redis-0", port: 6379): Self.proxy(7000),
            ])
    }

    @Test func duplicateAddressesCountOnce() {
        var machine = Self.machine()
        let actions = machine.topologySeen([Self.node(6379), Self.node(6379, role: .replica)])
        #expect(actions.count == 2)
        #expect(machine.nodes.count == 1)
    }
}
