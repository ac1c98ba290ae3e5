import NIOCore
import RESP

/// A connection that sends pipelined batches and waits for all their replies, failing on
/// the first error reply: for setting up keys before the runs. Confined to its event loop.
final class BatchConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let target: String
    private var scanner = RESPScanner(mode: .reply)
    private var owed = 0
    private var firstError: String?
    private var promise: EventLoopPromise<Void>?
    private var context: ChannelHandlerContext?

    init(target: String) { self.target = target }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    /// Sends `batch`; the future completes when every reply arrived, or fails on an error reply.
    func send(_ batch: Prepopulation.Batch, on eventLoop: EventLoop) -> EventLoopFuture<Void> {
        guard let context, context.channel.isActive else {
            return eventLoop.makeFailedFuture(BenchRunError("\(target): the connection was closed"))
        }
        let promise = eventLoop.makePromise(of: Void.self)
        self.promise = promise
        owed = batch.requests
        context.writeAndFlush(wrapOutboundOut(batch.bytes), promise: nil)
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        do {
            try buffer.withUnsafeReadableBytes { bytes in
                var offset = 0
                while let frame = try scanner.next(bytes, offset: &offset) {
                    owed -= 1
                    if frame.type.isError && firstError == nil {
                        firstError = frame.first.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
                    }
                }
            }
        } catch {
            finish(BenchRunError("\(target): bad reply while setting up keys: \(error)"))
            return
        }
        guard owed <= 0 else { return }
        if let firstError {
            finish(BenchRunError("\(target): setting up keys failed: \(firstError)"))
        } else {
            finish(nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(BenchRunError("\(target): the server closed the connection while keys were set up"))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(BenchRunError("\(target): \(error)"))
        context.close(promise: nil)
    }

    private func finish(_ error: BenchRunError?) {
        guard let promise else { return }
        self.promise = nil
        if let error { promise.fail(error) } else { promise.succeed(()) }
    }
}
