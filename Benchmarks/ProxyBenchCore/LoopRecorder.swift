/// The sample of the connections on one event loop; confined to that loop.
final class LoopRecorder {
    var sample = RunSample()

    func reset() { sample = RunSample() }

    @inline(__always)
    func sent(at nanos: UInt64) {
        if nanos < sample.firstSendNanos { sample.firstSendNanos = nanos }
    }

    @inline(__always)
    func replied(latencyNanos: UInt64, at now: UInt64, isError: Bool) {
        sample.requests &+= 1
        if isError { sample.errors &+= 1 }
        _ = sample.latency.record(max(latencyNanos, 1))
        sample.lastReplyNanos = now
    }

    @inline(__always)
    func read(hits: Int, misses: Int) {
        sample.hits &+= hits
        sample.misses &+= misses
    }
}
