/// A Sentinel-managed primary:
/// `redis+sentinel://[[user]:password@]host1[:port],host2[:port]/master-name[/db]`.
///
/// The URL's user, password and database are the primary's, used as a `redis://` URL's
/// are (the proxy's own control traffic, `--client-login-from-upstream`); the sentinels'
/// own login comes from `--sentinel-username` and `--sentinel-password`. A sentinel
/// without a port is on 26379. `rediss+sentinel://` (TLS to the primary) is refused: the
/// primary's host name, which TLS verifies, changes with every failover. The password
/// never appears in ``description``.
public struct SentinelEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The sentinels, asked in this order.
    public var sentinels: [HostPort]
    /// The name the sentinels monitor the primary under (`sentinel monitor <name> ...`).
    public var masterName: String
    /// The primary's login and database (``UpstreamEndpoint/host`` and ``UpstreamEndpoint/port``
    /// are placeholders: the master name and 6379, until a sentinel names the primary).
    public var primary: UpstreamEndpoint
    /// ACL user on the sentinels, if any.
    public var sentinelUsername: String?
    /// Password on the sentinels, if any. Never logged.
    public var sentinelPassword: String?

    /// The port of a sentinel given without one.
    public static let defaultPort = 26379

    /// Whether `text` names a Sentinel-managed primary (`redis+sentinel://` or `rediss+sentinel://`).
    public static func isSentinelURL(_ text: String) -> Bool {
        text.hasPrefix("redis+sentinel://") || text.hasPrefix("rediss+sentinel://")
    }

    /// Parses a `redis+sentinel://` URL. Errors never echo the password.
    public init(parsing text: String) throws(ConfigurationError) {
        if text.hasPrefix("rediss+sentinel://") {
            throw ConfigurationError(
                "rediss+sentinel:// is not supported (TLS to a Sentinel-managed primary); use redis+sentinel://")
        }
        let scheme = "redis+sentinel://"
        guard text.hasPrefix(scheme) else {
            throw ConfigurationError(
                "a Sentinel upstream must be redis+sentinel://[user:password@]host:port,.../name[/db]")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        let (username, password) = UpstreamEndpoint.takeUserInfo(from: &rest)
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        let hosts = parts[0]
        guard !hosts.isEmpty else { throw ConfigurationError("redis+sentinel:// URL names no sentinel") }
        var sentinels: [HostPort] = []
        for entry in hosts.split(separator: ",", omittingEmptySubsequences: false) {
            guard !entry.isEmpty else {
                throw ConfigurationError("redis+sentinel:// URL has an empty sentinel address")
            }
            let address: HostPort
            if entry.hasPrefix("[") ? entry.contains("]:") : entry.contains(":") {
                address = try HostPort(parsing: String(entry))
            } else {
                address = HostPort(host: String(entry.trimmingPrefix("[").prefix { $0 != "]" }), port: Self.defaultPort)
            }
            guard !address.host.isEmpty, !entry.hasPrefix(":") else {
                throw ConfigurationError("sentinel address '\(entry)' has no host")
            }
            guard address.port > 0 else { throw ConfigurationError("sentinel port in '\(entry)' must be 1-65535") }
            sentinels.append(address)
        }
        guard parts.count >= 2, !parts[1].isEmpty else {
            throw ConfigurationError("redis+sentinel:// URL names no master (…/master-name)")
        }
        let name = UpstreamEndpoint.percentDecoded(parts[1])
        var database = 0
        if parts.count >= 3, !parts[2].isEmpty || parts.count > 3 {
            guard parts.count == 3, let db = Int(parts[2]), db >= 0 else {
                throw ConfigurationError(
                    "upstream database '\(parts[2...].joined(separator: "/"))' is not a non-negative number")
            }
            database = db
        }
        self.sentinels = sentinels
        self.masterName = name
        self.primary = UpstreamEndpoint(host: name, username: username, password: password, database: database)
    }

    /// The URL with the password replaced by `***`.
    public var description: String {
        let hosts = sentinels.map(\.description).joined(separator: ",")
        return "redis+sentinel://\(primary.maskedUserInfo)\(hosts)/\(masterName)/\(primary.database)"
    }
}
