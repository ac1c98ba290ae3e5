import Logging
import NIOCore
import RESP
import RedisCommands

/// One client connection and the upstream connection leased to it: the handler on the
/// client channel, and the glue between the two channels (which share an event loop).
///
/// Bytes are forwarded as they arrive, never re-encoded; both directions are scanned
/// for frame boundaries on the way to pair replies with requests. Each side reads only
/// while the other side is writable, so a slow reader holds back its peer instead of
/// making the proxy buffer (the backpressure pattern of NIO's connect-proxy example).
final class ProxySession: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum State {
        /// Waiting for the pool; the client is not read yet.
        case connecting
        /// Relaying.
        case active
        /// Not reading the client any more; closes once every owed reply was relayed.
        case closing
        case closed
    }

    private let pool: UpstreamPool
    private let sink: any CommandEventSink
    private let commandTable: CommandTable?
    private let connectionID: UInt64
    private let registry: SessionRegistry
    private let logger: Logger
    private var context: ChannelHandlerContext?
    private var lease: LeasedConnection?
    private var requestScanner: RESPScanner
    private var replyScanner = RESPScanner(mode: .reply)
    private var matcher = ReplyMatcher()
    private(set) var state = State.connecting
    private var clientReadPending = false
    /// False once the upstream's state can no longer be reset safely (QUIT, errors).
    private var upstreamReusable = true
    /// The proxy's own error for the client, sent after the owed replies.
    private var closingError: String?
    /// What the client sent before its upstream connection was ready. NIO reads without
    /// a `read()` request only when the peer closed its side, so this holds at most the
    /// last socket read.
    private var earlyInput: [ByteBuffer] = []
    private var inputClosedEarly = false

    init(
        pool: UpstreamPool, sink: any CommandEventSink, commandTable: CommandTable?, registry: SessionRegistry,
        requestLimits: RESPLimits, connectionID: UInt64, logger: Logger
    ) {
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

    /// Whether the client channel takes writes now (the upstream reads only then).
    var clientIsWritable: Bool { context?.channel.isWritable ?? false }

    // MARK: - Client channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        registry.add(self, on: context.eventLoop)
        sink.connectionOpened(id: connectionID, address: context.remoteAddress.map(Self.describe) ?? "")
        pool.acquire(on: context.eventLoop).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let lease): self.attach(lease)
            case .failure(let error): self.refuse(error)
            }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if state == .connecting {
            earlyInput.append(buffer)
            return
        }
        forwardClientBytes(buffer)
    }

    private func forwardClientBytes(_ buffer: ByteBuffer) {
        guard state == .active, let upstream else { return }
        let now = MonotonicClock.now()
        sink.clientBytesReceived(buffer.readableBytes)
        var forwardable = buffer.readableBytes
        var failure: String?
        buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            var frame = RESPFrame()
            while true {
                // Only the first call on a buffer can continue a frame begun earlier.
                let frameStart = offset
                do throws(RESPProtocolError) {
                    guard try requestScanner.next(bytes, offset: &offset, into: &frame) else { return }
                    let role = CommandRole(request: frame)
                    switch role {
                    case .ordinary:
                        break
                    case .replication:
                        failure = "ERR redis-lens: SYNC and PSYNC (replication) are not supported through the proxy"
                        forwardable = frameStart
                        return
                    case .quit, .unresettable:
                        upstreamReusable = false
                    default:
                        break
                    }
                    let commandID =
                        commandTable?.identify(name: frame.first, subcommand: frame.second, argumentCount: frame.count)
                        ?? CommandTable.otherID
                    _ = matcher.request(frame, role: role, commandID: commandID, at: now, sink: sink)
                } catch {
                    failure = "ERR " + error.message
                    forwardable = frameStart
                    return
                }
            }
        }
        if forwardable == buffer.readableBytes {
            upstream.write(buffer)
        } else if forwardable > 0 {
            upstream.write(buffer.getSlice(at: buffer.readerIndex, length: forwardable)!)
        }
        if let failure {
            sink.clientProtocolError()
            logger.debug("closing client connection", metadata: ["reason": "\(failure)"])
            beginClosing(error: failure)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        upstream?.flush()
    }

    func read(context: ChannelHandlerContext) {
        if state == .active, let upstream, upstream.isWritable {
            context.read()
        } else {
            clientReadPending = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { upstream?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case ChannelEvent.inputClosed = event else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        if state == .connecting {
            inputClosedEarly = true
            return
        }
        clientInputClosed(context)
    }

    private func clientInputClosed(_ context: ChannelHandlerContext) {
        // The client sent EOF. Like Redis, answer what was already sent, then close:
        // pass the EOF on so Redis finishes and closes its side.
        if state == .closing { return }  // already closing once the owed replies are out
        if state == .active && matcher.awaitingReplies, let upstream {
            upstreamReusable = false
            state = .closing
            upstream.flush()
            upstream.closeOutput()
        } else {
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.debug("client connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        registry.remove(self, on: context.eventLoop)
        if let lease {
            self.lease = nil
            let clean =
                upstreamReusable && !matcher.awaitingReplies && replyScanner.isAtFrameBoundary
                && requestScanner.isAtFrameBoundary
            _ = matcher.abortAll(at: MonotonicClock.now(), sink: sink)
            if clean { pool.release(lease) } else { pool.discard(lease) }
        }
        // After the aborted commands: observers still know the connection (its address,
        // database, open transaction) when they see them.
        sink.connectionClosed(id: connectionID)
        self.context = nil
        context.fireChannelInactive()
    }

    // MARK: - Upstream events (called by UpstreamConnection on the same event loop)

    func upstreamRead(_ buffer: ByteBuffer) {
        guard let context else { return }
        let now = MonotonicClock.now()
        var forwardable = buffer.readableBytes
        var failure: String?
        buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            var frame = RESPFrame()
            while true {
                let frameStart = offset
                do throws(RESPProtocolError) {
                    guard try replyScanner.next(bytes, offset: &offset, into: &frame) else { return }
                    if matcher.reply(frame, at: now, sink: sink) == .unmatched {
                        logger.debug("reply with no pending request", metadata: ["type": "\(frame.type)"])
                    }
                } catch {
                    failure = "upstream sent invalid RESP (\(error.message))"
                    forwardable = frameStart
                    return
                }
            }
        }
        sink.clientBytesSent(forwardable)
        if forwardable == buffer.readableBytes {
            context.write(wrapOutboundOut(buffer), promise: nil)
        } else if forwardable > 0 {
            context.write(wrapOutboundOut(buffer.getSlice(at: buffer.readerIndex, length: forwardable)!), promise: nil)
        }
        if let failure {
            upstreamReusable = false
            upstream?.close()
            upstreamClosed(
                reason: failure, forwardedPartialFrame: forwardable < buffer.readableBytes && forwardable > 0)
        } else if state == .closing {
            finishClosingIfDone()
        }
    }

    func upstreamReadComplete() {
        context?.flush()
    }

    func upstreamWritabilityChanged(_ writable: Bool) {
        guard writable, clientReadPending, state == .active else { return }
        clientReadPending = false
        context?.read()
    }

    /// The upstream connection ended: owed replies become errors (when the reply stream
    /// stands at a frame boundary, so the client can parse them), then the client closes.
    func upstreamClosed(reason: String, forwardedPartialFrame: Bool = false) {
        guard let context, lease != nil else { return }
        lease = nil
        let owed = matcher.abortAll(at: MonotonicClock.now(), sink: sink)
        let atBoundary = replyScanner.isAtFrameBoundary && !forwardedPartialFrame
        if owed > 0 && atBoundary && state != .closing && !matcher.quitAnswered {
            var buffer = context.channel.allocator.buffer(capacity: 64 * owed)
            for _ in 0..<owed {
                ProxyErrorReply.write("ERR redis-lens: upstream connection lost (\(reason))", into: &buffer)
            }
            context.write(wrapOutboundOut(buffer), promise: nil)
        }
        if owed > 0 {
            logger.info(
                "upstream connection lost with replies owed", metadata: ["reason": "\(reason)", "owed": "\(owed)"])
        }
        state = .closing
        closeAfterWrites(context)
    }

    // MARK: - Shutdown

    /// Stops reading the client and closes once every owed reply was relayed.
    func beginDrain() {
        switch state {
        case .connecting:
            context?.close(promise: nil)
        case .active:
            beginClosing(error: nil)
        case .closing, .closed:
            break
        }
    }

    /// Closes the client connection now.
    func forceClose() {
        context?.close(promise: nil)
    }

    // MARK: - Private

    private func attach(_ lease: LeasedConnection) {
        guard state == .connecting, let context else {
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
        if !earlyInput.isEmpty {
            for buffer in earlyInput { forwardClientBytes(buffer) }
            earlyInput = []
            lease.value.flush()
        }
        if inputClosedEarly {
            clientInputClosed(context)
        } else if clientReadPending {
            clientReadPending = false
            context.read()
        }
    }

    private func refuse(_ error: Error) {
        guard state == .connecting, let context else { return }
        let reason = UpstreamError.describe(error)
        logger.warning("client refused: upstream unavailable", metadata: ["reason": "\(reason)"])
        state = .closing
        var buffer = context.channel.allocator.buffer(capacity: 96)
        ProxyErrorReply.write("ERR redis-lens: upstream unavailable (\(reason))", into: &buffer)
        context.write(wrapOutboundOut(buffer), promise: nil)
        closeAfterWrites(context)
    }

    private func beginClosing(error: String?) {
        state = .closing
        upstreamReusable = false
        closingError = error
        finishClosingIfDone()
    }

    private func finishClosingIfDone() {
        guard state == .closing, !matcher.awaitingReplies, let context else { return }
        var buffer = context.channel.allocator.buffer(capacity: 96)
        if let closingError { ProxyErrorReply.write(closingError, into: &buffer) }
        closingError = nil
        context.write(wrapOutboundOut(buffer), promise: nil)
        closeAfterWrites(context)
    }

    /// Flushes, then closes once everything written so far reached the socket.
    private func closeAfterWrites(_ context: ChannelHandlerContext) {
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    private static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}
