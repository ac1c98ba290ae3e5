import CEpoll
import EpollIO
import NIOCore
import RESP
import Relay
import TLS

/// One connection to the real Redis, on an ``EpollLoop``.
///
/// It relays bytes to the ``ProxySession`` it is attached to, and is made reusable by
/// `RESET`, which on Redis also logs the connection out to the default user. Only with
/// `--client-login-from-upstream` does it log in (``UpstreamLogin``) before first use and
/// after each `RESET`, pipelined in one round trip. With `rediss://`, the TLS handshake
/// follows the TCP connect, under the same connect timeout. Confined to its loop.
final class UpstreamConnection: EpollHandler {
    let loop: EpollLoop
    /// The connection's socket: the session reads its client straight into its output.
    let socket: StreamSocket
    private let login: UpstreamLogin
    private let target: String
    private var machine: UpstreamStateMachine
    /// TLS to Redis, when on.
    private let tls: TLSSide?
    private var handshakeStart: UInt64 = 0
    /// Whether Redis sent any bytes yet: with TLS 1.3 its rejection of the proxy's client
    /// certificate arrives after the proxy's side of the handshake finished, on the first read.
    private var receivedData = false
    /// The session it relays for (state `attached`).
    private var session: ProxySession?
    /// Or the shared connection it carries (`--pool-mode shared`, state `attached`).
    private var shared: SharedUpstream?
    /// Whoever waits for the connect or the handshake to finish.
    private var waiter: EventLoopPromise<Void>?
    private var scanner = RESPScanner(mode: .reply)
    /// Reading stopped because the client's output is full.
    private var readPaused = false
    private var timeout: Scheduled<Void>?
    /// Called once when the connection closes while idle in the pool.
    var onIdleClose: (() -> Void)?
    /// Called once when the connection is closed or ends, whatever its state (the pool's
    /// record of live connections, when it follows failovers).
    var onFinish: (() -> Void)?
    /// Why the connection closed, when known.
    private(set) var closeReason: String?
    /// The close reason when Redis ended the connection (EOF), rather than an error.
    static let closedByServer = "closed by the server"

    private init(
        socket: StreamSocket, login: UpstreamLogin, tls: TLSSide?, target: String, promise: EventLoopPromise<Void>
    ) {
        self.loop = socket.loop
        self.tls = tls
        self.machine = UpstreamStateMachine(tls: tls != nil)
        self.socket = socket
        self.login = login
        self.target = target
        self.waiter = promise
        super.init()
    }

    /// Connects to `address`, with a TLS handshake when `tls` is set (``logIn(timeout:)``
    /// follows). Call on `loop`.
    static func connect(
        on loop: EpollLoop, to address: SocketAddress, login: UpstreamLogin, tls: TLSSide?, timeout: TimeAmount
    ) -> EventLoopFuture<LeasedConnection> {
        let promise = loop.makePromise(of: Void.self)
        let target = SocketCalls.describe(address)
        let connection: UpstreamConnection
        do {
            let (fd, inProgress) = try SocketCalls.connect(to: address)
            let socket = StreamSocket(fd: fd, loop: loop)
            socket.stampsSends = true  // the requests' `sentNanos`
            connection = UpstreamConnection(socket: socket, login: login, tls: tls, target: target, promise: promise)
            do {
                try loop.register(fd, connection)
            } catch {
                connection.waiter = nil
                connection.socket.close()
                promise.fail(error)
                throw error
            }
            if inProgress || tls != nil {
                // Covers the TLS handshake too, even when the TCP connect finished at once.
                connection.timeout = loop.assumeIsolated().scheduleTask(in: timeout) {
                    connection.connectTimedOut(timeout)
                }
            }
            if !inProgress {
                connection.connected()
            }
        } catch {
            return loop.makeFailedFuture(UpstreamError(reason: UpstreamError.describe(error, target: target)))
        }
        let lease = LeasedConnection(connection, eventLoop: loop)
        return promise.futureResult.map { lease }
    }

    /// Whether the client should stop being read.
    var isFull: Bool { socket.isFull }

    // MARK: - Lifecycle used by the pool and the session

    /// Sends the login commands; succeeds when every reply is not an error.
    func logIn(timeout: TimeAmount) -> EventLoopFuture<Void> {
        startHandshake(resetFirst: false, timeout: timeout)
    }

    /// Sends `RESET` and the login commands; succeeds once the connection is as new.
    func resetForReuse(timeout: TimeAmount) -> EventLoopFuture<Void> {
        startHandshake(resetFirst: true, timeout: timeout)
    }

    /// Hands the connection to a client session; false if it closed meanwhile.
    func attach(_ session: ProxySession) -> Bool {
        guard !socket.isClosed, machine.attach() else { return false }
        self.session = session
        return true
    }

    /// Makes it a shared connection (`--pool-mode shared`); false if it closed meanwhile.
    func attach(shared: SharedUpstream) -> Bool {
        guard !socket.isClosed, machine.attach() else { return false }
        self.shared = shared
        return true
    }

