extension ClusterAddressMap {
    /// The proxy's address for a node named by `candidates` (``ClusterReplyRewriter/Lookup``):
    /// the first one the map knows; a candidate with an empty host matches the one node with
    /// its port (none when several share it). When none is known, the unknown-node callback
    /// runs for the first candidate with a host, and nil is returned.
    public func resolve(_ candidates: [NodeAddress]) -> NodeAddress? {
        let table = snapshot
        for candidate in candidates {
            if candidate.host.isEmpty {
                let matches = table.filter { $0.key.port == candidate.port }
                if matches.count == 1 { return matches.first!.value }
            } else if let proxy = table[candidate] {
                return proxy
            }
        }
        guard let named = candidates.first(where: { !$0.host.isEmpty }) else { return nil }
        return proxyAddress(for: named)
    }
}
