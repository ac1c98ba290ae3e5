import CEpoll
import Logging
import NIOCore
import RESP
import RedisCommands

/// One client connection and the upstream connection leased to it, on one ``EpollLoop``.
///
/// Bytes are forwarded as they arrive, never re-encoded; both directions are scanned
/// for frame boundaries on the way to pair replies with requests. Each side is read only
/// while the other side's queued output is below ``StreamSocket/highWater``, so a slow
/// reader holds back its peer instead of making the proxy buffer.
final class ProxySession: EpollHandler {
    enum State {
        /// Waiting for the pool; the client is not read yet.
        case connecting
        /// Relaying.
        case active
        /// Not reading the client any more; closes once every owed reply was relayed.
        case closing
        case closed
    }

    private let loop: EpollLoop
    private let client: StreamSocket
    private let address: String
    private let pool: UpstreamPool
    private let sink: any CommandEventSink
    private let commandTable: CommandTable?
    private let connectionID: UInt64
    private let registry: SessionRegistry
    private let logger: Logger
    private var lease: LeasedConnection?
    private var requestScanner: RESPScanner
    private var replyScanner = RESPScanner(mode: .reply)
    private var matcher = ReplyMatcher()
    private var commandIDs = CommandIDCache()
    private(set) var state = State.connecting
    /// Reading the client stopped because the upstream's output is full.
    private var clientPaused = false
    /// The client sent EOF (or reading it ended for good).
    private var clientInputEnded = false
    /// Close once the queued output reached the client.
    private var closeWhenFlushed = false
    /// False once the upstream's state can no longer be reset safely (QUIT, errors).
    private var upstreamReusable = true
    /// The proxy's own error for the client, sent after the owed replies.
    private var closingError: String?
    /// The pool's answer while it is awaited (state `connecting`).
    private var leaseRequest: EventLoopFuture<LeasedConnection>?

    init(
        client: StreamSocket, address: String, pool: UpstreamPool, sink: any CommandEventSink,
        commandTable: CommandTable?, registry: SessionRegistry, requestLimits: RESPLimits, connectionID: UInt64,
        logger: Logger
    ) {
        self.loop = client.loop
        self.client = client
        self.address = address
        self.pool = pool
        self.sink = sink
        self.commandTable = commandTable
        self.connectionID = connectionID
        self.matcher.connectionID = connectionID
        self.registry = registry
        self.requestScanner = RESPScanner(mode: .request, limits: requestLimits)
        self.logger = logger
    }

    private var upstream: UpstreamConnection? { lease?.value }

    /// The client's socket: the upstream connection reads replies straight into its output.
    var clientSocket: StreamSocket { client }

    /// Registers the client socket and asks the pool for an upstream connection.
    func start() {
        do {
            try loop.register(client.fd, self)
        } catch {
            client.close()
            return
        }
        registry.add(self, on: loop)
        sink.connectionOpened(id: connectionID, address: address)
        let request = pool.acquire(on: loop)
        leaseRequest = request
        request.assumeIsolated().whenComplete { result in
            self.leaseRequest = nil
            switch result {
            case .success(let lease): self.attach(lease)
            case .failure(let error): self.refuse(error)
            }
        }
    }

    // MARK: - Client socket events

    override func handleEvents(_ events: UInt32) {
        if events & EPOLLOUT.rawValue != 0 { clientWritable() }
        let hangUp = EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue
        if state == .connecting {
            if events & hangUp != 0 { clientLeftWhileConnecting() }
        } else if events & (EPOLLIN.rawValue | hangUp) != 0 {
            readClient(drain: events & hangUp != 0)
        }
    }

    /// The client hung up before the pool gave it a connection. With nothing sent, it
    /// gave up: close, which also takes it out of the pool's queue. With commands sent
    /// (then EOF), it waits on: like Redis, the proxy answers them before closing.
    private func clientLeftWhileConnecting() {
        if client.peerLeftWithoutInput { closeNow() }
    }