    /// Takes the connection back from its session (before reuse or close).
    func detach() {
        machine.detach()
        session = nil
    }

    /// Writes bytes now (queueing what the kernel does not take). A failed write ends the
    /// connection on the next turn of the loop, not inside the caller.
    func write(_ bytes: UnsafeRawBufferPointer) {
        if !socket.write(bytes) { endSoon() }
    }

    /// Resumes reading once the client has room again.
    func resumeReading() {
        guard readPaused else { return }
        readPaused = false
        readAvailable(drain: true)
    }

    /// Sends EOF to Redis once the queued bytes are written (it closes after answering).
    func closeOutput() {
        socket.shutdownOutput()
    }

    /// Closes the connection; no pool or session callback follows.
    func close() {
        timeout?.cancel()
        if machine.close() {
            closeReason = closeReason ?? "connection closed"
            failWaiter("connection closed")
        }
        session = nil
        shared = nil
        socket.close()
        finished()
    }

    /// The server is no longer the primary (a Sentinel failover): what it already sent is
    /// relayed, then the connection ends as if the server had closed it (its session
    /// closes the client, which retries), and nothing more is written to it.
    func retire(reason: String) {
        guard !socket.isClosed else { return }
        if case .attached = machine.state {
            readPaused = false
            readAvailable(drain: true)
            guard !socket.isClosed else { return }
        }
        ended(reason)
    }

    // MARK: - Events

    /// The loop stopped: close the socket (no task or promise runs any more).
    override func loopStopped() {
        timeout = nil
        socket.close()
        // A shared connection's sessions and this connection refer to each other (and the
        // sessions to the pool, which holds the loop's shared connections): let go of them.
        let shared = self.shared
        self.shared = nil
        shared?.loopStopped()
        finished()  // the pool's record of it (following failovers) holds it otherwise
    }

    override func handleEvents(_ events: UInt32) {
        if machine.isConnecting {
            let code = SocketCalls.pendingError(socket.fd)
            if code == 0 {
                connected()
            } else {
                ended(UpstreamError.describe(IOError(errnoCode: code, reason: "connect"), target: target))
            }
            return
        }
        if machine.isSecuring { return continueHandshake() }
        if events & EPOLLOUT.rawValue != 0 {
            guard socket.flush() else { return endSoon() }
            if let session {
                session.upstreamSent()
                if socket.hasRoom { session.upstreamHasRoom() }
            } else if let shared {
                shared.upstreamWritable()
            }
        }
        let hangUp = EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue
        if events & (EPOLLIN.rawValue | hangUp) != 0 { readAvailable(drain: events & hangUp != 0) }
    }

    /// Reads until the socket is empty (a short read means so, unless the peer also hung
    /// up: then on to EOF), or until the client is full.
    private func readAvailable(drain: Bool) {
        while !readPaused {
            let result: StreamSocket.ReadResult
            if let session, !session.rewritesReplies {
                result = socket.read(into: session.clientSocket)
            } else {
                // Idle, or a session that rewrites replies (it sends the client pieces of them).
                result = socket.read()
            }
            switch result {
            case .data(let bytes, let filled):
                if !receivedData { receivedData = true }
                switch machine.input {
                case .relay:
                    if let session {
                        if !session.upstreamRead(bytes) { readPaused = true }
                    } else if let shared {
                        shared.upstreamRead(bytes)
                    }
                case .handshake:
                    readHandshake(bytes)
                case .unexpected:
                    return ended("unexpected data on an idle connection")
                case .ignore:
                    return
                }
                if !filled && !drain { return }
            case .wouldBlock:
                return
            case .end:
                return ended(closeReason ?? Self.closedByServer)
            case .failed(let code):
                if let failure = socket.tlsFailure {
                    guard receivedData else {
                        // Redis refused the handshake after all (TLS 1.3 client certificates).
                        tls?.failed(failure, peer: target, now: loop.timestamp())
                        return ended("TLS handshake failed: \(failure.reason)")
                    }
                    return ended("TLS error: \(failure.reason)")
                }
                return ended(UpstreamError.describe(IOError(errnoCode: code, reason: "read")))
            }
        }
    }

    private func connected() {
        switch machine.connected() {
        case .ignored:
            return
        case .ready:
            ready()
        case .handshakeTLS:
            guard let session = tls?.makeSession(fd: socket.fd) else {
                return ended("TLS handshake failed: cannot create a TLS session")
            }
            socket.startTLS(session)
            handshakeStart = NIODeadline.now().uptimeNanoseconds
            continueHandshake()
        }
    }

