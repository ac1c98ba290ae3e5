import CEpoll
import Cluster
import EpollIO
import Logging
import NIOCore
import RESP
import RedisCommands
import Relay
import TLS

/// One client connection and the upstream connection leased to it, on one ``EpollLoop``:
/// the handler that performs what its ``SessionStateMachine`` decides.
///
/// Bytes are forwarded as they arrive, never re-encoded; the machine scans both directions
/// on the way to pair replies with requests. Each side is read only while the other
/// side's queued output is below ``StreamSocket/highWater``, so a slow reader holds back
/// its peer instead of making the proxy buffer.
///
/// A client of `--tls-listen` first completes its TLS handshake; only then is an upstream
/// connection asked for. On the plaintext port, a TLS client hello is noticed (logged and
/// counted) and relayed like any other bytes, so Redis answers it as it would.
final class ProxySession: EpollHandler {
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
    private var machine: SessionStateMachine
    /// The pool's answer while it is awaited (state `connecting`).
    private var leaseRequest: EventLoopFuture<LeasedConnection>?
    /// The client side's TLS: the handshake's context (`secured`), else where a TLS client
    /// on the plaintext port is reported.
    private let tls: TLSSide?
    private let secured: Bool
    private var handshakeStart: UInt64 = 0
    /// Closes a TLS client whose handshake does not finish in time.
    private var handshakeTimeout: Scheduled<Void>?
    /// How long a TLS client may take to finish its handshake.
    private let handshakeTimeLimit: TimeAmount
    /// The first bytes from a plaintext client are still to be checked for a TLS hello.
    private var watchForTLSHello: Bool
    /// Whether replies naming cluster nodes are rewritten (a cluster node's listener): the
    /// upstream then reads into the loop's buffer and the client is sent the machine's
    /// ``SessionStateMachine/replyPieces``.
    let rewritesReplies: Bool
    /// A rewritten frame outgrew the hold limit (logged once per session).
    private var loggedHoldOverflow = false
    /// The upstream socket's ``StreamSocket/bytesSent`` when it was attached (its login and
    /// reset went before the session's first byte) and when the session last looked.
    private var upstreamSentBase: UInt64 = 0
    private var upstreamSentSeen: UInt64 = 0
    /// Shared mode (`--pool-mode shared`): the loop's shared connections, nil in dedicated mode.
    private let sharedLoop: SharedLoop?
    /// The shared connection assigned to the session for its life, and its slot there.
    private var shared: SharedUpstream?
    private(set) var sharedSlot = -1
    /// Shared mode: the unfinished request frame read so far, or the bytes held from the
    /// frame that needs a dedicated connection (keeps its capacity).
    private var held: [UInt8] = []
    /// Shared mode: reading the client stopped because its output was above the high water.
    private var pausedForOutput = false

    init(
        client: StreamSocket, address: String, pool: UpstreamPool, sink: any CommandEventSink,
        commandTable: CommandTable?, registry: SessionRegistry, requestLimits: RESPLimits, connectionID: UInt64,
        logger: Logger, tls: TLSSide? = nil, secured: Bool = false, handshakeTimeLimit: TimeAmount = .seconds(10),
        clusterAddresses: ClusterAddressMap? = nil
    ) {
        self.handshakeTimeLimit = handshakeTimeLimit
        self.loop = client.loop
        self.client = client
        self.address = address
        self.pool = pool
        self.sink = sink
        self.commandTable = commandTable
        self.connectionID = connectionID
        self.machine = SessionStateMachine(
            connectionID: connectionID, requestLimits: requestLimits, tls: secured && tls != nil,
            editor: clusterAddresses.map { ClusterReplyEditor(map: $0) },
            sharedLogin: clusterAddresses == nil && pool.mode == .shared ? pool.sharedLogin : nil)
        self.rewritesReplies = clusterAddresses != nil
        self.registry = registry
        self.logger = logger
        self.tls = tls
        self.secured = secured && tls != nil
        self.watchForTLSHello = !secured && tls != nil
        self.sharedLoop = clusterAddresses == nil ? pool.sharedLoop(for: client.loop) : nil
        super.init()
    }

    private var upstream: UpstreamConnection? { lease?.value }

