import RESP
import RedisCommands
import Testing

@testable import Relay

/// Every transition of the client session, fed wire bytes and events; no socket.
@Suite final class SessionStateMachineTests {
    var machine = SessionStateMachine(connectionID: 7, requestLimits: .requestDefaults)
    let sink = RecordingSink()
    var clock: UInt64 = 1_000

    // The machine is noncopyable, so `#expect` cannot capture it; these read it for them.
    var state: SessionStateMachine.State { machine.state }
    var readsClient: Bool { machine.readsClient }
    var awaitingReplies: Bool { machine.awaitingReplies }

    /// A request of bulk strings, as a client sends it.
    static func request(_ arguments: String...) -> String {
        "*\(arguments.count)\r\n" + arguments.map { "$\($0.utf8.count)\r\n\($0)\r\n" }.joined()
    }

    @discardableResult
    func client(_ wire: String) -> SessionStateMachine.RequestScan {
        clock += 10
        return Array(wire.utf8).withUnsafeBytes { machine.scanRequests($0, at: clock, table: .builtin, sink: sink) }
    }

    @discardableResult
    func redis(_ wire: String) -> SessionStateMachine.ReplyScan {
        clock += 10
        return Array(wire.utf8).withUnsafeBytes { machine.scanReplies($0, at: clock, sink: sink) }
    }

    func active() {
        let result1 = machine.wantsUpstream()
        #expect(result1)
        machine.attached()
        #expect(state == .active && readsClient)
    }

    @Test func poolExhaustedAnswersAsRedisAtMaxClients() {
        let result2 = machine.refused(poolExhausted: true)
        #expect(result2 == .answerMaxClients)
        #expect(state == .closing && !readsClient)
        let result3 = machine.refused(poolExhausted: true)
        #expect(result3 == nil)
        let result4 = machine.closeAfterWrites(outputPending: true)
        #expect(result4 == .whenFlushed)
        let result5 = machine.clientOutputDrained()
        #expect(result5 == .now)
        let result6 = machine.close(at: clock, sink: sink)
        #expect(result6?.upstream == SessionStateMachine.UpstreamDisposal.none)
    }

    @Test func unreachableRedisClosesWithoutAReply() {
        let result7 = machine.refused(poolExhausted: false)
        #expect(result7 == .closeWithoutReply)
        let result8 = machine.wantsUpstream()
        #expect(!result8)
        let result9 = machine.closeAfterWrites(outputPending: false)
        #expect(result9 == .now)
    }

    @Test func shutdownWhileConnectingClosesAtOnceAndRefusesTheLateConnection() {
        let result10 = machine.drain()
        #expect(result10 == .closeNow)
        let result11 = machine.close(at: clock, sink: sink)
        #expect(result11 != nil)
        let result12 = machine.wantsUpstream()
        #expect(!result12)
        let result13 = machine.refused(poolExhausted: false)
        #expect(result13 == nil)
        let result14 = machine.close(at: clock, sink: sink)
        #expect(result14 == nil)
    }

    @Test func aFullUpstreamPausesTheClientUntilItHasRoom() {
        active()
        machine.upstreamFull()
        #expect(!readsClient)
        let result15 = machine.upstreamHasRoom()
        #expect(result15)
        #expect(readsClient)
        let result16 = machine.upstreamHasRoom()
        #expect(!result16)
    }

    @Test func eofWithRepliesOwedPassesItOnAndClosesOnceTheyAreOut() {
        active()
        client(Self.request("GET", "a") + Self.request("GET", "b"))
        let result17 = machine.clientEnded()
        #expect(result17 == .shutdownUpstreamOutput)
        #expect(state == .closing && !readsClient)
        let result18 = machine.clientEnded()
        #expect(result18 == SessionStateMachine.ClientEnd.none)
        #expect(!redis("$-1\r\n").closeAfterWrites)
        #expect(redis("$1\r\nx\r\n").closeAfterWrites)
        let result19 = machine.closeAfterWrites(outputPending: true)
        #expect(result19 == .whenFlushed)
        let result20 = machine.clientOutputDrained()
        #expect(result20 == .now)
        let closed = machine.close(at: clock, sink: sink)
        #expect(closed?.upstream == .discard)  // Redis saw the EOF: not reusable
        #expect(sink.outcomes == [.replied, .replied])
    }

    @Test func eofWithNothingOwedClosesNowAndReleasesTheConnection() {
        active()
        client(Self.request("SET", "k", "v"))
        redis("+OK\r\n")
        let result21 = machine.clientEnded()
        #expect(result21 == .closeNow)
        let result22 = machine.close(at: clock, sink: sink)
        #expect(result22?.upstream == .release)
    }

    @Test func closingWithARepliesOwedDiscardsTheConnectionAndAbortsTheCommand() {
        active()
        client(Self.request("BLPOP", "q", "0"))
        #expect(awaitingReplies)
        let result23 = machine.close(at: clock, sink: sink)
        #expect(result23?.upstream == .discard)
        #expect(sink.outcomes == [.aborted])
    }

