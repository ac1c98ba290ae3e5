import Testing

@testable import Proxy

@Suite struct ConfigurationParsingTests {
    @Test func upstreamURLWithEverything() throws {
        let endpoint = try UpstreamEndpoint(parsing: "redis://alice:s%40cret@cache.local:6400/3")
        #expect(endpoint.host == "cache.local")
        #expect(endpoint.port == 6400)
        #expect(endpoint.username == "alice")
        #expect(endpoint.password == "s@cret")
        #expect(endpoint.database == 3)
        #expect(endpoint.description == "redis://alice:***@cache.local:6400/3")
    }

    @Test func upstreamURLShorthands() throws {
        let plain = try UpstreamEndpoint(parsing: "redis://127.0.0.1")
        #expect(plain.port == 6379 && plain.password == nil && plain.database == 0)
        let passwordOnly = try UpstreamEndpoint(parsing: "redis://:pw@h:1")
        #expect(passwordOnly.username == nil && passwordOnly.password == "pw")
        let legacy = try UpstreamEndpoint(parsing: "redis://pw@h")
        #expect(legacy.password == "pw" && legacy.host == "h")
        let ipv6 = try UpstreamEndpoint(parsing: "redis://[::1]:7000/")
        #expect(ipv6.host == "::1" && ipv6.port == 7000)
    }

    @Test func tlsUpstreamURL() throws {
        let endpoint = try UpstreamEndpoint(parsing: "rediss://default:pw@cache.example.com:6380/2")
        #expect(endpoint.tls && endpoint.host == "cache.example.com" && endpoint.port == 6380)
        #expect(endpoint.database == 2 && endpoint.password == "pw")
        #expect(endpoint.description == "rediss://default:***@cache.example.com:6380/2")
        #expect(try !UpstreamEndpoint(parsing: "redis://h:1").tls)
    }

    @Test(arguments: [
        "http://h:1", "redisss://h:1", "rediss://h:0", "redis://h:0", "redis://h:99999", "redis://h/x", "redis://",
    ])
    func badUpstreamURLs(text: String) {
        #expect(throws: ConfigurationError.self) { try UpstreamEndpoint(parsing: text) }
    }

    @Test func errorsNeverEchoThePassword() {
        do {
            _ = try UpstreamEndpoint(parsing: "redis://u:hunter2@h:notaport")
            Issue.record("expected an error")
        } catch {
            #expect(!error.message.contains("hunter2"))
        }
    }

    @Test func hostPorts() throws {
        #expect(try HostPort(parsing: "127.0.0.1:6380") == HostPort(host: "127.0.0.1", port: 6380))
        #expect(try HostPort(parsing: ":6380") == HostPort(host: "0.0.0.0", port: 6380))
        #expect(try HostPort(parsing: "[::1]:0") == HostPort(host: "::1", port: 0))
        #expect(HostPort(host: "::1", port: 5).description == "[::1]:5")
    }

    @Test(arguments: ["nope", "host:", "host:port", "h:-1", "h:65536", "::1:80", "[::1]80"])
    func badHostPorts(text: String) {
        #expect(throws: ConfigurationError.self) { try HostPort(parsing: text) }
    }
}
