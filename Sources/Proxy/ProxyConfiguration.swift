import RESP

/// Everything the proxy needs to run, validated by the CLI before it starts.
public struct ProxyConfiguration: Sendable {
    /// Where plaintext clients connect (default `127.0.0.1:6380`); nil turns the plaintext
    /// port off (`--listen none`, for TLS only).
    public var listen: HostPort? = HostPort(host: "127.0.0.1", port: 6380)
    /// Where TLS clients connect (`--tls-listen`), when on.
    public var tlsListen: HostPort?
    /// Seconds a TLS client has to finish its handshake (a client that connects and sends
    /// nothing would otherwise hold its descriptor for good).
    public var tlsHandshakeTimeoutSeconds: Double = 10
    /// The real Redis (with ``sentinel``: only the primary's login and database; with a
    /// cluster: its first seed).
    public var upstream = UpstreamEndpoint(host: "127.0.0.1")
    /// A Sentinel-managed primary (`redis+sentinel://`), followed across failovers; nil
    /// for one Redis.
    public var sentinel: SentinelEndpoint?
    /// The Redis Cluster fronted (`redis+cluster://`); nil for one Redis.
    public var cluster: ClusterConfiguration?
    /// Where the admin HTTP endpoint listens (default `127.0.0.1:9122`).
    public var adminListen = HostPort(host: "127.0.0.1", port: 9122)
    /// Connection pool settings.
    public var pool = PoolConfiguration()
    /// Limits on what clients may send (Redis's own by default).
    public var requestLimits = RESPLimits.requestDefaults
    /// How long a graceful shutdown waits for in-flight replies, in seconds.
    public var drainTimeoutSeconds: Double = 10

    /// The default configuration.
    public init() {}
}

/// Upstream connection pool settings.
public struct PoolConfiguration: Sendable {
    /// Idle connections kept open and ready (default 4).
    public var minIdle = 4
    /// Idle connections kept at most; more are closed when returned (default 16).
    public var maxIdle = 16
    /// Upstream connections open at most; clients beyond wait (default 10000, Redis's `maxclients`).
    public var maxTotal = 10_000
    /// How long a client waits for a connection when all are in use, or while Redis cannot
    /// be reached (connecting is retried meanwhile), in seconds (default 5).
    public var waitTimeoutSeconds: Double = 5
    /// Connect (and login) timeout for one upstream connection, in seconds (default 3).
    public var connectTimeoutSeconds: Double = 3
    /// Whether every client connection is logged in with the upstream URL's credentials
    /// and database (`--client-login-from-upstream`, off by default). Off, a client starts
    /// as on a new connection to Redis: default user, database 0, and `NOAUTH` until it
    /// authenticates itself; the URL's credentials serve the proxy's own traffic only.
    public var clientLoginFromUpstream = false
    /// Whether each client gets its own upstream connection (`dedicated`, the default) or
    /// shares a few per data-path thread (`--pool-mode shared`).
    public var mode = PoolMode.dedicated
    /// Shared upstream connections per data-path thread in shared mode (`--shared-connections`, 1...64).
    public var sharedConnections = 1

    /// The default settings.
    public init() {}
}

/// How clients are given upstream connections (`--pool-mode`).
public enum PoolMode: String, Sendable, CaseIterable {
    /// One upstream connection per client, leased from the pool (today's behaviour).
    case dedicated
    /// Each data-path thread pipelines its clients' commands onto a few shared connections;
    /// a client holding connection state (a transaction, subscriptions, ...) is pinned to a
    /// dedicated connection from the pool meanwhile (`SharedRouting`). A slow client's
    /// replies are still read off the shared connection and queued to it (the others are
    /// never stalled); that client stops being read instead, so the memory it holds is
    /// bounded by the replies to the requests it sent while its queue was below the high water.
    case shared
}
