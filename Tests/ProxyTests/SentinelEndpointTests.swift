import Testing

@testable import Proxy

@Suite struct SentinelEndpointTests {
    @Test func sentinelURLWithEverything() throws {
        let endpoint = try SentinelEndpoint(
            parsing: "redis+sentinel://alice:s%40cret@10.0.0.1:26380,sentinel-b,[::1]:26381/my%20master/3")
        #expect(
            endpoint.sentinels == [
                HostPort(host: "10.0.0.1", port: 26380), HostPort(host: "sentinel-b", port: 26379),
                HostPort(host: "::1", port: 26381),
            ])
        #expect(endpoint.masterName == "my master")
        #expect(endpoint.primary.username == "alice" && endpoint.primary.password == "s@cret")
        #expect(endpoint.primary.database == 3 && !endpoint.primary.tls)
        #expect(endpoint.sentinelUsername == nil && endpoint.sentinelPassword == nil)
        #expect(
            endpoint.description == "redis+sentinel://alice:***@10.0.0.1:26380,sentinel-b:26379,[::1]:26381/my master/3"
        )
    }

    @Test func sentinelURLShorthands() throws {
        let plain = try SentinelEndpoint(parsing: "redis+sentinel://127.0.0.1/mymaster")
        #expect(plain.sentinels == [HostPort(host: "127.0.0.1", port: 26379)])
        #expect(plain.primary.password == nil && plain.primary.database == 0)
        let trailingSlash = try SentinelEndpoint(parsing: "redis+sentinel://:pw@h:1/m/")
        #expect(trailingSlash.primary.password == "pw" && trailingSlash.masterName == "m")
        let bracketed = try SentinelEndpoint(parsing: "redis+sentinel://[::1]/m")
        #expect(bracketed.sentinels == [HostPort(host: "::1", port: 26379)])
        #expect(SentinelEndpoint.isSentinelURL("redis+sentinel://h/m") && !SentinelEndpoint.isSentinelURL("redis://h"))
    }

    @Test(arguments: [
        "redis+sentinel://", "redis+sentinel:///m", "redis+sentinel://h:1", "redis+sentinel://h:1/",
        "redis+sentinel://h:0/m", "redis+sentinel://h:99999/m", "redis+sentinel://h:x/m", "redis+sentinel://h,,i/m",
        "redis+sentinel://:1/m", "redis+sentinel://h/m/x", "redis+sentinel://h/m/1/2", "redis+sentinel://h/m/-1",
        "rediss+sentinel://h/m", "redis://h/m",
    ])
    func badSentinelURLs(text: String) {
        #expect(throws: ConfigurationError.self) { try SentinelEndpoint(parsing: text) }
    }

    @Test func errorsNeverEchoThePassword() {
        do {
            _ = try SentinelEndpoint(parsing: "redis+sentinel://:hunter2@h:x/m")
            Issue.record("accepted a bad port")
        } catch {
            #expect(!error.message.contains("hunter2"))
        }
    }
}
