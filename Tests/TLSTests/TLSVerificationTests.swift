import TLS
import TestSupport
import Testing

/// Certificate verification on both sides: the kind each failure is counted as, the reason
/// logged for a person to act on, and what the other side sees meanwhile.
@Suite struct TLSVerificationTests {
    let certificates: TLSCertificates

    init() throws {
        certificates = try TLSCertificates.shared()
    }

    /// The handshake between a server presenting `name` and a client verifying `serverName`.
    func clientFailure(
        serverPresents name: TLSCertificates.Name, serverName: String = "localhost"
    ) throws -> (client: TLSFailure, server: TLSFailure) {
        let pair = try TLSPair(
            server: certificates.serverContext(name), client: certificates.clientContext(serverName: serverName))
        let steps = try pair.handshake()
        let client = try #require(steps.client.failure, "the client accepted \(name): \(steps)")
        let server = try #require(steps.server.failure, "the server did not see the rejection: \(steps)")
        return (client, server)
    }

    // MARK: - The client verifying Redis

    @Test func anExpiredServerCertificate() throws {
        let (client, server) = try clientFailure(serverPresents: .expired)
        #expect(client.kind == .certificateExpired)
        #expect(client.reason.hasPrefix("certificate has expired"), "\(client.reason)")
        #expect(client.reason.contains(try certificates.subject(.expired)), "\(client.reason)")
        #expect(client.reason.contains("expired 2020-01-02 00:00:00 UTC"), "\(client.reason)")
        #expect(server.kind == .peerRejected)
        #expect(server.reason == "the peer rejected the handshake: sslv3 alert certificate expired")
    }

    @Test func aServerCertificateNotValidYet() throws {
        let (client, server) = try clientFailure(serverPresents: .notYetValid)
        #expect(client.kind == .certificateNotYetValid)
        #expect(client.reason == "certificate is not yet valid (\(try certificates.subject(.notYetValid)))")
        #expect(server.kind == .peerRejected)
    }

    @Test func aServerCertificateForAnotherHost() throws {
        let (client, server) = try clientFailure(serverPresents: .wrongHost)
        #expect(client.kind == .hostnameMismatch)
        #expect(client.reason == "hostname mismatch: expected localhost, certificate is for wrong.example")
        #expect(server.kind == .peerRejected)
    }

    @Test func aServerCertificateForAnotherAddress() throws {
        let (client, server) = try clientFailure(serverPresents: .wrongHost, serverName: "127.0.0.1")
        #expect(client.kind == .hostnameMismatch)
        #expect(client.reason == "hostname mismatch: expected 127.0.0.1, certificate is for wrong.example")
        #expect(server.kind == .peerRejected)
    }

    @Test func aServerCertificateFromAnUntrustedCA() throws {
        let (client, server) = try clientFailure(serverPresents: .otherServer)
        #expect(client.kind == .unknownCA)
        #expect(client.reason.contains("unknown CA"), "\(client.reason)")
        #expect(client.reason.contains(try certificates.subject(.otherServer)), "\(client.reason)")
        #expect(server.kind == .peerRejected)
        #expect(server.reason == "the peer rejected the handshake: tlsv1 alert unknown ca")
    }

    @Test func anAddressIsVerifiedAgainstTheIPAddressNames() throws {
        let pair = try TLSPair(
            server: certificates.serverContext(), client: certificates.clientContext(serverName: "127.0.0.1"))
        let steps = try pair.handshake()
        #expect(steps.server == .done && steps.client == .done)
    }

    @Test func skippingVerificationAcceptsAnyCertificate() throws {
        for name in [TLSCertificates.Name.otherServer, .expired, .wrongHost] {
            let pair = try TLSPair(
                server: certificates.serverContext(name), client: certificates.clientContext(verifyPeer: false))
            let steps = try pair.handshake()
            #expect(steps.server == .done && steps.client == .done, "\(name): \(steps)")
        }
    }

    // MARK: - The proxy verifying its clients (mutual TLS)

    @Test func requiredClientCertificateMissing() throws {
        let pair = try TLSPair(
            server: certificates.serverContext(authentication: .yes), client: certificates.clientContext())
        let steps = try pair.handshake()
        let server = try #require(steps.server.failure)
        #expect(server.kind == .noPeerCertificate)
        #expect(server.reason == "the client sent no certificate (--tls-auth-clients yes requires one)")
        // TLS 1.3: the client's side of the handshake ended before the server checked; it
        // learns of the refusal from the alert, on its first read.
        #expect(steps.client == .done)
        let read = pair.read(on: .client)
        let client = try #require(read.failure, "\(read)")
        #expect(client.kind == .peerRejected)
        #expect(client.reason.contains("certificate required"), "\(client.reason)")
    }

    @Test func requiredClientCertificatePresented() throws {
        let pair = try TLSPair(
            server: certificates.serverContext(authentication: .yes),
            client: certificates.clientContext(presenting: .client))
        let steps = try pair.handshake()
        #expect(steps.server == .done && steps.client == .done)
        let seen = try #require(pair.server.peerCertificate)
        #expect(seen.subject == (try certificates.subject(.client)))
        #expect(seen.notAfter == Int64(try certificates.notAfter(.client).timeIntervalSince1970))
        #expect(pair.client.peerCertificate?.subject == (try certificates.subject(.server)))
        let request = Array("*1\r\n$4\r\nPING\r\n".utf8)
        #expect(try pair.transfer(request, from: .client).0 == request)
    }

    @Test func aClientCertificateFromAnUntrustedCA() throws {
        let pair = try TLSPair(
            server: certificates.serverContext(authentication: .yes),
            client: certificates.clientContext(presenting: .otherClient))
        let steps = try pair.handshake()
        let server = try #require(steps.server.failure)
        #expect(server.kind == .unknownCA)
        // OpenSSL keeps no client certificate that failed verification: no subject to name.
        #expect(server.reason == "unknown CA (unable to get local issuer certificate)")
        #expect(steps.client == .done)
        let client = try #require(pair.read(on: .client).failure)
        #expect(client.kind == .peerRejected)
    }

    @Test func optionalClientCertificateMissing() throws {
        let pair = try TLSPair(
            server: certificates.serverContext(authentication: .optional), client: certificates.clientContext())
        let steps = try pair.handshake()
        #expect(steps.server == .done && steps.client == .done)
        #expect(pair.server.peerCertificate == nil)
    }

    @Test func optionalClientCertificatePresented() throws {
        let pair = try TLSPair(
            server: certificates.serverContext(authentication: .optional),
            client: certificates.clientContext(presenting: .client))
        let steps = try pair.handshake()
        #expect(steps.server == .done && steps.client == .done)
        #expect(pair.server.peerCertificate?.subject == (try certificates.subject(.client)))
    }

    @Test func noClientAuthenticationAsksForNoCertificate() throws {
        let pair = try TLSPair(
            server: certificates.serverContext(authentication: .no),
            client: certificates.clientContext(presenting: .client))
        let steps = try pair.handshake()
        #expect(steps.server == .done && steps.client == .done)
        #expect(pair.server.peerCertificate == nil)
    }
}
