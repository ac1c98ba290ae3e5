/// Where the real Redis is, and how the proxy logs in to it:
/// `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS.
///
/// The credentials and database are the proxy's own: its control traffic (`COMMAND`,
/// the `INFO` poll) uses them. Clients authenticate themselves, as they would with Redis,
/// unless `--client-login-from-upstream` hands this login to every client connection.
/// The password never appears in ``description``.
public struct UpstreamEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// Host name or address.
    public var host: String
    /// TCP port (default 6379).
    public var port: Int
    /// ACL user name, if any.
    public var username: String?
    /// Password, if any. Never logged.
    public var password: String?
    /// Database index of the proxy's own connections (default 0).
    public var database: Int
    /// Whether connections use TLS (`rediss://`).
    public var tls: Bool

    /// Creates an endpoint.
    public init(
        host: String, port: Int = 6379, username: String? = nil, password: String? = nil, database: Int = 0,
        tls: Bool = false
    ) {
        self.tls = tls
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    /// Parses a `redis://` or `rediss://` URL. Errors never echo the password.
    public init(parsing text: String) throws(ConfigurationError) {
        let tls = text.hasPrefix("rediss://")
        guard text.hasPrefix("redis://") || tls else {
            throw ConfigurationError("upstream must be redis://[user:password@]host[:port][/db] (rediss:// for TLS)")
        }
        var rest = Substring(text.dropFirst(tls ? "rediss://".count : "redis://".count))
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let dbText = rest[rest.index(after: slash)...]
            if !dbText.isEmpty {
                guard let db = Int(dbText), db >= 0 else {
                    throw ConfigurationError("upstream database '\(dbText)' is not a non-negative number")
                }
                database = db
            }
            rest = rest[..<slash]
        }
        let (username, password) = Self.takeUserInfo(from: &rest)
        let address: HostPort
        if rest.hasPrefix("[") || rest.contains(":") {
            address = try HostPort(parsing: String(rest))
        } else {
            address = HostPort(host: String(rest), port: 6379)
        }
        guard !address.host.isEmpty, address.host != "0.0.0.0" || rest.hasPrefix("0.0.0.0") else {
            throw ConfigurationError("upstream URL has no host")
        }
        guard address.port > 0 else { throw ConfigurationError("upstream port must be 1-65535") }
        self.init(
            host: address.host, port: address.port, username: username, password: password, database: database,
            tls: tls)
    }

    /// The URL with the password replaced by `***`.
    public var description: String {
        "\(tls ? "rediss" : "redis")://\(maskedUserInfo)\(HostPort(host: host, port: port))/\(database)"
    }

    /// `host:port`.
    public var address: String { HostPort(host: host, port: port).description }

    /// `user:***@` (or `:***@`, `user@`, nothing): the URL's login without its password.
    var maskedUserInfo: String {
        guard username != nil || password != nil else { return "" }
        return (username ?? "") + (password == nil ? "" : ":***") + "@"
    }

    /// Removes `[[user]:password@]` from the front of `rest` (the part of a URL after its
    /// scheme) and returns it percent-decoded; `password@` alone is the common shorthand for
    /// `requirepass`.
    static func takeUserInfo(from rest: inout Substring) -> (username: String?, password: String?) {
        guard let at = rest.lastIndex(of: "@") else { return (nil, nil) }
        let userInfo = rest[..<at]
        rest = rest[rest.index(after: at)...]
        if let colon = userInfo.firstIndex(of: ":") {
            let user = percentDecoded(userInfo[..<colon])
            return (user.isEmpty ? nil : user, percentDecoded(userInfo[userInfo.index(after: colon)...]))
        }
        return (nil, userInfo.isEmpty ? nil : percentDecoded(userInfo))
    }

    /// `%XX` escapes decoded (a password may hold `@`, `:` or `/`).
    static func percentDecoded(_ text: Substring) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), let hi = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex),
                let lo = utf8.index(index, offsetBy: 2, limitedBy: utf8.endIndex), lo < utf8.endIndex,
                let value = UInt8(String(decoding: [utf8[hi], utf8[lo]], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index = utf8.index(index, offsetBy: 3)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
