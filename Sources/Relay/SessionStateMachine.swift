import Cluster
import RESP
import RedisCommands

/// One client connection's relay logic, fed bytes and events, returning actions; it knows
/// nothing of sockets or `epoll` (the `Proxy` module's `ProxySession` performs its actions).
///
/// It holds the connection's lifecycle, its two scanners and its ``ReplyMatcher``:
/// ``scanRequests(_:at:table:sink:)`` is the one function where a request's bytes are
/// scanned, ``scanReplies(_:at:sink:)`` the one where a reply is paired with its request.
///
/// TLS sits below this type: a TLS client's session starts in ``State/handshaking`` and asks
/// the pool for a connection only once the handshake succeeded (a failed one never reaches
/// Redis); then the handler decrypts before it calls ``scanRequests(_:at:table:sink:)`` and
/// encrypts what it relays. In shared mode (`--pool-mode shared`, ``sharing``), requests
/// go through ``scanSharedRequests(_:at:table:sink:)`` onto the loop's shared connection
/// until one needs a dedicated connection (``SharedRouting``, ``SharedPinning``).
public struct SessionStateMachine: ~Copyable {
    /// Where the session is in its life.
    public enum State: Equatable, Sendable {
        /// A TLS client's handshake is under way; no upstream connection is asked for yet.
        case handshaking
        /// Waiting for the pool; the client is not read yet.
        case connecting
        /// Relaying.
        case active
        /// Not reading the client any more; closes once every owed reply was relayed.
        case closing
        /// Done: the client's socket is closed and the upstream connection given back.
        case closed
    }

    /// What to do once the client's queued output is written (or at once).
    package enum CloseTiming: Equatable, Sendable {
        /// Close the client now.
        case now
        /// Close when the client's output drained (``clientOutputDrained()``).
        case whenFlushed
    }

    /// What to do when the pool refused a connection.
    package enum Refusal: Equatable, Sendable {
        /// Write Redis's `maxclients` error (`-ERR max number of clients reached`), then close.
        case answerMaxClients
        /// Close without a reply, as a refused connect looks to a client.
        case closeWithoutReply
    }

    /// What to do when the client sent EOF.
    package enum ClientEnd: Equatable, Sendable {
        /// Pass the EOF on to Redis (it answers what it read, then closes); keep relaying.
        case shutdownUpstreamOutput
        /// Close the client now.
        case closeNow
        /// Nothing (already closing).
        case none
    }

    /// What to do on graceful shutdown.
    package enum Drain: Equatable, Sendable {
        /// Close at once (still connecting, or a replication stream that never ends).
        case closeNow
        /// Stop reading the client and close once its queued output is written
        /// (``closeAfterWrites(outputPending:)``): nothing is owed.
        case closeAfterWrites
        /// Stop reading the client; it closes once the owed replies arrived
        /// (``ReplyScan/closeAfterWrites``) or Redis closed.
        case awaitReplies
        /// Nothing to do.
        case none
    }

    /// What a closing session does with its upstream connection.
    package enum UpstreamDisposal: Equatable, Sendable {
        /// Reset it and give it back to the pool.
        case release
        /// Close it: its state cannot be reset safely.
        case discard
        /// The session holds none.
        case none
    }

    /// What became of a batch of client bytes.
    package struct RequestScan: Equatable, Sendable {
        /// The bytes that belong to a replication stream (`SYNC`/`PSYNC` and after it).
        package var replicationBytes = 0
        /// Whether `SYNC`/`PSYNC` started a replication stream in this batch.
        package var replicationStarted = false
        /// Why the client's input could not be parsed (it is relayed all the same).
        package var malformed: String?
    }

    /// What became of a batch of upstream bytes.
    package struct ReplyScan: Equatable, Sendable {
        /// The bytes that belong to a replication stream.
        package var replicationBytes = 0
        /// Replies that paired with no request (the matcher lost track; counted, not fatal).
        package var unmatched = 0
        /// Why a reply could not be parsed (the connection is relayed unmeasured from then on).
        package var unparsable: String?
        /// The client's connection should close once its output is written.
        package var closeAfterWrites = false
        /// A frame that would have been rewritten outgrew ``ClusterReplyEditor/defaultHoldLimit``
        /// and was passed on unchanged.
        package var holdOverflowed = false
    }