    /// Where the session is in its life.
    var state: SessionStateMachine.State { machine.state }

    /// The client's socket: the upstream connection reads replies straight into its output.
    var clientSocket: StreamSocket { client }

    /// Registers the client socket and asks the pool for an upstream connection (after the
    /// TLS handshake, for a TLS client).
    func start() {
        do {
            try loop.register(client.fd, self)
        } catch {
            client.close()
            return
        }
        registry.add(self, on: loop)
        sink.connectionOpened(id: connectionID, address: address)
        if secured, let tls {
            guard let session = tls.makeSession(fd: client.fd) else { return closeNow() }
            client.startTLS(session)
            handshakeStart = NIODeadline.now().uptimeNanoseconds
            handshakeTimeout = loop.assumeIsolated().scheduleTask(in: handshakeTimeLimit) {
                self.handshakeTimedOut()
            }
            continueHandshake()
        } else {
            requestUpstream()
        }
    }

    private func requestUpstream() {
        if let sharedLoop { return requestShared(sharedLoop) }
        acquire(then: attach, else: refuse)
    }

    /// Asks the pool for a connection (``leaseRequest`` while it is awaited).
    private func acquire(
        then attach: @escaping (LeasedConnection) -> Void, else refused: @escaping (Error) -> Void
    ) {
        let request = pool.acquire(on: loop)
        leaseRequest = request
        request.assumeIsolated().whenComplete { result in
            self.leaseRequest = nil
            switch result {
            case .success(let lease): attach(lease)
            case .failure(let error): refused(error)
            }
        }
    }

    // MARK: - Client socket events

    override func handleEvents(_ events: UInt32) {
        if machine.isHandshaking { return continueHandshake() }
        if events & EPOLLOUT.rawValue != 0 { clientWritable() }
        let hangUp = EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue
        if machine.isConnecting {
            // The client hung up before the pool gave it a connection. With nothing sent,
            // it gave up: close, which also takes it out of the pool's queue. With commands
            // sent (then EOF), it waits on: like Redis, the proxy answers them first.
            if events & hangUp != 0 && client.peerLeftWithoutInput { closeNow() }
        } else if events & (EPOLLIN.rawValue | hangUp) != 0 {
            readClient(drain: events & hangUp != 0)
        }
    }

    /// Runs the client's TLS handshake as far as it goes; once done, asks for an upstream.
    private func continueHandshake() {
        switch client.continueHandshake() {
        case .pending:
            return
        case .done:
            handshakeTimeout?.cancel()
            handshakeTimeout = nil
            if let tls, let session = client.tls {
                tls.succeeded(session, nanos: NIODeadline.now().uptimeNanoseconds &- handshakeStart)
            }
            if machine.handshakeFinished() { requestUpstream() }
        case .failed(let failure):
            tls?.failed(failure, peer: address, now: loop.timestamp())
            closeNow()
        }
    }

    private func handshakeTimedOut() {
        handshakeTimeout = nil
        guard machine.isHandshaking else { return }
        let seconds = (Double(handshakeTimeLimit.nanoseconds) / 1e9).formatted
        tls?.failed(
            TLSFailure(.timeout, "no TLS handshake within \(seconds) s"), peer: address, now: loop.timestamp())
        closeNow()
    }

    /// Reads until the socket is empty (on to EOF when the client hung up), until the
    /// upstream is full, or until the session stops relaying.
    private func readClient(drain: Bool) {
        if let shared, machine.isOnShared { return readClientShared(drain: drain, into: shared) }
        while machine.readsClient, let upstream {
            switch client.read(into: upstream.socket) {
            case .data(let bytes, let filled):
                forwardClientBytes(bytes, to: upstream)
                if !filled && !drain { return }
            case .wouldBlock:
                return
            case .end:
                switch machine.clientEnded() {
                case .shutdownUpstreamOutput: upstream.closeOutput()
                case .closeNow: closeNow()
                case .none: break
                }
            case .failed(let code):
                logger.debug("client connection error", metadata: ["errno": "\(code)"])
                closeNow()
            }
        }
    }

