import RESP
import RedisCommands
import TestSupport
import Testing

@testable import Relay

/// `CommandEvent.sentNanos`: each request gets the time of the write that carried its last
/// byte upstream, whatever the batching; no socket.
@Suite final class SentTimestampTests {
    var machine = SessionStateMachine(connectionID: 7, requestLimits: .requestDefaults)
    let sink = RecordingSink()
    var clock: UInt64 = 1_000
    /// How often the stamping read the clock.
    var clockReads = 0

    init() {
        let wantsUpstream = machine.wantsUpstream()
        #expect(wantsUpstream)
        machine.attached()
    }

    func client(_ bytes: [UInt8]) {
        clock += 10
        _ = bytes.withUnsafeBytes { machine.scanRequests($0, at: clock, table: .builtin, sink: sink) }
    }

    func redis(_ wire: String) {
        clock += 10
        _ = Array(wire.utf8).withUnsafeBytes { machine.scanReplies($0, at: clock, sink: sink) }
    }

    /// The upstream took the first `offset` relayed bytes, at the clock's next tick.
    func sent(through offset: Int) {
        clock += 10
        machine.upstreamSent(through: UInt64(offset), at: self.readClock())
    }

    func readClock() -> UInt64 {
        clockReads += 1
        return clock
    }

    static func entry(_ id: Int, endingAt offset: UInt64) -> PendingRequest {
        PendingRequest(
            frame: Frames.request(["GET", "k\(id)"]), connectionID: 1, commandID: id, role: .ordinary,
            startNanos: 1, expectedReplies: 1, endOffset: offset)
    }

    @Test func theQueueStampsEachEntryOnceWhenItsLastByteLeft() {
        var queue = PendingQueue(initialCapacity: 2)
        for id in 1...3 { queue.append(Self.entry(id, endingAt: UInt64(id * 10))) }
        var reads = 0
        func at(_ nanos: UInt64) -> UInt64 {
            reads += 1
            return nanos
        }
        queue.stampSent(through: 15, at: at(100))  // the first whole, the second in part
        queue.stampSent(through: 15, at: at(200))  // nothing new: the clock is not read
        queue.stampSent(through: 30, at: at(300))
        #expect(reads == 2)
        var stamps: [UInt64] = []
        while let entry = queue.popFirst() { stamps.append(entry.event.sentNanos) }
        #expect(stamps == [100, 300, 300])
    }

    @Test func stampingFollowsTheHeadAcrossRemovalsAndGrowth() {
        var queue = PendingQueue(initialCapacity: 2)
        queue.append(Self.entry(1, endingAt: 10))
        queue.append(Self.entry(2, endingAt: 20))
        queue.stampSent(through: 10, at: 100)
        queue.dropFirst()  // its reply came
        for id in 3...6 { queue.append(Self.entry(id, endingAt: UInt64(id * 10))) }  // grows, wrapped
        queue.stampSent(through: 40, at: 200)
        queue.dropFirst()
        queue.dropFirst()
        queue.stampSent(through: 60, at: 300)
        var stamps: [UInt64] = []
        while let entry = queue.popFirst() { stamps.append(entry.event.sentNanos) }
        #expect(stamps == [200, 300, 300])
        let sentCount = queue.sentCount
        #expect(sentCount == 0)
    }

    @Test func pipelinedRequestsGetTheWriteThatCompletedEach() throws {
        let get = Frames.command(["GET", "a"])
        let set = Frames.command(["SET", "b", "1"])
        client(get + set)
        let read = clock
        sent(through: get.count + 3)  // a short write: SET's tail waits for EPOLLOUT
        let first = clock
        sent(through: get.count + set.count)
        let second = clock
        redis("$-1\r\n+OK\r\n")
        let events = sink.events
        try #require(events.count == 2)
        #expect(events.map(\.startNanos) == [read, read])
        #expect(events.map(\.sentNanos) == [first, second])
        #expect(events.allSatisfy { $0.upstreamNanos == $0.endNanos - $0.sentNanos && $0.upstreamNanos > 0 })
        #expect(clockReads == 2)
    }

    @Test func aRequestSplitAcrossReadsEndsWhereItsLastReadEnds() {
        let before = Frames.command(["PING"])
        let split = Frames.command(["SET", "key", "value"])
        client(before + split.prefix(5))
        sent(through: before.count + 5)
        let pingSent = clock
        client(Array(split.dropFirst(5)))
        sent(through: before.count + split.count - 1)  // all but the last byte
        sent(through: before.count + split.count)
        let setSent = clock
        redis("+PONG\r\n+OK\r\n")
        #expect(sink.events.map(\.sentNanos) == [pingSent, setSent])
    }

    @Test func queuedCommandsAndExecCarryTheirSendTime() {
        let multi = Frames.command(["MULTI"])
        let incr = Frames.command(["INCR", "n"])
        let exec = Frames.command(["EXEC"])
        client(multi + incr)
        sent(through: multi.count + incr.count)
        let early = clock
        redis("+OK\r\n+QUEUED\r\n")
        client(exec)
        sent(through: multi.count + incr.count + exec.count)
        let late = clock
        redis("*1\r\n:1\r\n")
        let events = sink.events
        #expect(events.map(\.name.text) == ["MULTI", "INCR", "EXEC"])
        #expect(events.map(\.sentNanos) == [early, early, late])
    }

    @Test func aRequestNotSentYetHasNoSendTime() {
        client(Frames.command(["GET", "a"]))
        redis("$-1\r\n")  // (a reply before the write was seen: the stamp is unknown)
        #expect(sink.events.first?.sentNanos == 0)
        #expect(sink.events.first?.upstreamNanos == 0)
    }
}
