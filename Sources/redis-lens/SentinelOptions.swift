import ArgumentParser
import Proxy

/// The login on the sentinels of a `redis+sentinel://` upstream (the URL's own user and
/// password are the primary's).
struct SentinelOptions: ParsableArguments {
    @Option(help: "ACL user on the sentinels (redis+sentinel:// --upstream). (default: none)")
    var sentinelUsername: String?

    @Option(help: "Password on the sentinels (redis+sentinel:// --upstream). (default: none)")
    var sentinelPassword: String?

    /// Reads `--upstream` (or its default): one Redis, or a Sentinel-managed primary with
    /// the sentinels' login (a cluster's first seed for `redis+cluster://`, whose settings
    /// ``ClusterOptions`` reads). Sentinel options without a `redis+sentinel://` URL are refused.
    func upstream(
        _ flagValue: String?, _ values: OptionValues
    ) throws(ConfigurationError) -> (UpstreamEndpoint, SentinelEndpoint?) {
        let parsed = try values.parse(flagValue, "upstream", "redis://127.0.0.1:6379") {
            text throws(ConfigurationError) -> (UpstreamEndpoint, SentinelEndpoint?) in
            if ClusterEndpoint.matches(text) { return (try ClusterEndpoint(parsing: text).seeds[0], nil) }
            guard SentinelEndpoint.isSentinelURL(text) else { return (try UpstreamEndpoint(parsing: text), nil) }
            let sentinel = try SentinelEndpoint(parsing: text)
            return (sentinel.primary, sentinel)
        }
        let username = values.optional(sentinelUsername, "sentinel-username")
        let password = values.optional(sentinelPassword, "sentinel-password")
        guard var sentinel = parsed.1 else {
            if username != nil { throw ConfigurationError("--sentinel-username needs a redis+sentinel:// --upstream") }
            if password != nil { throw ConfigurationError("--sentinel-password needs a redis+sentinel:// --upstream") }
            return parsed
        }
        sentinel.sentinelUsername = username
        sentinel.sentinelPassword = password
        return (parsed.0, sentinel)
    }
}
