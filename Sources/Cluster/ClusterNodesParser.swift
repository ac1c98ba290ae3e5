/// Reads the text of a `CLUSTER NODES` reply into ``ClusterNode`` records.
///
/// One line per node: `<id> <ip:port@cport[,hostname]> <flags> <primary> <ping-sent>
/// <pong-recv> <config-epoch> <link-state> <slot>...`. Nodes the proxy cannot relay to are
/// left out: `noaddr` (address unknown), `handshake` (not yet a member). Nodes flagged
/// `fail` stay (with ``ClusterNode/failing``) until the cluster forgets them. Malformed
/// lines are skipped, so one odd line never hides the rest of the topology.
public enum ClusterNodesParser {
    /// The nodes of `text`; `connectedHost` stands in for an empty IP (a node that has
    /// never met another writes `:port@cport` for itself).
    public static func parse(_ text: String, connectedHost: String) -> [ClusterNode] {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).compactMap {
            node(from: $0, connectedHost: connectedHost)
        }
    }

    private static func node(from line: Substring, connectedHost: String) -> ClusterNode? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 8 else { return nil }
        let flags = Set(fields[2].split(separator: ",").map(String.init))
        guard !flags.contains("noaddr"), !flags.contains("handshake") else { return nil }
        let role: ClusterNode.Role
        if flags.contains("master") {
            role = .primary
        } else if flags.contains("slave") {
            role = .replica
        } else {
            return nil
        }
        // ip:port@cport[,hostname[,aux=value...]] (7.2 adds the auxiliary fields); IPv6
        // addresses are written bare (the last colon splits).
        let endpoint = fields[1].split(separator: ",", omittingEmptySubsequences: false)
        guard
            let hostPort = endpoint.first?.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).first,
            let colon = hostPort.lastIndex(of: ":"), let port = Int(hostPort[hostPort.index(after: colon)...]),
            (1...65535).contains(port)
        else { return nil }
        let ip = hostPort[..<colon]
        let hostname =
            endpoint.count > 1 && !endpoint[1].isEmpty && !endpoint[1].contains("=") ? String(endpoint[1]) : nil
        return ClusterNode(
            id: String(fields[0]), address: NodeAddress(host: ip.isEmpty ? connectedHost : String(ip), port: port),
            hostname: hostname, role: role, failing: flags.contains("fail"), servesSlots: fields.count > 8)
    }
}