    /// Relays what the client sent (read in place into the upstream's output), scanned by
    /// the machine first.
    private func forwardClientBytes(
        _ bytes: UnsafeRawBufferPointer, to upstream: UpstreamConnection, counted: Bool = false
    ) {
        if !counted { sink.clientBytesReceived(bytes.count) }
        if watchForTLSHello { checkForTLSHello(bytes) }
        let scan = machine.scanRequests(bytes, at: loop.timestamp(), table: commandTable, sink: sink)
        if scan.replicationStarted { pool.events.replicationStarted() }
        if scan.replicationBytes > 0 {
            pool.events.replicationBytes(fromUpstream: 0, toUpstream: scan.replicationBytes)
        }
        if let error = scan.malformed {
            logger.debug("malformed client input, passed on to Redis", metadata: ["error": "\(error)"])
        }
        upstream.write(bytes)
        // Usually queued for the loop's flush (then the upstream's EPOLLOUT stamps the
        // requests); a large write is sent at once.
        upstreamSent()
        if upstream.isFull { machine.upstreamFull() }
    }

    /// The first bytes from a plaintext client: a TLS client hello is reported (and relayed
    /// like any other bytes, so Redis answers it as it would).
    private func checkForTLSHello(_ bytes: UnsafeRawBufferPointer) {
        watchForTLSHello = false
        // A TLS record header: a handshake (22), TLS major version 3.
        if bytes.count >= 2 && bytes[0] == 0x16 && bytes[1] == 0x03 {
            tls?.tlsOnPlainPort(peer: address, now: loop.timestamp())
        }
    }

    private func clientWritable() {
        guard client.flush() else { return closeSoon() }
        if machine.clientOutputDrained() {
            if client.pendingBytes == 0 { closeNow() }
        } else if client.hasRoom {
            if pausedForOutput {
                pausedForOutput = false
                readClient(drain: true)
            }
            upstream?.resumeReading()
        }
    }

    // MARK: - Upstream events (called by UpstreamConnection on the same loop)

    /// Relays a reply chunk; false when the client's output is full or the client is gone
    /// (stop reading).
    func upstreamRead(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let scan = machine.scanReplies(bytes, at: loop.timestamp(), sink: sink)
        guard machine.state != .closed else { return true }
        if scan.replicationBytes > 0 {
            pool.events.replicationBytes(fromUpstream: scan.replicationBytes, toUpstream: 0)
        }
        if scan.unmatched > 0 {
            logger.debug("reply with no pending request", metadata: ["count": "\(scan.unmatched)"])
        }
        if let error = scan.unparsable {
            logger.warning(
                "upstream sent a reply the proxy cannot parse; relaying the connection unmeasured",
                metadata: ["error": "\(error)"])
        }
        let written: Bool
        if rewritesReplies {
            written = writeReplyPieces(bytes, overflowed: scan.holdOverflowed)
        } else {
            sink.clientBytesSent(bytes.count)
            written = client.write(bytes)
        }
        if !written { closeSoon() }
        if scan.closeAfterWrites { closeAfterWrites() }
        if sharedLoop != nil && machine.mayUnpin { unpinSoon() }
        // A failed write means the client is gone: reading on would drain (and drop) the
        // rest of its replies until the close runs, and the connection would then look
        // clean and go back to the pool, its commands counted as answered.
        return written && !client.isFull
    }

    /// Sends the client what the machine made of a chunk (rewritten frames in place of the
    /// originals, a held frame's bytes once complete); false if a write failed.
    private func writeReplyPieces(_ bytes: UnsafeRawBufferPointer, overflowed: Bool) -> Bool {
        if overflowed && !loggedHoldOverflow {
            loggedHoldOverflow = true
            logger.warning(
                "a cluster topology reply or redirection is too large to rewrite; passed on unchanged",
                metadata: ["limit": "\(ClusterReplyEditor.defaultHoldLimit)"])
        }
        var sent = 0
        for piece in machine.replyPieces {
            let written: Bool
            switch piece {
            case .relay(let range):
                sent += range.count
                written = client.write(UnsafeRawBufferPointer(rebasing: bytes[range]))
            case .insert(let frame):
                sent += frame.count
                written = frame.withUnsafeBytes { client.write($0) }
            }
            guard written else { return false }
        }
        sink.clientBytesSent(sent)
        return true
    }

