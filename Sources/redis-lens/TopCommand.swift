import ArgumentParser
import Proxy

/// `redis-lens top`: the live page's numbers in a terminal, read from a running instance's
/// admin endpoint every second. Parsed on its own (``Main`` dispatches on the first
/// argument), so the proxy's flags stay at the root.
struct TopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redis-lens top",
        abstract: "Shows a running redis-lens's live numbers in the terminal (q quits).",
        discussion: "Reads the admin endpoint's /stats, /slowlog, /hotkeys, /bigkeys and /clients every second. "
            + "The option can also be set by the environment variable REDIS_LENS_ADMIN."
    )

    @Option(
        help:
            "The instance's admin endpoint (its --admin-listen): HOST:PORT or http://HOST:PORT/. (default: 127.0.0.1:9122)"
    )
    var admin: String?

    /// The admin endpoint to read: the flag, else `REDIS_LENS_ADMIN`, else the proxy's
    /// default `--admin-listen`.
    func endpoint(environment: [String: String]) throws(ConfigurationError) -> HostPort {
        let values = OptionValues(environment: environment)
        return try values.parse(admin, "admin", "127.0.0.1:9122") { text throws(ConfigurationError) in
            try Self.parseAdmin(text)
        }
    }

    /// `HOST:PORT`, `[IPv6]:PORT`, `:PORT` (this machine) or `http://` with one of those
    /// and an optional `/` (port 80 when absent).
    static func parseAdmin(_ text: String) throws(ConfigurationError) -> HostPort {
        var rest = Substring(text)
        if rest.lowercased().hasPrefix("https://") {
            throw ConfigurationError("'\(text)': the admin endpoint speaks plain HTTP (http://HOST:PORT)")
        }
        if rest.lowercased().hasPrefix("http://") {
            rest = rest.dropFirst("http://".count)
            if let slash = rest.firstIndex(of: "/") {
                guard rest[slash...] == "/" else {
                    throw ConfigurationError("'\(text)': give the admin endpoint without a path (http://HOST:PORT)")
                }
                rest = rest[..<slash]
            }
            let bracketed = rest.hasPrefix("[")
            let hasPort = bracketed ? rest.contains("]:") : rest.contains(":")
            if !hasPort, !rest.isEmpty { rest += ":80" }
        }
        guard !rest.isEmpty else { throw ConfigurationError("'\(text)' is not HOST:PORT") }
        var address = try HostPort(parsing: String(rest))
        guard address.port > 0 else { throw ConfigurationError("'\(text)' has no valid port (1-65535)") }
        if address.host == "0.0.0.0" { address.host = "127.0.0.1" }
        return address
    }
}