    /// How the upstream connection ended, as the session counts it.
    package struct UpstreamEnd: Equatable, Sendable {
        /// Commands that got no reply.
        package var owed: Int
        /// Whether the client had not asked for the close (not `QUIT`, not its EOF or
        /// malformed input): the proxy counts and logs it as a disconnect.
        package var unexpected: Bool
    }

    // The accessors the handler calls per socket event are public and inlinable, so the
    // handler's module inlines them (a `package` body is not serialized for other modules
    // without library evolution); the fields they read are `@usableFromInline`.

    /// Where the session is in its life.
    @usableFromInline package private(set) var state = State.connecting
    /// Whether the session holds an upstream connection.
    package private(set) var hasUpstream = false
    /// Reading the client stopped because the upstream's output is full.
    @usableFromInline var clientPaused = false
    /// The client sent EOF (or reading it ended for good).
    @usableFromInline var clientInputEnded = false
    /// Close once the queued output reached the client.
    @usableFromInline var closeWhenFlushed = false
    /// False once the upstream's state can no longer be reset safely (QUIT, errors).
    package private(set) var upstreamReusable = true
    /// Client bytes are relayed without scanning from now on: after malformed input (Redis
    /// answers it with its own error and closes, as it would directly) or after `SYNC`/`PSYNC`
    /// (a replication stream follows, which is not RESP).
    private var requestsRaw = false
    /// Upstream bytes are relayed without scanning: set once the replies owed before the
    /// client's input went raw were paired, or when a reply could not be parsed.
    private var repliesRaw = false
    /// The connection carries a replication stream (counted, no per-command telemetry).
    package private(set) var replicating = false
    private var matcher = ReplyMatcher()
    /// Client bytes relayed upstream so far: where the next request's bytes start.
    private var relayedBytes: UInt64 = 0
    private var requestScanner: RESPScanner
    private var replyScanner = RESPScanner(mode: .reply)
    /// Splits `EXEC`'s reply into its elements; made at the connection's first `EXEC`.
    private var execSplitter: RESPAggregateSplitter?
    private var commandIDs = CommandIDCache()
    /// Rewrites the replies that name cluster nodes (a cluster node's listener only).
    private var editor: ClusterReplyEditor?
    /// Shared mode (`--pool-mode shared`): where requests go and what pins the session;
    /// nil in dedicated mode.
    package private(set) var sharing: SharedPinning?
    /// Not reading the client while the session switches to a dedicated connection.
    @usableFromInline var switching = false
    /// Shared mode: bytes of the unfinished request frame scanned from earlier chunks.
    private var sharedPartial = 0
    /// Shared mode: Redis answered a protocol error on the dedicated connection (it closes next).
    private var upstreamClosing = false

    /// A session for connection `connectionID`, scanning requests within `requestLimits`;
    /// `tls` when the client's TLS handshake comes first; `editor` to rewrite the replies
    /// that name cluster nodes (then the client is sent ``replyPieces``, not the bytes read).
    package init(
        connectionID: UInt64, requestLimits: RESPLimits, tls: Bool = false, editor: ClusterReplyEditor? = nil,
        sharedLogin: SharedLogin? = nil
    ) {
        self.editor = editor
        self.sharing = sharedLogin.map { SharedPinning(login: $0) }
        matcher.connectionID = connectionID
        requestScanner = RESPScanner(mode: .request, limits: requestLimits)
        if tls { state = .handshaking }
    }

    /// Whether the client's TLS handshake is under way.
    @inlinable public var isHandshaking: Bool {
        if case .handshaking = state { return true }
        return false
    }

    /// The client's TLS handshake succeeded: true to ask the pool for a connection now.
    package mutating func handshakeFinished() -> Bool {
        guard state == .handshaking else { return false }
        state = .connecting
        return true
    }

    /// Whether the client should be read now.
    @inlinable public var readsClient: Bool {
        guard case .active = state else { return false }
        return !clientPaused && !clientInputEnded && !switching
    }