    /// The upstream took bytes (or may have): the requests they completed get the time the
    /// send began as their `sentNanos` (the socket's clock read before it).
    func upstreamSent() {
        guard let upstream else { return }
        let sent = upstream.socket.bytesSent
        guard sent != upstreamSentSeen else { return }
        upstreamSentSeen = sent
        guard sent >= upstreamSentBase else { return }  // still the login's bytes
        machine.upstreamSent(through: sent &- upstreamSentBase, at: upstream.socket.sendStarted)
    }

    /// The upstream's queued output drained: read the client again if it was held back.
    func upstreamHasRoom() {
        if machine.upstreamHasRoom() { readClient(drain: true) }
    }

    /// The upstream connection ended. What Redis sent has been relayed; the client's
    /// connection closes after it (``SessionStateMachine/upstreamEnded(at:sink:)``).
    func upstreamClosed(reason: String) {
        guard let lease, let end = machine.upstreamEnded(at: loop.timestamp(), sink: sink) else { return }
        self.lease = nil
        pool.discard(lease)  // its slot is free again (`--pool-max`)
        if end.unexpected {
            let kind: ConnectionEvents.Disconnect = reason == UpstreamConnection.closedByServer ? .closed : .error
            pool.events.disconnected(kind, reason: reason, owed: end.owed)
        }
        closeAfterWrites()
    }

    // MARK: - Shared mode (`--pool-mode shared`)

    /// The reason the session is pinned now (counted in `redislens_client_pinned`).
    private var pinnedFor: PinReason?
    /// A pinned session waits for a shared connection in place of its lost one.
    private var reassigning = false

    /// Takes a shared connection of the loop (opened first if needed); the client is
    /// refused like a pool refusal (closed without a reply) when none can be opened.
    private func requestShared(_ sharedLoop: SharedLoop) {
        sharedLoop.assign(pool: pool) { shared, error in
            guard let shared else {
                return self.refuse(error ?? UpstreamError(reason: "no shared upstream connection could be opened"))
            }
            guard self.machine.wantsUpstream() else { return }
            self.shared = shared
            self.sharedSlot = shared.add(self)
            self.machine.attachedShared()
            self.loop.clockMayBeStale()
            self.readClient(drain: true)
        }
    }

    /// Reads the client into the loop's buffer; complete frames go onto the shared connection.
    private func readClientShared(drain: Bool, into shared: SharedUpstream) {
        while machine.readsClient, machine.isOnShared {
            if client.isFull {
                pausedForOutput = true
                return
            }
            switch client.read() {
            case .data(let bytes, let filled):
                forwardShared(bytes, to: shared)
                if !filled && !drain { return }
            case .wouldBlock:
                return
            case .end:
                if machine.clientEndedOnShared() == .closeNow { closeNow() }
            case .failed(let code):
                logger.debug("client connection error", metadata: ["errno": "\(code)"])
                closeNow()
            }
        }
    }

