import NIOConcurrencyHelpers

/// Which proxy address stands for which cluster node: the one table the reply rewriting
/// (data path) reads and the topology refresh (control plane) replaces whole.
///
/// Reads take a lock, but only when a reply is rewritten (topology replies, `-MOVED`,
/// `-ASK`), never per command.
public final class ClusterAddressMap: Sendable {
    private let table = NIOLockedValueBox<[NodeAddress: NodeAddress]>([:])
    private let onUnknownNode: @Sendable (NodeAddress) -> Void

    /// Creates an empty map. `onUnknownNode` runs (on the caller's thread, so it must only
    /// signal) when a reply names a node the map does not know yet: the topology refresh
    /// should run soon.
    public init(onUnknownNode: @escaping @Sendable (NodeAddress) -> Void = { _ in }) {
        self.onUnknownNode = onUnknownNode
    }

    /// Replaces the whole table: real node address → the proxy's address for it.
    public func update(_ map: [NodeAddress: NodeAddress]) {
        table.withLockedValue { $0 = map }
    }

    /// The table as it is now.
    public var snapshot: [NodeAddress: NodeAddress] { table.withLockedValue { $0 } }

    /// The proxy's address for `node`, or nil (and ``init(onUnknownNode:)``'s callback runs)
    /// when the node is not known yet.
    public func proxyAddress(for node: NodeAddress) -> NodeAddress? {
        if let known = table.withLockedValue({ $0[node] }) { return known }
        onUnknownNode(node)
        return nil
    }
}