    /// Whether the session still waits for the pool (the client is not read yet).
    @inlinable public var isConnecting: Bool {
        if case .connecting = state { return true }
        return false
    }

    /// Whether a reply is still owed to the client.
    package var awaitingReplies: Bool { matcher.awaitingReplies }

    // MARK: - The pool's answer

    /// The pool has a connection for this session: true to take it (then ``attached()``),
    /// false to give it back (the client left or shutdown began meanwhile).
    package func wantsUpstream() -> Bool { state == .connecting }

    /// The upstream connection is the session's: start relaying.
    package mutating func attached() {
        guard state == .connecting else { return }
        hasUpstream = true
        state = .active
    }

    /// No upstream connection for this session; nil when it is no longer waiting.
    package mutating func refused(poolExhausted: Bool) -> Refusal? {
        guard state == .connecting else { return nil }
        state = .closing
        return poolExhausted ? .answerMaxClients : .closeWithoutReply
    }

    // MARK: - Client bytes and events

    /// The one place a request's bytes are scanned: frames are found, classified and queued
    /// for their replies. Malformed input is relayed all the same, so Redis answers it
    /// with its own error, byte for byte, and closes; the session only stops scanning.
    package mutating func scanRequests(
        _ bytes: UnsafeRawBufferPointer, at now: UInt64, table: CommandTable?, sink: any CommandEventSink
    ) -> RequestScan {
        var result = RequestScan()
        let base = relayedBytes
        relayedBytes &+= UInt64(bytes.count)
        if requestsRaw {
            if replicating { result.replicationBytes = bytes.count }
            return result
        }
        var offset = 0
        var frame = RESPFrame()
        // Shared mode only: a pinned session's requests are classified too (``SharedPinning``).
        let pinned = sharing != nil
        do throws(RESPProtocolError) {
            while try requestScanner.next(bytes, offset: &offset, into: &frame) {
                if pinned { sharing!.dedicatedRequest(frame, inTransaction: matcher.isInTransaction) }
                let role =
                    CommandRole.mayApply(toNameLength: frame.first.totalLength)
                    ? CommandRole(request: frame) : .ordinary
                switch role {
                case .ordinary:
                    break
                case .replication:
                    // An RDB payload without a trailing CRLF follows, then the command stream.
                    replicating = true
                    result.replicationStarted = true
                    result.replicationBytes = bytes.count - offset
                    stopScanningRequests()
                    return result
                case .quit, .unresettable:
                    upstreamReusable = false
                case .clientSetName, .clientSetInfo, .hello:
                    if role == .clientSetInfo { upstreamReusable = false }
                    let change = ClientIdentityParser.change(role: role, frame: frame, chunk: bytes, end: offset)
                    matcher.identityRequest(
                        &frame, role: role, commandID: identify(frame, table), change: change, at: now,
                        endOffset: base &+ UInt64(offset), sink: sink)
                    continue
                default:
                    break
                }
                let commandID = identify(frame, table)
                _ = matcher.request(
                    &frame, role: role, commandID: commandID, at: now, endOffset: base &+ UInt64(offset), sink: sink)
            }
        } catch {
            sink.clientProtocolError()
            result.malformed = error.message
            stopScanningRequests()
        }
        return result
    }

    /// The request's id in `table` (`other` without a table).
    @inline(__always)
    private mutating func identify(_ frame: borrowing RESPFrame, _ table: CommandTable?) -> Int {
        guard let table else { return CommandTable.otherID }
        return commandIDs.identify(in: table, name: frame.first, subcommand: frame.second, argumentCount: frame.count)
    }

    /// Client input is relayed unscanned from now on; replies follow once the ones owed
    /// before this point are paired. The upstream connection is not reused.
    private mutating func stopScanningRequests() {
        requestsRaw = true
        upstreamReusable = false
        if !matcher.awaitingReplies { repliesRaw = true }
    }

    /// The upstream took the first `offset` bytes the session relayed to it (counted from
    /// its first): the requests that end within them were sent at `now`, which is read only
    /// when one was not stamped yet. Call it after each write that took bytes, so a request
    /// held back (a full upstream, a TLS record in flight) gets the time it actually left.
    package mutating func upstreamSent(through offset: UInt64, at now: @autoclosure () -> UInt64) {
        matcher.sent(through: offset, at: now())
    }