    /// Scans a chunk read from the client: complete frames are copied to the shared
    /// connection (after the start of the first, when held from an earlier read), an
    /// unfinished one is held, and a frame that needs a dedicated connection is held from
    /// its start while the session switches.
    private func forwardShared(_ bytes: UnsafeRawBufferPointer, to shared: SharedUpstream) {
        sink.clientBytesReceived(bytes.count)
        if watchForTLSHello { checkForTLSHello(bytes) }
        let scan = machine.scanSharedRequests(bytes, at: loop.timestamp(), table: commandTable, sink: sink)
        if scan.completeEnd > 0 {
            let complete = UnsafeRawBufferPointer(rebasing: bytes[..<scan.completeEnd])
            if held.isEmpty {
                shared.write(
                    slot: sharedSlot, held: nil, complete, frames: scan.frames,
                    sessionOffset: machine.sharedRelayedBytes)
            } else {
                held.withUnsafeBytes {
                    shared.write(
                        slot: sharedSlot, held: $0, complete, frames: scan.frames,
                        sessionOffset: machine.sharedRelayedBytes)
                }
                held.removeAll(keepingCapacity: true)
            }
        }
        if scan.completeEnd < bytes.count {
            held.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[scan.completeEnd...]))
        }
        if let reason = scan.pin {
            if let error = scan.malformed {
                logger.debug(
                    "malformed client input, sent to Redis on a dedicated connection", metadata: ["error": "\(error)"])
            }
            beginPin(reason)
        } else if held.count > StreamSocket.highWater {
            machine.pinLargeRequest()
            beginPin(.largeRequest)
        } else if shared.isFull {
            machine.upstreamFull()
            shared.pause(self)
        }
    }

    /// The session needs a dedicated connection: counted; leased once nothing is owed on
    /// the shared connection.
    private func beginPin(_ reason: PinReason) {
        pinnedFor = reason
        pool.shared.pinned(reason)
        if machine.readyToLease() { leaseSoon() }
    }

    /// Asks the pool on the next turn of the loop (never inside a read of the loop's buffer).
    private func leaseSoon() {
        loop.assumeIsolated().execute { self.requestDedicated() }
    }

    private func requestDedicated() {
        guard machine.state == .active else { return }
        acquire(then: attachDedicated, else: pinRefused)
    }

    /// The pool gave the pinned session its dedicated connection: send the held bytes
    /// through the dedicated path (scanned there), then read the client into it.
    private func attachDedicated(_ lease: LeasedConnection) {
        guard machine.state == .active else { return pool.release(lease) }
        guard lease.value.attach(self) else {
            pool.discard(lease)
            return pinRefused(UpstreamError(reason: lease.value.closeReason ?? "connection closed before use"))
        }
        guard machine.attachedDedicated() else {
            lease.value.detach()
            return pool.release(lease)
        }
        self.lease = lease
        upstreamSentBase = lease.value.socket.bytesSent &+ UInt64(lease.value.socket.pendingBytes)
        upstreamSentSeen = lease.value.socket.bytesSent
        let bytes = held
        held.removeAll(keepingCapacity: true)
        loop.clockMayBeStale()
        bytes.withUnsafeBytes { forwardClientBytes($0, to: lease.value, counted: true) }
        readClient(drain: true)
    }

    /// No dedicated connection for a pinned session: it closes (after its queued output).
    private func pinRefused(_ error: Error) {
        let reason =
            "no dedicated connection to pin to (\(pinnedFor?.rawValue ?? "")): \(UpstreamError.describe(error))"
        pool.events.refused(.upstreamUnavailable, reason: reason)  // logged, rate-limited
        closeAfterWrites()
    }

    /// Goes back to the shared connection on the next turn of the loop, if still allowed then.
    private func unpinSoon() {
        loop.assumeIsolated().execute { self.unpin() }
    }

    private func unpin() {
        guard machine.mayUnpin, lease != nil else { return }
        if shared?.isOpen == true { return finishUnpin() }
        // The session's shared connection ended while it was pinned: take the loop's next one
        // (opened if needed); without one it stays pinned and tries after its next reply.
        guard let sharedLoop, !reassigning else { return }
        reassigning = true
        sharedLoop.assign(pool: pool) { other, _ in
            self.reassigning = false
            guard let other, self.machine.mayUnpin, self.lease != nil else { return }
            self.shared = other
            self.sharedSlot = other.add(self)
            self.finishUnpin()
        }
    }

    /// Gives the dedicated connection back (reset in the pool, or discarded) and reads the
    /// client onto the shared connection again.
    private func finishUnpin() {
        guard let lease else { return }
        let disposal = machine.unpin()
        self.lease = nil
        if disposal == .release { pool.release(lease) } else { pool.discard(lease) }
        if let reason = pinnedFor {
            pinnedFor = nil
            pool.shared.unpinned(reason)
        }
        readClient(drain: true)
    }

    /// A reply piece from the shared connection: paired by the machine, written to the client.
    func sharedReply(_ bytes: UnsafeRawBufferPointer) {
        let scan = machine.scanReplies(bytes, at: loop.timestamp(), sink: sink)
        guard machine.state != .closed else { return }
        if scan.unmatched > 0 {
            logger.debug("reply with no pending request", metadata: ["count": "\(scan.unmatched)"])
        }
        sink.clientBytesSent(bytes.count)
        if !client.write(bytes) { closeSoon() }
        if scan.closeAfterWrites {
            // Not now: a close drains the client's input into the loop's buffer, which still
            // holds the shared connection's replies for the sessions after this one.
            loop.assumeIsolated().execute { self.closeAfterWrites() }
        }
        if machine.readyToLease() { leaseSoon() }
    }

    /// Requests on the shared connection up to `offset` (the session's own count) were sent.
    func sharedSent(through offset: UInt64, at now: UInt64) {
        machine.sharedSent(through: offset, at: now)
    }

    /// The shared connection has room again: read the client if it was held back.
    func sharedHasRoom() {
        if machine.upstreamHasRoom() { readClient(drain: true) }
    }

    /// The shared connection ended: the client closes after its queued output (counted as
    /// a disconnect with its owed commands), unless it is pinned to a dedicated connection.
    func sharedUpstreamClosed(reason: String) {
        guard let end = machine.sharedUpstreamEnded(at: loop.timestamp(), sink: sink) else { return }
        shared = nil
        if end.unexpected {
            let kind: ConnectionEvents.Disconnect = reason == UpstreamConnection.closedByServer ? .closed : .error
            pool.events.disconnected(kind, reason: reason, owed: end.owed)
        }
        closeAfterWrites()
    }

    // MARK: - Shutdown

    /// Stops reading the client and closes once every owed reply was relayed.
    func beginDrain() {
        switch machine.drain() {
        case .closeNow: closeNow()
        case .closeAfterWrites: closeAfterWrites()
        case .awaitReplies, .none: break
        }
    }

    /// Closes the client connection now.
    func forceClose() {
        closeNow()
    }

    /// The loop stopped: close the client's socket (the pool is gone by then).
    override func loopStopped() {
        client.close()
    }

    // MARK: - Private

    private func attach(_ lease: LeasedConnection) {
        guard machine.wantsUpstream() else {
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
        upstreamSentBase = lease.value.socket.bytesSent &+ UInt64(lease.value.socket.pendingBytes)
        upstreamSentSeen = lease.value.socket.bytesSent
        machine.attached()
        // What the client sent meanwhile waits in the socket, and may have come after the
        // loop last read the clock (this runs in another socket's event or a task).
        loop.clockMayBeStale()
        readClient(drain: true)
    }

    /// No upstream connection for this client: what Redis would do
    /// (``SessionStateMachine/refused(poolExhausted:)``).
    private func refuse(_ error: Error) {
        let exhausted = (error as? UpstreamError)?.poolExhausted == true
        guard let refusal = machine.refused(poolExhausted: exhausted) else { return }
        let reason = UpstreamError.describe(error)
        switch refusal {
        case .answerMaxClients:
            pool.events.refused(.maxClients, reason: reason)
            var buffer = ByteBuffer()
            buffer.writeStaticString("-ERR max number of clients reached\r\n")
            client.write(buffer)
        case .closeWithoutReply:
            pool.events.refused(.upstreamUnavailable, reason: reason)
        }
        closeAfterWrites()
    }

    /// Closes once everything written so far reached the socket.
    private func closeAfterWrites() {
        let pending = client.pendingBytes > 0 && client.failure == nil
        if machine.closeAfterWrites(outputPending: pending) == .now { closeNow() }
    }

    /// Closes on the next turn of the loop (after a failed write, not inside the caller).
    private func closeSoon() {
        loop.assumeIsolated().execute { self.closeNow() }
    }

    /// Closes the client and gives the upstream connection back (or discards it).
    private func closeNow() {
        guard let closing = machine.close(at: loop.timestamp(), sink: sink) else { return }
        handshakeTimeout?.cancel()
        handshakeTimeout = nil
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
            if closing.upstream == .release { pool.release(lease) } else { pool.discard(lease) }
        }
        if let shared {
            self.shared = nil
            shared.remove(slot: sharedSlot)
        }
        if let reason = pinnedFor {
            pinnedFor = nil
            pool.shared.unpinned(reason)
        }
        if closing.replicationEnded { pool.events.replicationEnded() }
        // After the aborted commands: observers still know the connection (its address,
        // database, open transaction) when they see them.
        sink.connectionClosed(id: connectionID)
    }
}
