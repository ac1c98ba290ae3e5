/// Which proxy port serves which cluster node: fed the topology each refresh sees, it
/// returns the listeners to open and close and the proxy-address table to publish.
///
/// Port rule: ports come from `listenBase` up, at most `maxNodes` of them. A node keeps its
/// port while it is in the topology; a new node takes the lowest free port (a node that
/// comes back gets its former port if that is still free). A node is known by its address
/// as `CLUSTER NODES` writes it, since that is where its listener relays. Nodes beyond
/// `maxNodes` get no listener (``unservedNodes`` counts them) and stay out of the table, so
/// replies keep their real address. A port that cannot be bound is not tried again.
public struct ClusterListenerStateMachine: Sendable {
    /// The port rule and the host clients are told to use.
    public struct Configuration: Hashable, Sendable {
        /// The first node port.
        public var listenBase: Int
        /// Node listeners at most.
        public var maxNodes: Int
        /// The host written into rewritten replies (`--announce-host`).
        public var announceHost: String

        /// Creates a configuration.
        public init(listenBase: Int, maxNodes: Int, announceHost: String) {
            self.listenBase = listenBase
            self.maxNodes = maxNodes
            self.announceHost = announceHost
        }
    }

    /// What the owner of the sockets does next, in order.
    public enum Action: Hashable, Sendable {
        /// Listen on `port` and relay its clients to `node`.
        case openListener(node: NodeAddress, port: Int)
        /// Stop listening on `port`: `node` left the topology.
        case closeListener(node: NodeAddress, port: Int)
        /// Publish this table (real address → proxy address) to ``ClusterAddressMap``.
        case updateMap([NodeAddress: NodeAddress])
    }

    private let configuration: Configuration
    /// Node → port, for listeners open or being opened.
    public private(set) var ports: [NodeAddress: Int] = [:]
    /// The last topology seen (nodes without a listener included).
    public private(set) var nodes: [ClusterNode] = []
    /// Nodes of the last topology that got no listener (``Configuration/maxNodes`` reached).
    public private(set) var unservedNodes = 0
    private var formerPorts: [NodeAddress: Int] = [:]
    private var unusablePorts: Set<Int> = []
    private var publishedMap: [NodeAddress: NodeAddress]?

    /// Starts with no listeners.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// A refresh read `nodes`: close listeners of nodes that left, open listeners for new
    /// ones, and publish the table when it changed.
    public mutating func topologySeen(_ seen: [ClusterNode]) -> [Action] {
        var unique: [ClusterNode] = []
        var addresses: Set<NodeAddress> = []
        for node in seen where addresses.insert(node.address).inserted { unique.append(node) }
        nodes = unique
        var actions: [Action] = []
        for (node, port) in ports.sorted(by: { $0.value < $1.value }) where !addresses.contains(node) {
            ports[node] = nil
            formerPorts[node] = port
            actions.append(.closeListener(node: node, port: port))
        }
        unservedNodes = 0
        let newcomers = unique.map(\.address).filter { ports[$0] == nil }
            .sorted { ($0.host, $0.port) < ($1.host, $1.port) }
        for node in newcomers {
            guard let port = freePort(preferring: formerPorts[node]) else {
                unservedNodes += 1
                continue
            }
            ports[node] = port
            formerPorts[node] = nil
            actions.append(.openListener(node: node, port: port))
        }
        return actions + publishIfChanged()
    }

    /// Opening `node`'s listener on `port` failed: that port is not used again, the node is
    /// out of the table until a later refresh gives it another port.
    public mutating func listenerFailed(node: NodeAddress, port: Int) -> [Action] {
        unusablePorts.insert(port)
        guard ports[node] == port else { return [] }
        ports[node] = nil
        return publishIfChanged()
    }

    /// The table for the current ports: every alias of a served node → its proxy address.
    public var map: [NodeAddress: NodeAddress] {
        var map: [NodeAddress: NodeAddress] = [:]
        for node in nodes {
            guard let port = ports[node.address] else { continue }
            for alias in node.aliases {
                map[alias] = NodeAddress(host: configuration.announceHost, port: port)
            }
        }
        return map
    }

    private mutating func publishIfChanged() -> [Action] {
        let current = map
        guard current != publishedMap else { return [] }
        publishedMap = current
        return [.updateMap(current)]
    }

    private func freePort(preferring former: Int?) -> Int? {
        let used = Set(ports.values)
        let range = configuration.listenBase..<(configuration.listenBase + configuration.maxNodes)
        if let former, range.contains(former), !used.contains(former), !unusablePorts.contains(former) {
            return former
        }
        let reserved = Set(formerPorts.values)
        // A port last used by another node is taken only when no fresh one is left.
        return range.first { !used.contains($0) && !unusablePorts.contains($0) && !reserved.contains($0) }
            ?? range.first { !used.contains($0) && !unusablePorts.contains($0) }
    }
}
