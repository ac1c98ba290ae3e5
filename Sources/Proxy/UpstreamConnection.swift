import CEpoll
import EpollIO
import NIOCore
import RESP

/// One connection to the real Redis, on an ``EpollLoop``.
///
/// It relays bytes to the ``ProxySession`` it is attached to, and is made reusable by
/// `RESET`, which on Redis also logs the connection out to the default user. Only with
/// `--client-login-from-upstream` does it log in (``UpstreamLogin``) before first use and
/// after each `RESET`, pipelined in one round trip. Confined to its loop.
final class UpstreamConnection: EpollHandler {
    private enum State {
        case connecting(EventLoopPromise<Void>)
        /// Waiting for `remaining` login replies, first skipping to `+RESET` if asked.
        case handshake(remaining: Int, awaitingReset: Bool, promise: EventLoopPromise<Void>)
        case idle
        case attached(ProxySession)
        case closed
    }

    let loop: EpollLoop
    /// The connection's socket: the session reads its client straight into its output.
    let socket: StreamSocket
    private let login: UpstreamLogin
    private let target: String
    private var state: State
    private var scanner = RESPScanner(mode: .reply)
    /// Reading stopped because the client's output is full.
    private var readPaused = false
    private var timeout: Scheduled<Void>?
    /// Called once when the connection closes while idle in the pool.
    var onIdleClose: (() -> Void)?
    /// Why the connection closed, when known.
    private(set) var closeReason: String?
    /// The close reason when Redis ended the connection (EOF), rather than an error.
    static let closedByServer = "closed by the server"

    private init(socket: StreamSocket, login: UpstreamLogin, target: String, promise: EventLoopPromise<Void>) {
        self.loop = socket.loop
        self.socket = socket
        self.login = login
        self.target = target
        self.state = .connecting(promise)
    }