    /// The upstream's output is full: stop reading the client.
    @inlinable public mutating func upstreamFull() {
        clientPaused = true
    }

    /// The upstream's output drained: true when the client should be read again.
    @inlinable public mutating func upstreamHasRoom() -> Bool {
        guard clientPaused else { return false }
        clientPaused = false
        return true
    }

    /// The client sent EOF. Like Redis, answer what was already sent, then close.
    package mutating func clientEnded() -> ClientEnd {
        clientInputEnded = true
        if state == .closing { return .none }  // already closing once the owed replies are out
        // A raw connection waits for Redis to close (its protocol error, the end of a stream).
        if state == .active && (matcher.awaitingReplies || requestsRaw) {
            upstreamReusable = false
            state = .closing
            return .shutdownUpstreamOutput
        }
        return .closeNow
    }

    /// The client's queued output was written: true when the session should close now.
    @inlinable public func clientOutputDrained() -> Bool {
        closeWhenFlushed
    }

    // MARK: - Upstream bytes and events

    /// The one place a reply is paired with its request (``ReplyMatcher/reply(_:at:sink:)``).
    /// Stops at the point the client's input went raw, once nothing is owed from before it.
    package mutating func scanReplies(
        _ bytes: UnsafeRawBufferPointer, at now: UInt64, sink: any CommandEventSink
    ) -> ReplyScan {
        var result = ReplyScan()
        guard state != .closed else { return result }
        if editor != nil {
            if repliesRaw {
                if replicating { result.replicationBytes = bytes.count }
                editor!.relayWhole(bytes)
            } else {
                pairAndEditReplies(bytes, at: now, sink: sink, into: &result)
            }
        } else if repliesRaw {
            if replicating { result.replicationBytes = bytes.count }
        } else {
            pairReplies(bytes, at: now, sink: sink, into: &result)
        }
        result.closeAfterWrites = state == .closing && closeIfDone()
        return result
    }

    private mutating func pairReplies(
        _ bytes: UnsafeRawBufferPointer, at now: UInt64, sink: any CommandEventSink, into result: inout ReplyScan
    ) {
        var offset = 0
        var frame = RESPFrame()
        // Shared mode only, on a dedicated connection: Redis closes after a protocol error.
        let pinned = hasUpstream && sharing != nil
        do throws(RESPProtocolError) {
            while !requestsRaw || matcher.awaitingReplies {
                if matcher.expectsExecElements {
                    guard let split = try splitExecReply(bytes, offset: &offset, into: &frame, at: now, sink: sink)
                    else { return }
                    if split { continue }  // else not an array: scanned whole below
                }
                guard try replyScanner.next(bytes, offset: &offset, into: &frame) else { return }
                if pinned && frame.type == .simpleError { noteProtocolError(frame.first) }
                if matcher.reply(&frame, at: now, sink: sink) == .unmatched { result.unmatched += 1 }
            }
            repliesRaw = true
            if replicating { result.replicationBytes = bytes.count - offset }
        } catch {
            repliesUnparsable(error, at: now, sink: sink, into: &result)
        }
    }

    /// Replies stopped making sense: they are relayed all the same (the client decides what
    /// to make of them, as it would directly), unmeasured from here, and the connection is
    /// not reused.
    private mutating func repliesUnparsable(
        _ error: RESPProtocolError, at now: UInt64, sink: any CommandEventSink, into result: inout ReplyScan
    ) {
        result.unparsable = error.message
        requestsRaw = true
        repliesRaw = true
        upstreamReusable = false
        _ = matcher.abortAll(at: now, sink: sink)
    }

    /// What the client is sent for the last chunk given to ``scanReplies(_:at:sink:)``, when
    /// the session rewrites replies (else empty): pieces of the chunk and rewritten frames.
    package var replyPieces: [ReplyPiece] { editor?.pieces ?? [] }

