import ArgumentParser
import Proxy

/// The Redis Cluster options (`--upstream redis+cluster://...`): where the per-node
/// listeners go and what address clients are told.
struct ClusterOptions: ParsableArguments {
    @Option(help: "First port of the per-node listeners of a cluster upstream. (default: the --listen port + 1)")
    var clusterListenBase: String?

    @Option(help: "Cluster nodes given a listener at most; ports run from --cluster-listen-base up. (default: 64)")
    var clusterMaxNodes: String?

    @Option(help: "Seconds between cluster topology refreshes. (default: 2)")
    var clusterRefreshInterval: String?

    @Option(
        help: "Host clients are told to use for the node ports (CLUSTER SLOTS, MOVED). (default: the --listen host)")
    var announceHost: String?

    /// The cluster configuration, nil unless `upstream` (flag or environment) is `redis+cluster://`.
    func settings(_ values: OptionValues, upstream: String?, proxy: ProxyConfiguration) throws(ConfigurationError)
        -> ClusterConfiguration?
    {
        let flags: [(String?, String)] = [
            (clusterListenBase, "cluster-listen-base"), (clusterMaxNodes, "cluster-max-nodes"),
            (clusterRefreshInterval, "cluster-refresh-interval"), (announceHost, "announce-host"),
        ]
        guard let text = values.optional(upstream, "upstream"), ClusterEndpoint.matches(text) else {
            for (value, flag) in flags where values.optional(value, flag) != nil {
                throw ConfigurationError("--\(flag) needs a redis+cluster:// --upstream")
            }
            return nil
        }
        let endpoint = try values.parse(upstream, "upstream", "") { text throws(ConfigurationError) in
            try ClusterEndpoint(parsing: text)
        }
        guard let listen = proxy.listen else {
            throw ConfigurationError("a redis+cluster:// upstream needs a plaintext --listen (its entry port)")
        }
        guard proxy.tlsListen == nil else {
            throw ConfigurationError("--tls-listen is not supported with a redis+cluster:// upstream")
        }
        guard listen.port != 0 || values.optional(clusterListenBase, "cluster-listen-base") != nil else {
            throw ConfigurationError("--listen with port 0 needs --cluster-listen-base")
        }
        let base = try values.integer(clusterListenBase, "cluster-listen-base", listen.port + 1, in: 1...65535)
        let maxNodes = try values.integer(clusterMaxNodes, "cluster-max-nodes", 64, in: 1...1024)
        let ports = base...(base + maxNodes - 1)
        guard ports.upperBound <= 65535 else {
            throw ConfigurationError("--cluster-listen-base \(base) leaves no room for \(maxNodes) node ports")
        }
        guard !ports.contains(listen.port),
            proxy.adminListen.host != listen.host || !ports.contains(proxy.adminListen.port)
        else {
            throw ConfigurationError(
                "node ports \(ports.lowerBound)-\(ports.upperBound) overlap --listen or --admin-listen")
        }
        let wildcard = ["0.0.0.0", "::", "*", ""].contains(listen.host)
        guard let announce = values.optional(announceHost, "announce-host") ?? (wildcard ? nil : listen.host) else {
            throw ConfigurationError("--listen \(listen) listens on every interface: set --announce-host")
        }
        var cluster = ClusterConfiguration(endpoint: endpoint, listenBase: base, announceHost: announce)
        cluster.maxNodes = maxNodes
        cluster.refreshIntervalSeconds = try values.seconds(clusterRefreshInterval, "cluster-refresh-interval", 2)
        return cluster
    }
}
