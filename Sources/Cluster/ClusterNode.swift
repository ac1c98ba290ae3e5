/// One node of a Redis Cluster as `CLUSTER NODES` describes it: what the topology refresh
/// needs to give the node a listener and to name it in the proxy-address table.
public struct ClusterNode: Hashable, Sendable {
    /// The node's 40-character ID.
    public var id: String
    /// The client address, exactly as the cluster writes it (`ip:port`).
    public var address: NodeAddress
    /// The node's announced host name (`cluster-announce-hostname`), if any: `CLUSTER SLOTS`
    /// and `-MOVED` name the node by it when `cluster-preferred-endpoint-type` is `hostname`.
    public var hostname: String?
    /// Primary or replica.
    public var role: Role
    /// The cluster flagged the node `fail` (kept until the cluster forgets it).
    public var failing: Bool
    /// The line lists slots the node serves (a primary of a working cluster).
    public var servesSlots: Bool

    /// A node's role.
    public enum Role: String, Hashable, Sendable, CaseIterable {
        /// Holds slots (`master` in `CLUSTER NODES`).
        case primary
        /// Replicates a primary (`slave`).
        case replica
    }

    /// Creates a record.
    public init(
        id: String, address: NodeAddress, hostname: String? = nil, role: Role, failing: Bool = false,
        servesSlots: Bool = false
    ) {
        self.servesSlots = servesSlots
        self.id = id
        self.address = address
        self.hostname = hostname
        self.role = role
        self.failing = failing
    }

    /// Every address the cluster may use for this node in replies: `ip:port`, and
    /// `hostname:port` when it announces a host name.
    public var aliases: [NodeAddress] {
        guard let hostname, !hostname.isEmpty, hostname != address.host else { return [address] }
        return [address, NodeAddress(host: hostname, port: address.port)]
    }
}
