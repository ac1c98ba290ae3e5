import TLS
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A TLS connection with no network: the two ends of a connected `AF_UNIX` stream socket pair,
/// both non-blocking, each with a ``TLSSession``, driven step by step by the test (no sleeps,
/// no threads: a step either progresses or waits for the other side).
///
/// A side whose handshake failed has its socket closed at once, as the proxy closes it, so
/// the other side reads what was sent before the close (an alert), then the end of the stream.
final class TLSPair {
    /// One end of the connection.
    enum Side: CustomStringConvertible {
        /// The end whose session has the server's role.
        case server
        /// The end whose session has the client's role.
        case client

        /// The end on the other side.
        var peer: Side { self == .server ? .client : .server }

        /// `server` or `client`.
        var description: String { self == .server ? "server" : "client" }
    }

    /// What a ``transfer(_:from:limit:)`` went through.
    struct TransferReport {
        /// Writes that took fewer bytes than they were offered (and more than none).
        var partialWrites = 0
        /// Writes that took nothing because the socket was full.
        var wantWrites = 0
        /// Reads that found nothing yet.
        var wantReads = 0
    }

    /// The server's session.
    let server: TLSSession
    /// The client's session.
    let client: TLSSession
    /// The server's and the client's socket; -1 once closed.
    private var sockets: (server: Int32, client: Int32)

    /// A connected pair, with a session made from `server` on one end and from `client` on
    /// the other; nothing is sent yet.
    init(server serverContext: TLSContext, client clientContext: TLSContext) throws {
        // OpenSSL writes with write(2): a write to a closed peer must fail with EPIPE, not end
        // the test process.
        signal(SIGPIPE, SIG_IGN)
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0 else {
            throw TestFailure("socketpair: \(String(cString: strerror(errno)))")
        }
        sockets = (ends[0], ends[1])
        for end in ends where fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK) != 0 {
            let failure = TestFailure("fcntl O_NONBLOCK: \(String(cString: strerror(errno)))")
            Glibc.close(ends[0])
            Glibc.close(ends[1])
            throw failure
        }
        guard let server = serverContext.makeSession(fd: ends[0]),
            let client = clientContext.makeSession(fd: ends[1])
        else {
            Glibc.close(ends[0])
            Glibc.close(ends[1])
            throw TestFailure("makeSession returned nil")
        }
        self.server = server
        self.client = client
    }

    deinit {
        close(.server)
        close(.client)
    }

    /// The session on `side`.
    func session(_ side: Side) -> TLSSession { side == .server ? server : client }

    /// Closes the socket on `side` (its session must not be used again); nothing if closed.
    func close(_ side: Side) {
        let socket = side == .server ? sockets.server : sockets.client
        guard socket >= 0 else { return }
        Glibc.close(socket)
        if side == .server { sockets.server = -1 } else { sockets.client = -1 }
    }

    /// Writes `bytes` to the socket on `side` as they are, bypassing TLS (as a plaintext peer
    /// would); they must fit in the socket's buffer.
    func writePlaintext(_ bytes: [UInt8], from side: Side) throws {
        let socket = side == .server ? sockets.server : sockets.client
        let written = bytes.withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw TestFailure("write to the \(side) socket: \(written) of \(bytes.count) bytes")
        }
    }

    /// Runs both handshakes, client first, a step each in turn, until both finished or failed
    /// (a failed side's socket is closed); throws if that takes more than `limit` rounds.
    func handshake(limit: Int = 1000) throws -> (server: TLSSession.HandshakeStep, client: TLSSession.HandshakeStep) {
        var serverStep: TLSSession.HandshakeStep?
        var clientStep: TLSSession.HandshakeStep?
        for _ in 0..<limit {
            if !Self.isFinal(clientStep) {
                clientStep = client.handshake()
                if clientStep?.failure != nil { close(.client) }
            }
            if !Self.isFinal(serverStep) {
                serverStep = server.handshake()
                if serverStep?.failure != nil { close(.server) }
            }
            if let serverStep, let clientStep, Self.isFinal(serverStep), Self.isFinal(clientStep) {
                return (serverStep, clientStep)
            }
        }
        throw TestFailure(
            "the handshakes did not end in \(limit) rounds: server \(String(describing: serverStep)), "
                + "client \(String(describing: clientStep))")
    }

    /// Sends `bytes` from the session on `side` and reads them on the other, alternating
    /// between writing until the socket is full and reading until it is empty; returns what
    /// was read, once it is as long as `bytes`. Throws on any other outcome, or when a round
    /// made no progress or there were more than `limit` rounds.
    func transfer(_ bytes: [UInt8], from side: Side, limit: Int = 10_000) throws -> ([UInt8], TransferReport) {
        let writer = session(side)
        let reader = session(side.peer)
        var report = TransferReport()
        var written = 0
        var received: [UInt8] = []
        received.reserveCapacity(bytes.count)
        var room = [UInt8](repeating: 0, count: 16 * 1024)
        for _ in 0..<limit {
            var progressed = false
            writing: while written < bytes.count {
                let offered = bytes.count - written
                let result = bytes[written...].withUnsafeBytes { writer.write($0) }
                switch result {
                case .bytes(let count) where count > 0 && count <= offered:
                    if count < offered { report.partialWrites += 1 }
                    written += count
                    progressed = true
                case .wantWrite:
                    report.wantWrites += 1
                    break writing
                default:
                    throw TestFailure("the \(side)'s write of \(offered) bytes: \(result)")
                }
            }
            reading: while true {
                let result = room.withUnsafeMutableBytes { reader.read(into: $0) }
                switch result {
                case .bytes(let count) where count > 0:
                    received.append(contentsOf: room[..<count])
                    progressed = true
                case .wantRead:
                    report.wantReads += 1
                    break reading
                default:
                    throw TestFailure("the \(side.peer)'s read after \(received.count) bytes: \(result)")
                }
            }
            if received.count >= bytes.count { return (received, report) }
            guard progressed else {
                throw TestFailure("no progress: \(written) bytes written, \(received.count) read")
            }
        }
        throw TestFailure("\(bytes.count) bytes not transferred in \(limit) rounds")
    }

    /// Reads once on `side` (at most 16 KiB).
    func read(on side: Side) -> TLSSession.IOResult {
        var room = [UInt8](repeating: 0, count: 16 * 1024)
        return room.withUnsafeMutableBytes { session(side).read(into: $0) }
    }

    private static func isFinal(_ step: TLSSession.HandshakeStep?) -> Bool {
        switch step {
        case .done?, .failed?: true
        case .wantRead?, .wantWrite?, nil: false
        }
    }
}