    /// Reads until the socket is empty (on to EOF when the client hung up), until the
    /// upstream is full, or until the session stops relaying.
    private func readClient(drain: Bool) {
        while state == .active && !clientPaused && !clientInputEnded, let upstream {
            switch client.read(into: upstream.socket) {
            case .data(let bytes, let filled):
                forwardClientBytes(bytes, to: upstream)
                if !filled && !drain { return }
            case .wouldBlock:
                return
            case .end:
                clientInputEnded = true
                clientInputClosed()
            case .failed(let code):
                logger.debug("client connection error", metadata: ["errno": "\(code)"])
                closeNow()
            }
        }
    }

    /// Scans what the client sent and relays it (read in place into the upstream's output).
    private func forwardClientBytes(_ bytes: UnsafeRawBufferPointer, to upstream: UpstreamConnection) {
        let now = loop.timestamp()
        sink.clientBytesReceived(bytes.count)
        let table = commandTable  // one reference for the whole read, not one per command
        var forwardable = bytes.count
        var failure: String?
        var offset = 0
        var frame = RESPFrame()
        while true {
            // Only the first call on a read can continue a frame begun earlier.
            let frameStart = offset
            do throws(RESPProtocolError) {
                guard try requestScanner.next(bytes, offset: &offset, into: &frame) else { break }
                let role =
                    CommandRole.mayApply(toNameLength: frame.first.totalLength)
                    ? CommandRole(request: frame) : .ordinary
                switch role {
                case .ordinary:
                    break
                case .replication:
                    failure = "ERR redis-lens: SYNC and PSYNC (replication) are not supported through the proxy"
                    forwardable = frameStart
                case .quit, .unresettable:
                    upstreamReusable = false
                default:
                    break
                }
                if failure != nil { break }
                var commandID = CommandTable.otherID
                if let table {
                    commandID = commandIDs.identify(
                        in: table, name: frame.first, subcommand: frame.second, argumentCount: frame.count)
                }
                _ = matcher.request(&frame, role: role, commandID: commandID, at: now, sink: sink)
            } catch {
                failure = "ERR " + error.message
                forwardable = frameStart
                break
            }
        }
        if forwardable > 0 { upstream.write(UnsafeRawBufferPointer(rebasing: bytes[..<forwardable])) }
        if upstream.isFull { clientPaused = true }
        if let failure {
            sink.clientProtocolError()
            logger.debug("closing client connection", metadata: ["reason": "\(failure)"])
            beginClosing(error: failure)
        }
    }

    private func clientWritable() {
        guard client.flush() else { return closeSoon() }
        if closeWhenFlushed {
            if client.pendingBytes == 0 { closeNow() }
        } else if client.hasRoom {
            upstream?.resumeReading()
        }
    }

    private func clientInputClosed() {
        // The client sent EOF. Like Redis, answer what was already sent, then close:
        // pass the EOF on so Redis finishes and closes its side.
        if state == .closing { return }  // already closing once the owed replies are out
        if state == .active && matcher.awaitingReplies, let upstream {
            upstreamReusable = false
            state = .closing
            upstream.closeOutput()
        } else {
            closeNow()
        }
    }

    // MARK: - Upstream events (called by UpstreamConnection on the same loop)

    /// Relays a reply chunk; false when the client's output is full (stop reading).
    func upstreamRead(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard state != .closed else { return true }
        let now = loop.timestamp()
        var forwardable = bytes.count
        var failure: String?
        var offset = 0
        var frame = RESPFrame()
        while true {
            let frameStart = offset
            do throws(RESPProtocolError) {
                guard try replyScanner.next(bytes, offset: &offset, into: &frame) else { break }
                if matcher.reply(&frame, at: now, sink: sink) == .unmatched {
                    logger.debug("reply with no pending request", metadata: ["type": "\(frame.type)"])
                }
            } catch {
                failure = "upstream sent invalid RESP (\(error.message))"
                forwardable = frameStart
                break
            }
        }
        sink.clientBytesSent(forwardable)
        if forwardable > 0 && !client.write(UnsafeRawBufferPointer(rebasing: bytes[..<forwardable])) {
            closeSoon()
        }
        if let failure {
            upstreamReusable = false
            upstream?.close()
            upstreamClosed(reason: failure, forwardedPartialFrame: forwardable < bytes.count && forwardable > 0)
            return true
        }
        if state == .closing { finishClosingIfDone() }
        return !client.isFull
    }

    /// The upstream's queued output drained: read the client again if it was held back.
    func upstreamHasRoom() {
        guard clientPaused else { return }
        clientPaused = false
        readClient(drain: true)
    }