    /// Runs the TLS handshake as far as it goes; the connect timeout still runs meanwhile.
    private func continueHandshake() {
        switch socket.continueHandshake() {
        case .pending:
            return
        case .done:
            if let tls, let session = socket.tls {
                tls.succeeded(session, nanos: NIODeadline.now().uptimeNanoseconds &- handshakeStart)
            }
            if machine.tlsEstablished() { ready() }
        case .failed(let failure):
            tls?.failed(failure, peer: target, now: loop.timestamp())
            ended("TLS handshake failed: \(failure.reason)")
        }
    }

    /// The connect (and TLS handshake) took longer than `limit`.
    private func connectTimedOut(_ limit: TimeAmount) {
        timeout = nil
        guard machine.isSecuring else {
            return ended(UpstreamError.describe(ChannelError.connectTimeout(limit), target: target))
        }
        let failure = TLSFailure(.timeout, "no TLS handshake within \((Double(limit.nanoseconds) / 1e9).formatted) s")
        tls?.failed(failure, peer: target, now: loop.timestamp())
        ended("TLS handshake failed: \(failure.reason)")
    }

    /// Connected (and TLS established): whoever waits may log in.
    private func ready() {
        timeout?.cancel()
        timeout = nil
        succeedWaiter()
    }

    /// A write failed: Redis closed (or reset) the connection, typically after answering
    /// what it read (its protocol error, `QUIT`). What it sent is still readable, so it is
    /// relayed first; then the connection ends, on the next turn of the loop.
    private func endSoon() {
        let reason = socket.failure.map { UpstreamError.describe(IOError(errnoCode: $0, reason: "write")) }
        loop.assumeIsolated().execute {
            if case .attached = self.machine.state {
                self.readPaused = false
                self.readAvailable(drain: true)
            }
            self.ended(reason ?? "write failed")
        }
    }

    /// The connection ended: tell whoever holds it.
    private func ended(_ reason: String) {
        closeReason = closeReason ?? reason
        timeout?.cancel()
        socket.close()
        let session = self.session
        self.session = nil
        let shared = self.shared
        self.shared = nil
        switch machine.ended() {
        case .session:
            session?.upstreamClosed(reason: closeReason ?? reason)
            shared?.upstreamClosed(reason: closeReason ?? reason)
        case .waiter:
            failWaiter(closeReason ?? reason)
        case .pool:
            onIdleClose?()
        case .nobody:
            break
        }
        onIdleClose = nil
        finished()
    }

    private func finished() {
        let onFinish = self.onFinish
        self.onFinish = nil
        onFinish?()
    }

    private func succeedWaiter() {
        let waiter = self.waiter
        self.waiter = nil
        waiter?.succeed()
    }

    private func failWaiter(_ reason: String) {
        let waiter = self.waiter
        self.waiter = nil
        waiter?.fail(UpstreamError(reason: reason))
    }

    // MARK: - Handshake

    private func startHandshake(resetFirst: Bool, timeout: TimeAmount) -> EventLoopFuture<Void> {
        let promise = loop.makePromise(of: Void.self)
        guard !socket.isClosed else {
            promise.fail(UpstreamError(reason: closeReason ?? "connection closed"))
            return promise.futureResult
        }
        switch machine.startHandshake(reset: resetFirst, loginCommands: login.commandCount) {
        case .notIdle:
            promise.fail(UpstreamError(reason: closeReason ?? "connection closed"))
            return promise.futureResult
        case .ready:
            promise.succeed()
            return promise.futureResult
        case .send:
            break
        }
        waiter = promise
        scanner = RESPScanner(mode: .reply)
        var buffer = ByteBuffer()
        if resetFirst { buffer.writeStaticString("*1\r\n$5\r\nRESET\r\n") }
        login.write(into: &buffer)
        if !socket.write(buffer) { endSoon() }
        self.timeout = loop.assumeIsolated().scheduleTask(in: timeout) {
            let what = resetFirst ? "RESET" : "login"
            self.ended("no reply to \(what) within \((Double(timeout.nanoseconds) / 1e9).formatted)s")
        }
        if readPaused {
            // What the old session left unread comes before the RESET reply.
            readPaused = false
            loop.assumeIsolated().execute { self.readAvailable(drain: true) }
        }
        return promise.futureResult
    }

    private func readHandshake(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        do throws(RESPProtocolError) {
            while let frame = try scanner.next(bytes, offset: &offset) {
                let isReset = frame.type == .simpleString && frame.first.equalsCaseInsensitive("RESET")
                switch machine.handshakeReply(isError: frame.type.isError, isReset: isReset) {
                case .skipped, .more:
                    continue
                case .ready:
                    timeout?.cancel()
                    timeout = nil
                    succeedWaiter()
                case .failed(let step):
                    // The machine is closed now: end the socket and fail the waiter here.
                    let reason = "\(step) failed: \(frame.first.text)"
                    closeReason = closeReason ?? reason
                    timeout?.cancel()
                    socket.close()
                    failWaiter(reason)
                    onIdleClose = nil
                    finished()
                    return
                }
            }
        } catch {
            ended(error.message)
        }
    }
}
