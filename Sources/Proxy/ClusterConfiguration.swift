/// How redis-lens fronts a Redis Cluster (`--upstream redis+cluster://...`).
///
/// `--listen` is the entry port (relayed to one reachable node, so cluster clients can
/// bootstrap from it); every node of the cluster gets a port of its own from
/// ``listenBase`` up, on `--listen`'s host, announced to clients as ``announceHost``.
public struct ClusterConfiguration: Sendable {
    /// The seeds and the proxy's own credentials.
    public var endpoint: ClusterEndpoint
    /// The first node port (`--cluster-listen-base`; default: the `--listen` port + 1).
    public var listenBase: Int
    /// Node listeners at most (`--cluster-max-nodes`, default 64); more nodes get none.
    public var maxNodes = 64
    /// The host written into rewritten replies (`--announce-host`).
    public var announceHost: String
    /// Seconds between topology refreshes (`--cluster-refresh-interval`, default 2); an
    /// address the proxy does not know yet in a reply triggers one sooner.
    public var refreshIntervalSeconds = 2.0

    /// Creates a configuration.
    public init(endpoint: ClusterEndpoint, listenBase: Int, announceHost: String) {
        self.endpoint = endpoint
        self.listenBase = listenBase
        self.announceHost = announceHost
    }
}
