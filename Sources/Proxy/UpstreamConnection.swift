import NIOCore
import RESP

/// One connection to the real Redis, and the handler on its channel.
///
/// It logs in (`AUTH`/`SELECT` from the upstream URL) before first use, relays bytes to
/// the ``ProxySession`` it is attached to, and is made reusable by `RESET` plus the same
/// login, pipelined in one round trip. Confined to its channel's event loop.
final class UpstreamConnection: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case connecting
        /// Waiting for `remaining` login replies, first skipping to `+RESET` if asked.
        case handshake(remaining: Int, awaitingReset: Bool, promise: EventLoopPromise<Void>)
        case idle
        case attached(ProxySession)
        case closed
    }

    let eventLoop: EventLoop
    private let login: UpstreamLogin
    private var state = State.connecting
    private var context: ChannelHandlerContext?
    private var scanner = RESPScanner(mode: .reply)
    private var readPending = false
    private var handshakeTimeout: Scheduled<Void>?
    /// Called once when the channel closes while idle in the pool.
    var onIdleClose: (() -> Void)?
    /// Why the channel closed, when known.
    private(set) var closeReason: String?

    init(eventLoop: EventLoop, login: UpstreamLogin) {
        self.eventLoop = eventLoop
        self.login = login
    }

    /// Whether the connection can take writes now.
    var isWritable: Bool { context?.channel.isWritable ?? false }

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
        guard case .idle = state, context?.channel.isActive == true else { return false }
        state = .attached(session)
        return true
    }

    /// Takes the connection back from its session (before reuse or close).
    func detach() {
        if case .attached = state { state = .idle }
        if readPending {
            readPending = false
            context?.read()
        }
    }

    /// Writes bytes; the caller flushes.
    func write(_ buffer: ByteBuffer) {
        context?.write(wrapOutboundOut(buffer), promise: nil)
    }

    /// Flushes written bytes.
    func flush() { context?.flush() }

    /// Resumes reading if a read was held back for backpressure.
    func resumeReading() {
        guard readPending else { return }
        readPending = false
        context?.read()
    }

    /// Sends EOF to Redis (it closes the connection after answering what it read).
    func closeOutput() {
        context?.close(mode: .output, promise: nil)
    }

    /// Closes the connection; no pool or session callback follows.
    func close() {
        failHandshake("connection closed")
        state = .closed
        context?.close(promise: nil)
    }

    // MARK: - ChannelHandler

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        switch state {
        case .attached(let session):
            session.upstreamRead(buffer)
        case .handshake:
            readHandshake(buffer)
        case .idle:
            // Nothing is owed on an idle connection: data here means Redis is closing it
            // (e.g. its `timeout`), or something is wrong. Either way it is not reusable.
            closeReason = "unexpected data on an idle connection"
            context.close(promise: nil)
        case .connecting, .closed:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .attached(let session) = state { session.upstreamReadComplete() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .attached(let session) = state { session.upstreamWritabilityChanged(context.channel.isWritable) }
    }

    func read(context: ChannelHandlerContext) {
        if case .attached(let session) = state, !session.clientIsWritable {
            readPending = true
        } else {
            context.read()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        closeReason = closeReason ?? UpstreamError.describe(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let reason = closeReason ?? "closed by the server"
        let previous = state
        state = .closed
        self.context = nil
        switch previous {
        case .attached(let session):
            session.upstreamClosed(reason: reason)
        case .handshake:
            failHandshake(reason, previous: previous)
        case .idle:
            onIdleClose?()
        case .connecting, .closed:
            break
        }
        onIdleClose = nil
    }

    // MARK: - Handshake

    private func startHandshake(resetFirst: Bool, timeout: TimeAmount) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        guard let context, context.channel.isActive else {
            promise.fail(UpstreamError(reason: closeReason ?? "connection closed"))
            return promise.futureResult
        }
        let remaining = login.commandCount + (resetFirst ? 1 : 0)
        guard remaining > 0 else {
            state = .idle
            promise.succeed()
            return promise.futureResult
        }
        state = .handshake(remaining: remaining, awaitingReset: resetFirst, promise: promise)
        scanner = RESPScanner(mode: .reply)
        var buffer = context.channel.allocator.buffer(capacity: 64)
        if resetFirst { buffer.writeStaticString("*1\r\n$5\r\nRESET\r\n") }
        login.write(into: &buffer)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        handshakeTimeout = eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            self.closeReason =
                "no reply to \(resetFirst ? "RESET" : "login") within \((Double(timeout.nanoseconds) / 1e9).formatted)s"
            self.failHandshake(self.closeReason!)
            self.context?.close(promise: nil)
        }
        return promise.futureResult
    }

    private func readHandshake(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            do throws(RESPProtocolError) {
                while let frame = try scanner.next(bytes, offset: &offset) {
                    guard case .handshake(var remaining, var awaitingReset, let promise) = state else { return }
                    if frame.type.isError {
                        let what = awaitingReset ? "RESET" : "login"
                        failHandshake("\(what) failed: \(frame.first.text)")
                        context?.close(promise: nil)
                        return
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
                        handshakeTimeout?.cancel()
                        state = .idle
                        promise.succeed()
                    } else {
                        state = .handshake(remaining: remaining, awaitingReset: awaitingReset, promise: promise)
                    }
                }
            } catch {
                failHandshake(error.message)
                context?.close(promise: nil)
            }
        }
    }

    private func failHandshake(_ reason: String, previous: State? = nil) {
        guard case .handshake(_, _, let promise) = previous ?? state else { return }
        handshakeTimeout?.cancel()
        closeReason = closeReason ?? reason
        state = .closed
        promise.fail(UpstreamError(reason: reason))
    }
}
