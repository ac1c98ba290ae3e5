import NIOCore
import RESP

/// One client connection under load: sends the workload's requests in batches of
/// `pipeline` and times each reply.
///
/// Closed loop: the next batch leaves when every reply of the previous one arrived, and
/// latency runs from the batch's send time. Open loop (`--rate`): batches leave at
/// fixed intended times whether or not replies came, and latency runs from the intended
/// time, so a target that falls behind shows its queueing in the latency. Confined to
/// its channel's event loop.
final class BenchConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var sentNanos: UInt64
        var kind: RequestKind
    }

    private let target: String
    private let pipeline: Int
    private let recorder: LoopRecorder
    private var generator: RequestGenerator
    private var scanner = RESPScanner(mode: .reply)
    private var pending = CircularBuffer<Pending>(initialCapacity: 64)
    private var context: ChannelHandlerContext?
    private var output = ByteBuffer()
    private var phase: RunPhase?
    private var promise: EventLoopPromise<Void>?
    private var sending = false
    private var nextIntendedNanos: UInt64 = 0
    private var timer: Scheduled<Void>?
    private var closed = false

    init(target: String, pipeline: Int, generator: RequestGenerator, recorder: LoopRecorder) {
        self.target = target
        self.pipeline = pipeline
        self.generator = generator
        self.recorder = recorder
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        output = context.channel.allocator.buffer(capacity: 4096)
    }

    /// Runs `phase`; the returned future completes once its last reply arrived.
    func start(_ phase: RunPhase, on eventLoop: EventLoop) -> EventLoopFuture<Void> {
        guard !closed else {
            return eventLoop.makeFailedFuture(BenchRunError("\(target): the connection was closed"))
        }
        let promise = eventLoop.makePromise(of: Void.self)
        self.phase = phase
        self.promise = promise
        sending = true
        if phase.intervalNanos != nil {
            nextIntendedNanos = phase.firstIntendedNanos
            tick()
        } else {
            sendBatch(now: NIODeadline.now().uptimeNanoseconds)
        }
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let now = NIODeadline.now().uptimeNanoseconds
        var replies = 0
        do {
            try buffer.withUnsafeReadableBytes { bytes in
                var offset = 0
                while let frame = try scanner.next(bytes, offset: &offset) {
                    try handle(frame, now: now)
                    replies += 1
                }
            }
        } catch {
            fail("\(target): bad reply: \(error)")
            context.close(promise: nil)
            return
        }
        phase?.budget.completed.add(replies, ordering: .relaxed)
        guard pending.isEmpty, phase != nil else { return }
        if sending && phase?.intervalNanos == nil {
            sendBatch(now: now)
        } else if !sending {
            finish()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        timer?.cancel()
        fail("\(target): the server closed the connection with \(pending.count) replies owed")
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail("\(target): \(error)")
        context.close(promise: nil)
    }

    private func handle(_ frame: RESPFrame, now: UInt64) throws(BenchRunError) {
        guard let request = pending.popFirst() else {
            throw BenchRunError("a reply came that no request asked for")
        }
        guard phase != nil else { return }
        let isError = frame.type.isError
        recorder.replied(latencyNanos: now &- request.sentNanos, at: now, isError: isError)
        guard !isError else { return }
        switch request.kind {
        case .other: break
        case .read: recorder.read(hits: frame.isNull ? 0 : 1, misses: frame.isNull ? 1 : 0)
        case .multiRead: recorder.read(hits: frame.childCount - frame.nullChildren, misses: frame.nullChildren)
        }
    }

    /// Closed loop: sends the next batch, or ends the phase when the budget is spent.
    private func sendBatch(now: UInt64) {
        let count = phase?.budget.claim(pipeline, now: now) ?? 0
        guard count > 0 else {
            sending = false
            if pending.isEmpty { finish() }
            return
        }
        write(count, sentNanos: now)
    }

    /// Open loop: sends every batch whose intended time has come, then sleeps until the next.
    private func tick() {
        guard sending, let phase, let interval = phase.intervalNanos, let context else { return }
        let now = NIODeadline.now().uptimeNanoseconds
        while nextIntendedNanos <= now {
            let count = phase.budget.claim(pipeline, now: nextIntendedNanos)
            guard count > 0 else {
                sending = false
                if pending.isEmpty { finish() }
                return
            }
            write(count, sentNanos: nextIntendedNanos)
            nextIntendedNanos &+= interval
        }
        timer = context.eventLoop.assumeIsolated().scheduleTask(
            deadline: .uptimeNanoseconds(nextIntendedNanos)
        ) { [self] in
            tick()
        }
    }

    private func write(_ count: Int, sentNanos: UInt64) {
        guard let context else { return }
        output.clear()
        for _ in 0..<count {
            let kind = generator.writeNext(into: &output)
            pending.append(Pending(sentNanos: sentNanos, kind: kind))
        }
        recorder.sent(at: sentNanos)
        context.writeAndFlush(wrapOutboundOut(output), promise: nil)
    }

    private func finish() {
        phase = nil
        sending = false
        promise?.succeed(())
        promise = nil
    }

    private func fail(_ message: String) {
        sending = false
        phase = nil
        promise?.fail(BenchRunError(message))
        promise = nil
    }
}
