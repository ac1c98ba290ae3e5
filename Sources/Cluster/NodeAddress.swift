/// A cluster node's client address: as the cluster announces it (`CLUSTER SLOTS`,
/// `CLUSTER NODES`, `-MOVED`), or as redis-lens announces its own listener for that node.
public struct NodeAddress: Hashable, Sendable, CustomStringConvertible {
    /// Host name or IP address, as written in the cluster's replies.
    public var host: String
    /// Client port.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port` (IPv6 addresses in brackets are not used by Redis's replies: it writes them bare).
    public var description: String { "\(host):\(port)" }
}