    /// ``pairReplies(_:at:sink:into:)`` for a session that rewrites replies: the editor is
    /// told where each frame starts and ends (kept apart so the plain path pays nothing).
    private mutating func pairAndEditReplies(
        _ bytes: UnsafeRawBufferPointer, at now: UInt64, sink: any CommandEventSink, into result: inout ReplyScan
    ) {
        editor!.beginChunk()
        defer { result.holdOverflowed = editor!.overflowed }
        var offset = 0
        var frame = RESPFrame()
        do throws(RESPProtocolError) {
            while !requestsRaw || matcher.awaitingReplies {
                if offset < bytes.count && replyScanner.isAtFrameBoundary && execSplitter?.isBetweenFrames ?? true {
                    editor!.frameStarts(at: offset, firstByte: bytes[offset], reply: matcher.headTopologyReply)
                }
                if matcher.expectsExecElements {
                    guard let split = try splitExecReply(bytes, offset: &offset, into: &frame, at: now, sink: sink)
                    else { return editor!.endChunk(bytes) }
                    if split {
                        editor!.frameEnds(at: offset, in: bytes)
                        continue
                    }
                }
                guard try replyScanner.next(bytes, offset: &offset, into: &frame) else {
                    return editor!.endChunk(bytes)
                }
                editor!.frameEnds(at: offset, in: bytes)
                if matcher.reply(&frame, at: now, sink: sink) == .unmatched { result.unmatched += 1 }
            }
            repliesRaw = true
            if replicating { result.replicationBytes = bytes.count - offset }
            editor!.passRest(bytes)
        } catch {
            repliesUnparsable(error, at: now, sink: sink, into: &result)
            editor!.passRest(bytes)
        }
    }