    /// Connects to `address` (TCP only; ``logIn(timeout:)`` follows). Call on `loop`.
    static func connect(
        on loop: EpollLoop, to address: SocketAddress, login: UpstreamLogin, timeout: TimeAmount
    ) -> EventLoopFuture<LeasedConnection> {
        let promise = loop.makePromise(of: Void.self)
        let target = SocketCalls.describe(address)
        let connection: UpstreamConnection
        do {
            let (fd, inProgress) = try SocketCalls.connect(to: address)
            connection = UpstreamConnection(
                socket: StreamSocket(fd: fd, loop: loop), login: login, target: target, promise: promise)
            do {
                try loop.register(fd, connection)
            } catch {
                connection.socket.close()
                throw error
            }
            if inProgress {
                connection.timeout = loop.assumeIsolated().scheduleTask(in: timeout) {
                    connection.ended(UpstreamError.describe(ChannelError.connectTimeout(timeout), target: target))
                }
            } else {
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
        guard case .idle = state, !socket.isClosed else { return false }
        state = .attached(session)
        return true
    }

    /// Takes the connection back from its session (before reuse or close).
    func detach() {
        if case .attached = state { state = .idle }
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
        failHandshake("connection closed")
        timeout?.cancel()
        state = .closed
        socket.close()
    }

    // MARK: - Events

    override func handleEvents(_ events: UInt32) {
        if case .connecting = state {
            let code = SocketCalls.pendingError(socket.fd)
            if code == 0 {
                connected()
            } else {
                ended(UpstreamError.describe(IOError(errnoCode: code, reason: "connect"), target: target))
            }
            return
        }
        if events & EPOLLOUT.rawValue != 0 {
            guard socket.flush() else { return endSoon() }
            if case .attached(let session) = state, socket.hasRoom { session.upstreamHasRoom() }
        }
        let hangUp = EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue
        if events & (EPOLLIN.rawValue | hangUp) != 0 { readAvailable(drain: events & hangUp != 0) }
    }

    /// Reads until the socket is empty (a short read means so, unless the peer also hung
    /// up: then on to EOF), or until the client is full.
    private func readAvailable(drain: Bool) {
        while !readPaused {
            let result: StreamSocket.ReadResult
            if case .attached(let session) = state {
                result = socket.read(into: session.clientSocket)
            } else {
                result = socket.read()
            }
            switch result {
            case .data(let bytes, let filled):
                switch state {
                case .attached(let session):
                    if !session.upstreamRead(bytes) { readPaused = true }
                case .handshake:
                    readHandshake(bytes)
                case .idle:
                    // Nothing is owed on an idle connection: data here means Redis is closing
                    // it (e.g. its `timeout`), or something is wrong. Either way not reusable.
                    return ended("unexpected data on an idle connection")
                case .connecting, .closed:
                    return
                }
                if !filled && !drain { return }
            case .wouldBlock:
                return
            case .end:
                return ended(closeReason ?? Self.closedByServer)
            case .failed(let code):
                return ended(UpstreamError.describe(IOError(errnoCode: code, reason: "read")))
            }
        }
    }

    private func connected() {
        guard case .connecting(let promise) = state else { return }
        timeout?.cancel()
        timeout = nil
        state = .idle
        promise.succeed()
    }

    /// A write failed: Redis closed (or reset) the connection, typically after answering
    /// what it read (its protocol error, `QUIT`). What it sent is still readable, so it is
    /// relayed first; then the connection ends, on the next turn of the loop.
    private func endSoon() {
        let reason = socket.failure.map { UpstreamError.describe(IOError(errnoCode: $0, reason: "write")) }
        loop.assumeIsolated().execute {
            if case .attached = self.state {
                self.readPaused = false
                self.readAvailable(drain: true)
            }
            self.ended(reason ?? "write failed")
        }
    }

    /// The connection ended: tell whoever holds it.
    private func ended(_ reason: String) {
        closeReason = closeReason ?? reason
        let previous = state
        state = .closed
        timeout?.cancel()
        socket.close()
        switch previous {
        case .attached(let session):
            session.upstreamClosed(reason: closeReason ?? reason)
        case .handshake(_, _, let promise), .connecting(let promise):
            promise.fail(UpstreamError(reason: closeReason ?? reason))
        case .idle:
            onIdleClose?()
        case .closed:
            break
        }
        onIdleClose = nil
    }

    // MARK: - Handshake

    private func startHandshake(resetFirst: Bool, timeout: TimeAmount) -> EventLoopFuture<Void> {
        let promise = loop.makePromise(of: Void.self)
        guard case .idle = state, !socket.isClosed else {
            promise.fail(UpstreamError(reason: closeReason ?? "connection closed"))
            return promise.futureResult
        }
        let remaining = login.commandCount + (resetFirst ? 1 : 0)
        guard remaining > 0 else {
            promise.succeed()
            return promise.futureResult
        }
        state = .handshake(remaining: remaining, awaitingReset: resetFirst, promise: promise)
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
                guard case .handshake(var remaining, var awaitingReset, let promise) = state else { return }
                if frame.type.isError {
                    let what = awaitingReset ? "RESET" : "login"
                    return ended("\(what) failed: \(frame.first.text)")
                }
                if awaitingReset {
                    // Skip what the old session still had coming (messages, monitor lines).
                    guard frame.type == .simpleString && frame.first.equalsCaseInsensitive("RESET") else {
                        continue
                    }
                    awaitingReset = false
                }
                remaining -= 1
                if remaining == 0 {
                    timeout?.cancel()
                    timeout = nil
                    state = .idle
                    promise.succeed()
                } else {
                    state = .handshake(remaining: remaining, awaitingReset: awaitingReset, promise: promise)
                }
            }
        } catch {
            ended(error.message)
        }
    }

    private func failHandshake(_ reason: String) {
        guard case .handshake(_, _, let promise) = state else { return }
        timeout?.cancel()
        closeReason = closeReason ?? reason
        state = .closed
        promise.fail(UpstreamError(reason: reason))
    }
}
