import ControlPlane
import Logging
import Proxy
import RESP
import TLS
import Telemetry
import TestSupport
import Testing

extension Integration {
    /// The proxy with TLS on both sides, in front of a TLS-only redis-server, with
    /// certificates the `openssl` CLI made. The clients are the control plane's own TLS
    /// connections (OpenSSL on a blocking socket, hiredis parsing the replies).
    @Suite struct TLSProxy {
        let certificates: TLSCertificates

        init() throws {
            certificates = try TLSCertificates.shared()
        }

        /// The proxy's two TLS sides: its TLS port presents `server`; Redis's certificate is
        /// verified against the test CA as `localhost`.
        func sides(upstreamCA: TLSCertificates.Name = .ca) throws -> (HarnessTLS, TLSStatistics) {
            let statistics = TLSStatistics()
            var server = TLSConfiguration(role: .server, optionPrefix: "tls")
            server.certificateFile = certificates.certificate(.server)
            server.privateKeyFile = certificates.key(.server)
            server.clientAuthentication = .no
            var client = TLSConfiguration(role: .client, optionPrefix: "upstream-tls")
            client.caCertificateFile = certificates.certificate(upstreamCA)
            client.serverName = "localhost"
            let logger = Logger(label: "tls-test")
            let sides = HarnessTLS(
                client: TLSSide(
                    name: "client", context: try TLSContext(server), statistics: statistics, logger: logger),
                upstream: TLSSide(
                    name: "upstream", context: try TLSContext(client), statistics: statistics, logger: logger))
            return (sides, statistics)
        }

        /// A client's TLS context: trusts the test CA, verifies `localhost`.
        func clientContext() throws -> TLSContext {
            var configuration = TLSConfiguration(role: .client, optionPrefix: "test")
            configuration.caCertificateFile = certificates.ca
            configuration.serverName = "localhost"
            return try TLSContext(configuration)
        }

        func withTLSRedisAndProxy(
            upstreamCA: TLSCertificates.Name = .ca, pool: PoolConfiguration = PoolConfiguration(),
            handshakeTimeoutSeconds: Double? = nil, _ body: (ProxyHarness, TLSStatistics) async throws -> Void
        ) async throws {
            let redis = try await offload {
                try RedisServer.start(tls: RedisTLSConfiguration(certificates: TLSCertificates.shared()))
            }
            defer { redis.kill() }
            var (sides, statistics) = try sides(upstreamCA: upstreamCA)
            sides.handshakeTimeoutSeconds = handshakeTimeoutSeconds
            try await ProxyHarness.with(upstreamPort: redis.port, pool: pool, tls: sides) { proxy in
                try await body(proxy, statistics)
            }
        }

        @Test func commandsAndALargeValueCrossTLSOnBothSides() async throws {
            try await withTLSRedisAndProxy { proxy, statistics in
                let context = try clientContext()
                let port = proxy.tlsPort!
                let value = [UInt8]((0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
                let replies = try await offload { () -> [RESPValue] in
                    let connection = try ControlPlaneConnection.connect(
                        host: "127.0.0.1", port: port, login: ControlPlaneLogin(), timeout: .seconds(10), tls: context)
                    defer { connection.close() }
                    var replies: [RESPValue] = []
                    for index in 0..<200 { replies.append(try connection.command(["INCR", "tls:\(index / 7)"])) }
                    replies.append(try connection.command([Array("SET".utf8), Array("tls:big".utf8), value]))
                    replies.append(try connection.command(["GET", "tls:big"]))
                    return replies
                }
                let counts: [Int64] = replies.prefix(200).compactMap(\.integer)
                let expected: [Int64] = (0..<200).map { index in Int64(index % 7 + 1) }
                #expect(counts == expected)
                #expect(replies[200] == .string(Array("OK".utf8)))
                #expect(replies[201] == .string(value), "the 4 MiB value came back changed")
                let client = statistics.snapshot["client"]
                #expect(client?.handshakes["ok"] == 1)
                #expect(client?.protocols["TLSv1.3"] == 1)
                let upstream = statistics.snapshot["upstream"]
                #expect((upstream?.handshakes["ok"] ?? 0) >= 1)
                #expect(upstream?.certificates[try certificates.subject(.server)] != nil)
            }
        }

        @Test func aPlaintextClientOnTheTLSPortIsCountedAndOthersWork() async throws {
            try await withTLSRedisAndProxy { proxy, statistics in
                let plain = try await RawConnection.connect(port: proxy.tlsPort!)
                defer { plain.close() }
                try await plain.send(Frames.command(["PING"]))
                let answer = try await plain.readToEnd(timeout: .seconds(10))
                #expect(answer.isEmpty, "a plaintext client got \(Wire(answer))")
                try await waitUntil("the failed handshake to be counted") {
                    statistics.snapshot["client"]?.handshakes["not_tls"] == 1
                }
                let context = try clientContext()
                let port = proxy.tlsPort!
                let pong = try await offload {
                    let connection = try ControlPlaneConnection.connect(
                        host: "127.0.0.1", port: port, login: ControlPlaneLogin(), timeout: .seconds(10), tls: context)
                    defer { connection.close() }
                    return try connection.command(["PING"])
                }
                #expect(pong == .string(Array("PONG".utf8)))
            }
        }

        /// Redis's certificate is signed by a CA the proxy does not trust: the client's
        /// connection closes with no reply (as if Redis were unreachable), the failure is
        /// counted by kind, and nothing reaches Redis in the clear.
        @Test func anUntrustedRedisCertificateClosesTheClientAndIsCounted() async throws {
            var pool = PoolConfiguration()
            pool.waitTimeoutSeconds = 1
            try await withTLSRedisAndProxy(upstreamCA: .otherCA, pool: pool) { proxy, statistics in
                let client = try await proxy.connect()
                defer { client.close() }
                try await client.send(Frames.command(["PING"]))
                let answer = try await client.readToEnd(timeout: .seconds(15))
                #expect(answer.isEmpty, "the proxy answered \(Wire(answer)) for an unreachable Redis")
                #expect((statistics.snapshot["upstream"]?.handshakes["unknown_ca"] ?? 0) >= 1)
                #expect(statistics.snapshot["upstream"]?.handshakes["ok"] == nil)
            }
        }

        /// A client that connects to the TLS port and never sends its hello is closed when
        /// its handshake time is up, and counted; it never reached Redis.
        @Test func aSilentTLSClientIsClosedWhenItsHandshakeTimeIsUp() async throws {
            try await withTLSRedisAndProxy(handshakeTimeoutSeconds: 0.3) { proxy, statistics in
                let silent = try await RawConnection.connect(port: proxy.tlsPort!)
                defer { silent.close() }
                let answer = try await silent.readToEnd(timeout: .seconds(10))
                #expect(answer.isEmpty)
                #expect(statistics.snapshot["client"]?.handshakes["timeout"] == 1)
                #expect(statistics.snapshot["client"]?.handshakes["ok"] == nil)
            }
        }
    }
}