extension TLSSession.HandshakeStep {
    /// The failure, when the step failed.
    var failure: TLSFailure? {
        if case .failed(let failure) = self { return failure }
        return nil
    }
}

extension TLSSession.IOResult {
    /// The failure, when the read or write failed.
    var failure: TLSFailure? {
        if case .failed(let failure) = self { return failure }
        return nil
    }
}

extension TLSCertificates {
    /// A server context (options `--tls-*`) presenting certificate `name`, asking clients for a
    /// certificate as `authentication` says (then trusting the test CA), with `protocols`.
    func serverContext(
        _ name: Name = .server, authentication: TLSConfiguration.ClientAuthentication = .no,
        protocols: [TLSConfiguration.ProtocolVersion] = []
    ) throws -> TLSContext {
        var configuration = TLSConfiguration(role: .server, optionPrefix: "tls")
        configuration.certificateFile = certificate(name)
        configuration.privateKeyFile = key(name)
        configuration.clientAuthentication = authentication
        configuration.protocols = protocols
        if authentication != .no { configuration.caCertificateFile = ca }
        return try TLSContext(configuration)
    }

    /// A client context (options `--upstream-tls-*`) trusting the test CA, verifying
    /// `serverName` unless `verifyPeer` is false, presenting certificate `name` if given.
    func clientContext(
        serverName: String? = "localhost", presenting name: Name? = nil, verifyPeer: Bool = true,
        protocols: [TLSConfiguration.ProtocolVersion] = []
    ) throws -> TLSContext {
        var configuration = TLSConfiguration(role: .client, optionPrefix: "upstream-tls")
        configuration.caCertificateFile = ca
        configuration.serverName = serverName
        configuration.verifyPeer = verifyPeer
        configuration.protocols = protocols
        if let name {
            configuration.certificateFile = certificate(name)
            configuration.privateKeyFile = key(name)
        }
        return try TLSContext(configuration)
    }
}
