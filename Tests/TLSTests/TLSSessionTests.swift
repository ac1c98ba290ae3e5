import Foundation
import TLS
import TestSupport
import Testing

/// Handshakes and traffic between a server and a client session over a socket pair: what each
/// side sees when it works, when the peer is no TLS peer, and when it goes away.
@Suite struct TLSSessionTests {
    let certificates: TLSCertificates

    init() throws {
        certificates = try TLSCertificates.shared()
    }

    func connectedPair() throws -> TLSPair {
        let pair = try TLSPair(server: certificates.serverContext(), client: certificates.clientContext())
        let steps = try pair.handshake()
        try #require(steps.server == .done && steps.client == .done, "\(steps)")
        return pair
    }

    @Test func aHandshakeNegotiatesTLS13AndShowsTheClientTheServersCertificate() throws {
        let pair = try TLSPair(server: certificates.serverContext(), client: certificates.clientContext())
        let steps = try pair.handshake()
        #expect(steps.server == .done)
        #expect(steps.client == .done)
        #expect(pair.server.protocolVersion == "TLSv1.3")
        #expect(pair.client.protocolVersion == "TLSv1.3")
        #expect(pair.client.cipher == pair.server.cipher)
        #expect(pair.client.cipher.hasPrefix("TLS_"))
        #expect(pair.server.peerCertificate == nil)  // no client authentication asked for
        let seen = try #require(pair.client.peerCertificate)
        #expect(seen.subject == (try certificates.subject(.server)))
        #expect(seen.notAfter == Int64(try certificates.notAfter(.server).timeIntervalSince1970))
        #expect(seen.names.contains("localhost"))
    }

    @Test func bytesCrossInBothDirections() throws {
        let pair = try connectedPair()
        #expect(pair.read(on: .server) == .wantRead)  // nothing sent yet: no blocking, no error
        let request = Array("*1\r\n$4\r\nPING\r\n".utf8)
        let (atServer, _) = try pair.transfer(request, from: .client)
        #expect(atServer == request)
        let reply = Array("+PONG\r\n".utf8)
        let (atClient, _) = try pair.transfer(reply, from: .server)
        #expect(atClient == reply)
    }

    @Test(arguments: [TLSPair.Side.client, .server])
    func aMebibyteArrivesByteExactThroughPartialWrites(from side: TLSPair.Side) throws {
        let pair = try connectedPair()
        var random = SplitMix64(seed: 26)
        let payload = random.bytes(1 << 20)
        let (received, report) = try pair.transfer(payload, from: side)
        #expect(received.count == payload.count)
        #expect(received == payload)
        // More than a socket buffer: the writer had to stop and go on where it stopped.
        #expect(report.wantWrites > 0)
        #expect(report.partialWrites > 0)
        #expect(report.wantReads > 0)
    }

    @Test func closeNotifyEndsThePeersStream() throws {
        let pair = try connectedPair()
        pair.client.shutdown()
        #expect(pair.read(on: .server) == .closed)
        pair.server.shutdown()
        #expect(pair.read(on: .client) == .closed)
    }

    @Test func bytesBeforeCloseNotifyAreReadFirst() throws {
        let pair = try connectedPair()
        let last = Array("+OK\r\n".utf8)
        let written = last.withUnsafeBytes { pair.server.write($0) }
        #expect(written == .bytes(last.count))
        pair.server.shutdown()
        var room = [UInt8](repeating: 0, count: 64)
        let first = room.withUnsafeMutableBytes { pair.client.read(into: $0) }
        #expect(first == .bytes(last.count))
        #expect(Array(room[..<last.count]) == last)
        #expect(pair.read(on: .client) == .closed)
    }

    @Test func anEOFWithoutCloseNotifyIsAnOrdinaryEndOfStream() throws {
        let pair = try connectedPair()
        // The client reads the session tickets the server sent after the handshake: a socket
        // closed with bytes unread resets the connection instead.
        #expect(pair.read(on: .client) == .wantRead)
        pair.close(.client)
        #expect(pair.read(on: .server) == .closed)
    }

