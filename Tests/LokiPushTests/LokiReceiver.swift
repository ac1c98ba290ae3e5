import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// One request the receiver took.
struct ReceivedPush: Sendable {
    var method: HTTPMethod
    var uri: String
    var contentType: String?
    var body: String
}

/// A stand-in for Loki on loopback: an HTTP/1 server that records every request and
/// answers each, once `respond` returns, with the status it picks for it (by index, from 0).
final class LokiReceiver: Sendable {
    let port: Int
    /// Every request, as it arrives.
    let arrivals: AsyncStream<ReceivedPush>
    private let channel: any Channel
    private let recorder: Recorder

    private init(port: Int, arrivals: AsyncStream<ReceivedPush>, channel: any Channel, recorder: Recorder) {
        self.port = port
        self.arrivals = arrivals
        self.channel = channel
        self.recorder = recorder
    }

    /// The requests taken so far.
    var pushes: [ReceivedPush] { recorder.log.withLock { $0 } }

    static func start(
        respond: @escaping @Sendable (Int) async -> HTTPResponseStatus = { _ in .noContent }
    ) async throws -> LokiReceiver {
        let (arrivals, continuation) = AsyncStream.makeStream(of: ReceivedPush.self)
        let recorder = Recorder(continuation: continuation, respond: respond)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(ReceiverHandler(recorder: recorder))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else {
            try await channel.close()
            throw ReceiverError("the receiver bound no port")
        }
        return LokiReceiver(port: port, arrivals: arrivals, channel: channel, recorder: recorder)
    }

    /// Stops listening.
    func stop() async throws {
        try await channel.close()
    }
}

struct ReceiverError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}

/// Opens once; whoever waits before that waits until then.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let open = state.withLock { state in
                if !state.open { state.waiters.append(continuation) }
                return state.open
            }
            if open { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// What the connections share: the log, the arrivals stream, the status choice.
private final class Recorder: Sendable {
    typealias Respond = @Sendable (Int) async -> HTTPResponseStatus

    let log = Mutex<[ReceivedPush]>([])
    let continuation: AsyncStream<ReceivedPush>.Continuation
    let respond: Respond

    init(continuation: AsyncStream<ReceivedPush>.Continuation, respond: @escaping Respond) {
        self.continuation = continuation
        self.respond = respond
    }

    /// Records `push` and returns the status to answer it with.
    func record(_ push: ReceivedPush) async -> HTTPResponseStatus {
        let index = log.withLock { log in
            log.append(push)
            return log.count - 1
        }
        continuation.yield(push)
        return await respond(index)
    }
}

private final class ReceiverHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let recorder: Recorder
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(recorder: Recorder) { self.recorder = recorder }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let head else { return }
            self.head = nil
            let push = ReceivedPush(
                method: head.method, uri: head.uri, contentType: head.headers.first(name: "Content-Type"),
                body: String(buffer: body))
            let recorder = self.recorder
            let answer = context.eventLoop.makeFutureWithTask { await recorder.record(push) }
            answer.assumeIsolated().whenSuccess { status in
                var headers = HTTPHeaders()
                headers.add(name: "Content-Length", value: "0")
                let responseHead = HTTPResponseHead(version: head.version, status: status, headers: headers)
                context.write(self.wrapOutboundOut(.head(responseHead)), promise: nil)
                context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