    @Test func halfAFrameLeftUnscannedMakesTheConnectionUnsafeToReuse() {
        active()
        client("*2\r\n$3\r\nGET\r\n")
        let result24 = machine.close(at: clock, sink: sink)
        #expect(result24?.upstream == .discard)
    }

    @Test func quitIsAnExpectedClose() {
        active()
        client(Self.request("QUIT"))
        redis("+OK\r\n")
        let result25 = machine.upstreamEnded(at: clock, sink: sink)
        #expect(result25 == .init(owed: 0, unexpected: false))
        #expect(state == .closing)
        let result26 = machine.close(at: clock, sink: sink)
        #expect(result26?.upstream == SessionStateMachine.UpstreamDisposal.none)
    }

    @Test func redisGoingAwayIsCountedWithTheRepliesItOwed() {
        active()
        client(Self.request("GET", "a"))
        let result27 = machine.upstreamEnded(at: clock, sink: sink)
        #expect(result27 == .init(owed: 1, unexpected: true))
        let result28 = machine.upstreamEnded(at: clock, sink: sink)
        #expect(result28 == nil)
        #expect(sink.outcomes == [.aborted])
        let result29 = machine.closeAfterWrites(outputPending: false)
        #expect(result29 == .now)
    }

    @Test func malformedInputIsRelayedRawAndRedisClosingIsExpected() {
        active()
        let scan = client("*1\r\n$x\r\n")
        #expect(scan.malformed != nil)
        let result30 = machine.upstreamReusable
        #expect(!result30)
        // Redis's own protocol error comes back unscanned; the client waits for Redis to close.
        let result31 = machine.clientEnded()
        #expect(result31 == .shutdownUpstreamOutput)
        #expect(!redis("-ERR Protocol error: invalid bulk length\r\n").closeAfterWrites)
        let result32 = machine.upstreamEnded(at: clock, sink: sink)
        #expect(result32?.unexpected == false)
    }

    @Test func syncTurnsTheConnectionIntoACountedRawStream() {
        active()
        let start = client(Self.request("SYNC") + "extra")
        #expect(start.replicationStarted && start.replicationBytes == 5)
        let result33 = machine.replicating
        #expect(result33)
        #expect(client("REPLCONF ACK 0\r\n").replicationBytes == 16)
        #expect(redis("$3\r\nabc").replicationBytes == 7)  // an RDB payload: no trailing CRLF
        let result34 = machine.drain()
        #expect(result34 == .closeNow)  // a stream never ends by itself
        let closed = machine.close(at: clock, sink: sink)
        #expect(closed?.replicationEnded == true && closed?.upstream == .discard)
    }

    @Test func aStreamThatRedisEndsIsUnexpected() {
        active()
        client(Self.request("PSYNC", "?", "-1"))
        let result35 = machine.upstreamEnded(at: clock, sink: sink)
        #expect(result35?.unexpected == true)
    }

    @Test func drainWithNothingOwedClosesAfterWrites() {
        active()
        let result36 = machine.drain()
        #expect(result36 == .closeAfterWrites)
        #expect(!readsClient)
        let result37 = machine.drain()
        #expect(result37 == SessionStateMachine.Drain.none)
        let result38 = machine.close(at: clock, sink: sink)
        #expect(result38?.upstream == .discard)
    }

    @Test func drainWithRepliesOwedWaitsForThem() {
        active()
        client(Self.request("GET", "a"))
        let result39 = machine.drain()
        #expect(result39 == .awaitReplies)
        #expect(redis("$-1\r\n").closeAfterWrites)
        #expect(sink.outcomes == [.replied])
    }

    @Test func anUnparsableReplyAbortsWhatIsOwedAndRelaysTheRestRaw() {
        active()
        client(Self.request("GET", "a"))
        #expect(redis("?what\r\n").unparsable != nil)
        #expect(sink.outcomes == [.aborted])
        #expect(redis("anything").unparsable == nil)
        let result40 = machine.close(at: clock, sink: sink)
        #expect(result40?.upstream == .discard)
    }

    @Test func execRepliesArePairedElementByElement() {
        active()
        client(Self.request("MULTI") + Self.request("SET", "k", "v") + Self.request("GET", "k") + Self.request("EXEC"))
        redis("+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n")
        #expect(awaitingReplies)
        redis("$1\r\nv\r\n")
        #expect(!awaitingReplies)
        #expect(sink.names == ["MULTI", "SET", "GET", "EXEC"])
        #expect(sink.transactions == [.exec])
    }

    @Test func aClosedSessionIgnoresLateReplies() {
        active()
        _ = machine.close(at: clock, sink: sink)
        #expect(redis("+OK\r\n") == SessionStateMachine.ReplyScan())
        let result41 = machine.upstreamEnded(at: clock, sink: sink)
        #expect(result41 == nil)
    }
}