    @Test func tls12WhenTheServerAllowsNothingElse() throws {
        let pair = try TLSPair(
            server: certificates.serverContext(protocols: [.tls12]), client: certificates.clientContext())
        let steps = try pair.handshake()
        #expect(steps.server == .done && steps.client == .done)
        #expect(pair.server.protocolVersion == "TLSv1.2")
        #expect(pair.client.protocolVersion == "TLSv1.2")
        let request = Array("*1\r\n$4\r\nPING\r\n".utf8)
        let (atServer, _) = try pair.transfer(request, from: .client)
        #expect(atServer == request)
    }

    @Test func noCommonProtocolFailsBothSides() throws {
        let pair = try TLSPair(
            server: certificates.serverContext(protocols: [.tls13]),
            client: certificates.clientContext(protocols: [.tls12]))
        let steps = try pair.handshake()
        let server = try #require(steps.server.failure)
        let client = try #require(steps.client.failure)
        #expect(server.kind == .error)
        #expect(server.reason.contains("protocol"), "\(server.reason)")
        #expect(client.kind == .error)
        #expect(client.reason.contains("protocol"), "\(client.reason)")
    }

    @Test func aPlaintextClientOnTheTLSPortIsNotTLS() throws {
        let pair = try TLSPair(server: certificates.serverContext(), client: certificates.clientContext())
        try pair.writePlaintext(Array("*1\r\n$4\r\nPING\r\n".utf8), from: .client)
        let failure = try #require(pair.server.handshake().failure)
        #expect(failure.kind == .notTLS)
        #expect(failure.reason.hasPrefix("not a TLS handshake"), "\(failure.reason)")
    }

    @Test func aPlaintextRedisAnsweringTheClientIsNotTLS() throws {
        let pair = try TLSPair(server: certificates.serverContext(), client: certificates.clientContext())
        #expect(pair.client.handshake() == .wantRead)  // the ClientHello is sent
        try pair.writePlaintext(Array("-ERR unknown command\r\n".utf8), from: .server)
        let failure = try #require(pair.client.handshake().failure)
        #expect(failure.kind == .notTLS)
    }

    @Test func aClientThatLeavesBeforeItsHelloClosedTheHandshake() throws {
        let pair = try TLSPair(server: certificates.serverContext(), client: certificates.clientContext())
        pair.close(.client)
        let failure = try #require(pair.server.handshake().failure)
        #expect(failure.kind == .closed)
        #expect(failure.reason == "the peer closed the connection during the handshake")
    }

    @Test func aClientThatLeavesAfterItsHelloClosedTheHandshake() throws {
        let pair = try TLSPair(server: certificates.serverContext(), client: certificates.clientContext())
        #expect(pair.client.handshake() == .wantRead)
        pair.close(.client)  // nothing unread: the server's answer finds the socket gone
        let failure = try #require(pair.server.handshake().failure)
        #expect(failure.kind == .closed)
        #expect(failure.reason == "the peer closed the connection during the handshake")
    }

    @Test func aClientThatLeavesMidHandshakeClosedIt() throws {
        let pair = try TLSPair(server: certificates.serverContext(), client: certificates.clientContext())
        #expect(pair.client.handshake() == .wantRead)
        #expect(pair.server.handshake() == .wantRead)  // ServerHello sent, waiting for Finished
        pair.close(.client)  // with the server's flight unread: the connection is reset
        // A step may be interrupted (EINTR reads as "try again"); the reset is there to read.
        var step = pair.server.handshake()
        for _ in 0..<100 where step == .wantRead { step = pair.server.handshake() }
        let failure = try #require(step.failure)
        #expect(failure.kind == .closed)
        #expect(failure.reason == "the peer reset the connection during the handshake")
    }
}