    /// The upstream connection ended: owed replies become errors (when the reply stream
    /// stands at a frame boundary, so the client can parse them), then the client closes.
    func upstreamClosed(reason: String, forwardedPartialFrame: Bool = false) {
        guard state != .closed, lease != nil else { return }
        lease = nil
        let owed = matcher.abortAll(at: loop.timestamp(), sink: sink)
        let atBoundary = replyScanner.isAtFrameBoundary && !forwardedPartialFrame
        if owed > 0 && atBoundary && state != .closing && !matcher.quitAnswered {
            var buffer = ByteBuffer()
            buffer.reserveCapacity(64 * owed)
            for _ in 0..<owed {
                ProxyErrorReply.write("ERR redis-lens: upstream connection lost (\(reason))", into: &buffer)
            }
            client.write(buffer)
        }
        if owed > 0 {
            logger.info(
                "upstream connection lost with replies owed", metadata: ["reason": "\(reason)", "owed": "\(owed)"])
        }
        state = .closing
        closeAfterWrites()
    }

    // MARK: - Shutdown

    /// Stops reading the client and closes once every owed reply was relayed.
    func beginDrain() {
        switch state {
        case .connecting:
            closeNow()
        case .active:
            beginClosing(error: nil)
        case .closing, .closed:
            break
        }
    }

    /// Closes the client connection now.
    func forceClose() {
        closeNow()
    }

    // MARK: - Private

    private func attach(_ lease: LeasedConnection) {
        guard state == .connecting else {
            // The client left (or shutdown began) while the pool was connecting.
            pool.release(lease)
            return
        }
        guard lease.value.attach(self) else {
            pool.discard(lease)
            refuse(UpstreamError(reason: lease.value.closeReason ?? "connection closed before use"))
            return
        }
        self.lease = lease
        state = .active
        // What the client sent meanwhile waits in the socket.
        readClient(drain: true)
    }

    private func refuse(_ error: Error) {
        guard state == .connecting else { return }
        let reason = UpstreamError.describe(error)
        logger.warning("client refused: upstream unavailable", metadata: ["reason": "\(reason)"])
        state = .closing
        var buffer = ByteBuffer()
        ProxyErrorReply.write("ERR redis-lens: upstream unavailable (\(reason))", into: &buffer)
        client.write(buffer)
        closeAfterWrites()
    }

    private func beginClosing(error: String?) {
        state = .closing
        upstreamReusable = false
        closingError = error
        finishClosingIfDone()
    }

    private func finishClosingIfDone() {
        guard state == .closing, !matcher.awaitingReplies, !closeWhenFlushed else { return }
        if let closingError {
            var buffer = ByteBuffer()
            ProxyErrorReply.write(closingError, into: &buffer)
            client.write(buffer)
        }
        closingError = nil
        closeAfterWrites()
    }

    /// Closes once everything written so far reached the socket.
    private func closeAfterWrites() {
        if client.pendingBytes == 0 || client.failure != nil {
            closeNow()
        } else {
            closeWhenFlushed = true
        }
    }

    /// Closes on the next turn of the loop (after a failed write, not inside the caller).
    private func closeSoon() {
        loop.assumeIsolated().execute { self.closeNow() }
    }

    /// Closes the client and gives the upstream connection back (or discards it).
    private func closeNow() {
        guard state != .closed else { return }
        state = .closed
        // Unread input would make the kernel answer the close with a reset, which can
        // discard the last replies before the client reads them.
        client.discardInput()
        client.close()
        registry.remove(self, on: loop)
        if let leaseRequest {
            // Still queued for a connection: give the place up now, not when one is free.
            self.leaseRequest = nil
            pool.abandon(leaseRequest)
        }
        if let lease {
            self.lease = nil
            let clean =
                upstreamReusable && !matcher.awaitingReplies && replyScanner.isAtFrameBoundary
                && requestScanner.isAtFrameBoundary
            _ = matcher.abortAll(at: loop.timestamp(), sink: sink)
            if clean { pool.release(lease) } else { pool.discard(lease) }
        }
        // After the aborted commands: observers still know the connection (its address,
        // database, open transaction) when they see them.
        sink.connectionClosed(id: connectionID)
    }
}