    /// Reads `EXEC`'s array element by element, pairing each with its queued command.
    /// Returns true when it read the header or an element, false when the next frame is no
    /// array (an error, a RESP3 null, a push: the caller scans it whole), nil when the bytes
    /// ran out.
    private mutating func splitExecReply(
        _ bytes: UnsafeRawBufferPointer, offset: inout Int, into frame: inout RESPFrame, at now: UInt64,
        sink: any CommandEventSink
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

    /// The upstream connection ended (what Redis sent has been relayed); nil when the
    /// session held none. The client's connection closes after its queued output, as it
    /// would have had the client been talking to Redis, so the client's own retry and
    /// failover logic runs: the proxy never answers for Redis.
    package mutating func upstreamEnded(at now: UInt64, sink: any CommandEventSink) -> UpstreamEnd? {
        guard state != .closed, hasUpstream else { return nil }
        hasUpstream = false
        let owed = matcher.abortAll(at: now, sink: sink)
        // Closes the client asked for (QUIT, its EOF, its malformed input) are not counted.
        let expected = state != .active || matcher.quitAnswered || (requestsRaw && !replicating)
        state = .closing
        return UpstreamEnd(owed: owed, unexpected: !expected)
    }

    // MARK: - Shared mode (`--pool-mode shared`)

    /// What became of a chunk of client bytes in shared mode.
    package struct SharedScan: Equatable, Sendable {
        /// The chunk's bytes `0..<completeEnd` end complete requests for the shared
        /// connection; when the session held an unfinished frame's bytes, they come first.
        package var completeEnd = 0
        /// Requests among them that get a reply.
        package var frames = 0
        /// Why the rest (the held bytes, then the chunk from `completeEnd`) needs a dedicated
        /// connection; nil when the rest is an unfinished frame to hold.
        package var pin: PinReason?
        /// Why the client's input could not be parsed (the reason is `malformed`).
        package var malformed: String?
    }

    /// The session's shared connection is assigned: start relaying.
    package mutating func attachedShared() {
        guard state == .connecting else { return }
        state = .active
    }

    /// Whether the session's requests go onto its shared connection now.
    package var isOnShared: Bool { sharing?.route == .shared }

    /// Whether the session is on a dedicated connection in shared mode.
    package var isPinned: Bool { sharing?.route == .dedicated }

    /// Scans a chunk of client bytes in shared mode: complete frames the shared connection
    /// may carry are queued for their replies; the first frame that needs a dedicated
    /// connection stops the scan (not queued: it is scanned again on the dedicated path).
    package mutating func scanSharedRequests(
        _ bytes: UnsafeRawBufferPointer, at now: UInt64, table: CommandTable?, sink: any CommandEventSink
    ) -> SharedScan {
        var result = SharedScan()
        guard let login = sharing?.login else { return result }
        let base = relayedBytes &+ UInt64(sharedPartial)
        var offset = 0
        var frame = RESPFrame()
        do throws(RESPProtocolError) {
            while try requestScanner.next(bytes, offset: &offset, into: &frame) {
                if case .pin(let reason, _) = SharedRouting.classify(frame, login: login) {
                    result.pin = reason
                    break
                }
                if frame.type == .inlineCommand && requestScanner.inlineQuoted {
                    // Redis may refuse the quoting and close the connection: not a shared one.
                    result.pin = .malformed
                    break
                }
                result.completeEnd = offset
                guard frame.count > 0 else { continue }  // an empty command: no reply
                result.frames += 1
                let role =
                    CommandRole.mayApply(toNameLength: frame.first.totalLength)
                    ? CommandRole(request: frame) : .ordinary
                let endOffset = base &+ UInt64(offset)
                if role.mayIdentifyClient {
                    let change = ClientIdentityParser.change(role: role, frame: frame, chunk: bytes, end: offset)
                    matcher.identityRequest(
                        &frame, role: role, commandID: identify(frame, table), change: change, at: now,
                        endOffset: endOffset, sink: sink)
                } else {
                    _ = matcher.request(
                        &frame, role: role, commandID: identify(frame, table), at: now, endOffset: endOffset,
                        sink: sink)
                }
            }
        } catch {
            // Counted when the dedicated path scans the held bytes again.
            result.malformed = error.message
            result.pin = .malformed
        }
        if result.completeEnd > 0 {
            relayedBytes = base &+ UInt64(result.completeEnd)
            sharedPartial = 0
        }
        if let reason = result.pin {
            pinShared(reason)
        } else {
            sharedPartial += bytes.count - result.completeEnd
        }
        return result
    }

    /// The unfinished frame the session holds outgrew its buffer: it goes to a dedicated
    /// connection (`large_request`), streamed from there.
    package mutating func pinLargeRequest() {
        pinShared(.largeRequest)
    }

    /// Stops reading the client until the dedicated connection is attached; the held bytes
    /// start at a frame boundary, so the scanner starts afresh for them.
    private mutating func pinShared(_ reason: PinReason) {
        sharing!.pin(reason)
        switching = true
        sharedPartial = 0
        // A fresh scanner: one that threw must not be used again.
        requestScanner = RESPScanner(mode: .request, limits: requestScanner.limits)
    }

    /// Whether a switching session owes nothing on the shared connection any more: true
    /// once, to lease the dedicated connection now.
    package mutating func readyToLease() -> Bool {
        guard switching, state == .active, sharing?.route == .switching, !matcher.awaitingReplies else {
            return false
        }
        sharing!.leasing()
        return true
    }

    /// The dedicated connection is the session's: send it the held bytes, then read the client.
    package mutating func attachedDedicated() -> Bool {
        guard state == .active, sharing?.route == .leasing else { return false }
        sharing!.dedicated()
        hasUpstream = true
        switching = false
        relayedBytes = 0
        return true
    }

    /// Whether a pinned session may go back to its shared connection now: nothing owed, no
    /// request half sent, and no connection state held (``SharedPinning``).
    package var mayUnpin: Bool {
        guard state == .active, let sharing, sharing.route == .dedicated, !requestsRaw, !replicating, !upstreamClosing,
            !matcher.awaitingReplies, !matcher.hasSuppressed, requestScanner.isAtFrameBoundary,
            replyScanner.isAtFrameBoundary
        else { return false }
        return !sharing.holdsState(
            resetsAnswered: matcher.resetsAnswered, inTransaction: matcher.isInTransaction,
            subscribed: matcher.isSubscribed, monitoring: matcher.monitoring)
    }

    /// Back to the shared connection (after ``mayUnpin``): what to do with the dedicated one.
    package mutating func unpin() -> UpstreamDisposal {
        guard hasUpstream, sharing != nil else { return .none }
        sharing!.clearAnswered(resetsAnswered: matcher.resetsAnswered)
        sharing!.unpinned()
        hasUpstream = false
        relayedBytes = 0
        let disposal: UpstreamDisposal = upstreamReusable ? .release : .discard
        upstreamReusable = true
        return disposal
    }

    /// The shared connection ended with this session on it (or switching away from it, its
    /// replies still owed): the client closes after its queued output, like a dedicated
    /// connection's loss. Nil when the session is not affected (pinned, or closed).
    package mutating func sharedUpstreamEnded(at now: UInt64, sink: any CommandEventSink) -> UpstreamEnd? {
        guard state != .closed, let route = sharing?.route, route == .shared || route == .switching else {
            return nil
        }
        let owed = matcher.abortAll(at: now, sink: sink)
        let expected = state != .active
        state = .closing
        switching = false
        return UpstreamEnd(owed: owed, unexpected: !expected)
    }

    /// The client sent EOF while on the shared connection: like Redis, answer what was
    /// already sent, then close (the shared connection's output is not shut down).
    package mutating func clientEndedOnShared() -> ClientEnd {
        clientInputEnded = true
        if state == .closing { return .none }
        if state == .active && matcher.awaitingReplies {
            state = .closing
            return .none
        }
        return .closeNow
    }

    /// Client bytes that went onto the shared connection up to `offset` (counted from the
    /// session's return to shared) were sent at `now`.
    package mutating func sharedSent(through offset: UInt64, at now: UInt64) {
        matcher.sent(through: offset, at: now)
    }

    /// Redis answered `-ERR Protocol error...` on the dedicated connection: it closes the
    /// connection next, so the session stays on it (and closes with it, as directly).
    private mutating func noteProtocolError(_ text: ByteHead) {
        let prefix: StaticString = "ERR Protocol error"
        guard text.count >= prefix.utf8CodeUnitCount else { return }
        let matches = text.withUnsafeBytes { bytes in
            (0..<prefix.utf8CodeUnitCount).allSatisfy { bytes[$0] == prefix.utf8Start[$0] }
        }
        if matches {
            upstreamClosing = true
            upstreamReusable = false
        }
    }

    /// Bytes the session put on the shared connection since it last went to it.
    package var sharedRelayedBytes: UInt64 { relayedBytes }

    // MARK: - Closing

    /// Stops reading the client and closes once every owed reply was relayed.
    package mutating func drain() -> Drain {
        switch state {
        case .handshaking, .connecting:
            return .closeNow
        case .active:
            // A replication stream never ends by itself: close it at once.
            if replicating { return .closeNow }
            state = .closing
            upstreamReusable = false
            return closeIfDone() ? .closeAfterWrites : .awaitReplies
        case .closing, .closed:
            return .none
        }
    }

    /// Whether a closing session may close once its output is written (nothing owed; a raw
    /// connection closes when Redis closes it), unless a close is already pending.
    private mutating func closeIfDone() -> Bool {
        guard state == .closing, !matcher.awaitingReplies, !requestsRaw, !closeWhenFlushed else { return false }
        return true
    }

    /// Closes once everything written so far reached the client: now when its output is
    /// empty (or failed), else after ``clientOutputDrained()``.
    package mutating func closeAfterWrites(outputPending: Bool) -> CloseTiming {
        if outputPending {
            closeWhenFlushed = true
            return .whenFlushed
        }
        return .now
    }

    /// The session closes: nil when it already had. Commands still owed are aborted
    /// (after them, observers see the connection close).
    package mutating func close(at now: UInt64, sink: any CommandEventSink) -> (
        upstream: UpstreamDisposal, replicationEnded: Bool
    )? {
        guard state != .closed else { return nil }
        state = .closed
        var disposal = UpstreamDisposal.none
        if hasUpstream {
            hasUpstream = false
            let clean =
                upstreamReusable && !matcher.awaitingReplies && replyScanner.isAtFrameBoundary
                && requestScanner.isAtFrameBoundary
            _ = matcher.abortAll(at: now, sink: sink)
            disposal = clean ? .release : .discard
        }
        let replicationEnded = replicating
        replicating = false
        return (disposal, replicationEnded)
    }
}
