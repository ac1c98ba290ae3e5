import CEpoll
import EpollIO
import Logging
import NIOCore
import RESP
import RedisCommands
import Relay

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
    /// Splits `EXEC`'s reply into its elements; made at the connection's first `EXEC`.
    private var execSplitter: RESPAggregateSplitter?
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
    /// Client bytes are relayed without scanning from now on: after malformed input (Redis
    /// answers it with its own error and closes, as it would directly) or after `SYNC`/`PSYNC`
    /// (a replication stream follows, which is not RESP).
    private var requestsRaw = false
    /// Upstream bytes are relayed without scanning: set once the replies owed before the
    /// client's input went raw were paired, or when a reply could not be parsed.
    private var repliesRaw = false
    /// The connection carries a replication stream (counted, no per-command telemetry).
    private var replicating = false
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

    /// Relays what the client sent (read in place into the upstream's output), scanning it
    /// first unless the connection went raw.
    private func forwardClientBytes(_ bytes: UnsafeRawBufferPointer, to upstream: UpstreamConnection) {
        sink.clientBytesReceived(bytes.count)
        if !requestsRaw {
            scanRequests(bytes)
        } else if replicating {
            pool.events.replicationBytes(fromUpstream: 0, toUpstream: bytes.count)
        }
        upstream.write(bytes)
        if upstream.isFull { clientPaused = true }
    }

    /// The one place a request's bytes are scanned: frames are found, classified and queued
    /// for their replies. Malformed input is forwarded all the same, so Redis answers it
    /// with its own error, byte for byte, and closes; the proxy only stops scanning.
    private func scanRequests(_ bytes: UnsafeRawBufferPointer) {
        let now = loop.timestamp()
        let table = commandTable  // one reference for the whole read, not one per command
        var offset = 0
        var frame = RESPFrame()
        do throws(RESPProtocolError) {
            while try requestScanner.next(bytes, offset: &offset, into: &frame) {
                let role =
                    CommandRole.mayApply(toNameLength: frame.first.totalLength)
                    ? CommandRole(request: frame) : .ordinary
                switch role {
                case .ordinary:
                    break
                case .replication:
                    startReplication(rawBytes: bytes.count - offset)
                    return
                case .quit, .unresettable:
                    upstreamReusable = false
                default:
                    break
                }
                var commandID = CommandTable.otherID
                if let table {
                    commandID = commandIDs.identify(
                        in: table, name: frame.first, subcommand: frame.second, argumentCount: frame.count)
                }
                _ = matcher.request(&frame, role: role, commandID: commandID, at: now, sink: sink)
            }
        } catch {
            sink.clientProtocolError()
            logger.debug("malformed client input, passed on to Redis", metadata: ["error": "\(error.message)"])
            stopScanningRequests()
        }
    }

    /// `SYNC`/`PSYNC`: from here on the connection is a raw relay both ways (an RDB payload
    /// without a trailing CRLF, then the command stream), with its bytes counted.
    private func startReplication(rawBytes: Int) {
        replicating = true
        pool.events.replicationStarted()
        pool.events.replicationBytes(fromUpstream: 0, toUpstream: rawBytes)
        stopScanningRequests()
    }

    /// Client input is relayed unscanned from now on; replies follow once the ones owed
    /// before this point are paired. The upstream connection is not reused.
    private func stopScanningRequests() {
        requestsRaw = true
        upstreamReusable = false
        if !matcher.awaitingReplies { repliesRaw = true }
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
        // A raw connection waits for Redis to close (its protocol error, the end of a stream).
        if state == .active && (matcher.awaitingReplies || requestsRaw), let upstream {
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
        if !repliesRaw {
            scanReplies(bytes)
        } else if replicating {
            pool.events.replicationBytes(fromUpstream: bytes.count, toUpstream: 0)
        }
        sink.clientBytesSent(bytes.count)
        if !client.write(bytes) { closeSoon() }
        if state == .closing { finishClosingIfDone() }
        return !client.isFull
    }

    /// The one place a reply is paired with its request (``ReplyMatcher/reply(_:at:sink:)``).
    /// Stops at the point the client's input went raw, once nothing is owed from before it.
    private func scanReplies(_ bytes: UnsafeRawBufferPointer) {
        let now = loop.timestamp()
        var offset = 0
        var frame = RESPFrame()
        do throws(RESPProtocolError) {
            while !requestsRaw || matcher.awaitingReplies {
                if matcher.expectsExecElements {
                    guard let split = try splitExecReply(bytes, offset: &offset, into: &frame, at: now) else {
                        return
                    }
                    if split { continue }  // else not an array: scanned whole below
                }
                guard try replyScanner.next(bytes, offset: &offset, into: &frame) else { return }
                if matcher.reply(&frame, at: now, sink: sink) == .unmatched {
                    logger.debug("reply with no pending request", metadata: ["type": "\(frame.type)"])
                }
            }
            repliesRaw = true
            if replicating { pool.events.replicationBytes(fromUpstream: bytes.count - offset, toUpstream: 0) }
        } catch {
            // Relayed all the same: the client decides what to make of it, as it would directly.
            logger.warning(
                "upstream sent a reply the proxy cannot parse; relaying the connection unmeasured",
                metadata: ["error": "\(error.message)"])
            requestsRaw = true
            repliesRaw = true
            upstreamReusable = false
            _ = matcher.abortAll(at: now, sink: sink)
        }
    }

    /// Reads `EXEC`'s array element by element, pairing each with its queued command.
    /// Returns true when it read the header or an element, false when the next frame is no
    /// array (an error, a RESP3 null, a push: the caller scans it whole), nil when the bytes
    /// ran out.
    private func splitExecReply(
        _ bytes: UnsafeRawBufferPointer, offset: inout Int, into frame: inout RESPFrame, at now: UInt64
    ) throws(RESPProtocolError) -> Bool? {
        if execSplitter == nil { execSplitter = RESPAggregateSplitter() }
        switch try execSplitter!.next(bytes, offset: &offset, into: &frame) {
        case .needMore:
            return nil
        case .notAnArray:
            return false
        case .header:
            matcher.execHeader(&frame, at: now, sink: sink)
        case .element:
            matcher.execElement(&frame, at: now, sink: sink)
        }
        return true
    }

    /// The upstream's queued output drained: read the client again if it was held back.
    func upstreamHasRoom() {
        guard clientPaused else { return }
        clientPaused = false
        readClient(drain: true)
    }

    /// The upstream connection ended. What Redis sent has been relayed; the client's
    /// connection closes after it, as it would have had the client been talking to Redis,
    /// so the client's own retry and failover logic runs. The proxy never answers for Redis.
    func upstreamClosed(reason: String) {
        guard state != .closed, let lease else { return }
        self.lease = nil
        pool.discard(lease)  // its slot is free again (`--pool-max`)
        let owed = matcher.abortAll(at: loop.timestamp(), sink: sink)
        // Closes the client asked for (QUIT, its EOF, its malformed input) are not counted.
        let expected = state != .active || matcher.quitAnswered || (requestsRaw && !replicating)
        if !expected {
            let kind: ConnectionEvents.Disconnect = reason == UpstreamConnection.closedByServer ? .closed : .error
            pool.events.disconnected(kind, reason: reason, owed: owed)
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
            // A replication stream never ends by itself: close it at once.
            if replicating { closeNow() } else { beginClosing() }
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

    /// No upstream connection for this client. Like Redis: at `--pool-max`, its
    /// `maxclients` error and close; when Redis cannot be reached, a close with no reply
    /// (as a refused connect looks to the client).
    private func refuse(_ error: Error) {
        guard state == .connecting else { return }
        state = .closing
        let reason = UpstreamError.describe(error)
        if (error as? UpstreamError)?.poolExhausted == true {
            pool.events.refused(.maxClients, reason: reason)
            var buffer = ByteBuffer()
            buffer.writeStaticString("-ERR max number of clients reached\r\n")
            client.write(buffer)
        } else {
            pool.events.refused(.upstreamUnavailable, reason: reason)
        }
        closeAfterWrites()
    }

    private func beginClosing() {
        state = .closing
        upstreamReusable = false
        finishClosingIfDone()
    }

    private func finishClosingIfDone() {
        // A raw connection closes when Redis closes it (``upstreamClosed(reason:)``).
        guard state == .closing, !matcher.awaitingReplies, !requestsRaw, !closeWhenFlushed else { return }
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
        if replicating {
            replicating = false
            pool.events.replicationEnded()
        }
        // After the aborted commands: observers still know the connection (its address,
        // database, open transaction) when they see them.
        sink.connectionClosed(id: connectionID)
    }
}
