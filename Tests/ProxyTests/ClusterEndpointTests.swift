import Testing

@testable import Proxy

@Suite struct ClusterEndpointTests {
    @Test func seedsShareTheCredentials() throws {
        let endpoint = try ClusterEndpoint(
            parsing: "redis+cluster://alice:p%40ss,w@10.0.0.1:7000,node-b:7001,[::1]:7002/0")
        #expect(endpoint.seeds.map(\.address) == ["10.0.0.1:7000", "node-b:7001", "[::1]:7002"])
        #expect(endpoint.seeds.allSatisfy { $0.username == "alice" && $0.password == "p@ss,w" && $0.database == 0 })
        #expect(!endpoint.tls)
        #expect(endpoint.description == "redis+cluster://alice:***@10.0.0.1:7000,node-b:7001,[::1]:7002")
    }

    @Test func tlsAndDefaults() throws {
        let endpoint = try ClusterEndpoint(parsing: "rediss+cluster://:pw@h1,h2:7001")
        #expect(endpoint.tls && endpoint.seeds.allSatisfy(\.tls))
        #expect(endpoint.seeds.map(\.address) == ["h1:6379", "h2:7001"])
        #expect(endpoint.seeds[0].username == nil && endpoint.seeds[0].password == "pw")
    }

    @Test func badURLsAreOneLineErrorsWithoutThePassword() {
        for text in [
            "redis+cluster://:secret@h:1/2", "redis+cluster://:secret@h:1,,h:2", "redis+cluster://:secret@",
            "redis+cluster://:secret@h:port", "redis://:secret@h:1",
        ] {
            #expect(throws: ConfigurationError.self) { try ClusterEndpoint(parsing: text) }
            do {
                _ = try ClusterEndpoint(parsing: text)
            } catch {
                #expect(!error.message.contains("secret"), "\(text): \(error.message)")
                #expect(!error.message.contains("\n"))
            }
        }
    }
}
