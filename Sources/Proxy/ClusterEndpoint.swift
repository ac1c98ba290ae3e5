/// A Redis Cluster to front: `redis+cluster://[[user]:password@]seed1:7000,seed2:7001[/0]`
/// (`rediss+cluster://` for TLS to the nodes).
///
/// The seeds are where the first topology is read; after that every node the cluster
/// lists is asked as well. The credentials are the proxy's own, as in `redis://` (control
/// traffic; every client's login with `--client-login-from-upstream`). A cluster has only
/// database 0, so any other `/db` is an error. The password never appears in
/// ``description``.
public struct ClusterEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The seed nodes, each with the URL's credentials (database 0).
    public var seeds: [UpstreamEndpoint]

    /// Creates an endpoint from seeds (at least one).
    public init(seeds: [UpstreamEndpoint]) {
        precondition(!seeds.isEmpty, "a cluster needs at least one seed")
        self.seeds = seeds
    }

    /// Whether `text` names a cluster (`redis+cluster://` or `rediss+cluster://`).
    public static func matches(_ text: String) -> Bool {
        text.hasPrefix("redis+cluster://") || text.hasPrefix("rediss+cluster://")
    }

    /// Parses a `redis+cluster://` URL; each seed is read as a `redis://` URL with the same
    /// credentials would be. Errors never echo the password.
    public init(parsing text: String) throws(ConfigurationError) {
        let tls = text.hasPrefix("rediss+cluster://")
        guard Self.matches(text) else {
            throw ConfigurationError("upstream must be redis+cluster://[user:password@]host:port[,host:port...]")
        }
        var rest = Substring(text.dropFirst(tls ? "rediss+cluster://".count : "redis+cluster://".count))
        if let slash = rest.firstIndex(of: "/") {
            let database = rest[rest.index(after: slash)...]
            guard database.isEmpty || database == "0" else {
                throw ConfigurationError("a cluster has only database 0 (the URL names database '\(database)')")
            }
            rest = rest[..<slash]
        }
        var userInfo = ""
        if let at = rest.lastIndex(of: "@") {
            userInfo = String(rest[...at])
            rest = rest[rest.index(after: at)...]
        }
        let hosts = rest.split(separator: ",", omittingEmptySubsequences: false)
        guard !hosts.isEmpty, hosts.allSatisfy({ !$0.isEmpty }) else {
            throw ConfigurationError("redis+cluster:// needs seed nodes: host:port[,host:port...]")
        }
        let scheme = tls ? "rediss://" : "redis://"
        self.init(
            seeds: try hosts.map { host throws(ConfigurationError) in
                try UpstreamEndpoint(parsing: scheme + userInfo + host)
            })
    }

    /// Whether connections to the nodes use TLS (`rediss+cluster://`).
    public var tls: Bool { seeds[0].tls }

    /// The URL with the password replaced by `***`.
    public var description: String {
        let hosts = seeds.map(\.address).joined(separator: ",")
        return "\(tls ? "rediss" : "redis")+cluster://\(seeds[0].maskedUserInfo)\(hosts)"
    }
}
