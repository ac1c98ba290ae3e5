import RESP
import RedisCommands
import TestSupport
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
    var isHandshaking: Bool { machine.isHandshaking }
    var isConnecting: Bool { machine.isConnecting }

    @discardableResult
    func client(_ wire: String) -> SessionStateMachine.RequestScan {
        client(Array(wire.utf8))
    }

    @discardableResult
    func client(_ bytes: [UInt8]) -> SessionStateMachine.RequestScan {
        clock += 10
        return bytes.withUnsafeBytes { machine.scanRequests($0, at: clock, table: .builtin, sink: sink) }
    }

    @discardableResult
    func redis(_ wire: String) -> SessionStateMachine.ReplyScan {
        clock += 10
        return Array(wire.utf8).withUnsafeBytes { machine.scanReplies($0, at: clock, sink: sink) }
    }

    func active() {
        let wantsUpstream = machine.wantsUpstream()
        #expect(wantsUpstream)
        machine.attached()
        #expect(state == .active && readsClient)
    }

    @Test func poolExhaustedAnswersAsRedisAtMaxClients() {
        let refused = machine.refused(poolExhausted: true)
        #expect(refused == .answerMaxClients)
        #expect(state == .closing && !readsClient)
        let refusedAgain = machine.refused(poolExhausted: true)
        #expect(refusedAgain == nil)
        let closeAfterWrites = machine.closeAfterWrites(outputPending: true)
        #expect(closeAfterWrites == .whenFlushed)
        let clientOutputDrained = machine.clientOutputDrained()
        #expect(clientOutputDrained)
        let close = machine.close(at: clock, sink: sink)
        #expect(close?.upstream == SessionStateMachine.UpstreamDisposal.none)
    }

    @Test func unreachableRedisClosesWithoutAReply() {
        let refused = machine.refused(poolExhausted: false)
        #expect(refused == .closeWithoutReply)
        let wantsUpstream = machine.wantsUpstream()
        #expect(!wantsUpstream)
        let closeAfterWrites = machine.closeAfterWrites(outputPending: false)
        #expect(closeAfterWrites == .now)
    }

    @Test func shutdownWhileConnectingClosesAtOnceAndRefusesTheLateConnection() {
        let drain = machine.drain()
        #expect(drain == .closeNow)
        let close = machine.close(at: clock, sink: sink)
        #expect(close != nil)
        let wantsUpstream = machine.wantsUpstream()
        #expect(!wantsUpstream)
        let refused = machine.refused(poolExhausted: false)
        #expect(refused == nil)
        let closeAgain = machine.close(at: clock, sink: sink)
        #expect(closeAgain == nil)
    }

    @Test func aPlaintextSessionHasNoHandshake() {
        #expect(state == .connecting && isConnecting && !isHandshaking)
        let handshakeFinished = machine.handshakeFinished()
        #expect(!handshakeFinished)
        #expect(state == .connecting)
    }

    @Test func aTLSSessionAsksForAConnectionOnlyOnceTheHandshakeSucceeded() {
        machine = SessionStateMachine(connectionID: 7, requestLimits: .requestDefaults, tls: true)
        #expect(state == .handshaking && isHandshaking && !isConnecting)
        #expect(!readsClient)
        let wantsUpstream = machine.wantsUpstream()
        #expect(!wantsUpstream)
        // The pool's answers cannot arrive before it was asked; if they did, they change nothing.
        machine.attached()
        #expect(state == .handshaking)
        let refused = machine.refused(poolExhausted: true)
        #expect(refused == nil)
        #expect(state == .handshaking)

        let handshakeFinished = machine.handshakeFinished()
        #expect(handshakeFinished)
        #expect(state == .connecting && isConnecting && !isHandshaking && !readsClient)
        let handshakeFinishedAgain = machine.handshakeFinished()
        #expect(!handshakeFinishedAgain)
        #expect(state == .connecting)
        active()
        let handshakeFinishedLate = machine.handshakeFinished()
        #expect(!handshakeFinishedLate)
        #expect(state == .active)
    }

    @Test func shutdownDuringTheHandshakeClosesAtOnce() {
        machine = SessionStateMachine(connectionID: 7, requestLimits: .requestDefaults, tls: true)
        let drain = machine.drain()
        #expect(drain == .closeNow)
        let close = machine.close(at: clock, sink: sink)
        #expect(close?.upstream == SessionStateMachine.UpstreamDisposal.none)
        #expect(close?.replicationEnded == false)
        #expect(state == .closed)
        // A handshake that completes after the close does not bring the session back.
        let handshakeFinished = machine.handshakeFinished()
        #expect(!handshakeFinished)
        let wantsUpstream = machine.wantsUpstream()
        #expect(!wantsUpstream)
        #expect(sink.outcomes.isEmpty)
    }

    @Test func aClientLeavingDuringTheHandshakeClosesWithoutAConnection() {
        machine = SessionStateMachine(connectionID: 7, requestLimits: .requestDefaults, tls: true)
        let clientEnded = machine.clientEnded()
        #expect(clientEnded == .closeNow)
        let close = machine.close(at: clock, sink: sink)
        #expect(close?.upstream == SessionStateMachine.UpstreamDisposal.none)
        #expect(!isHandshaking && state == .closed)
        let closeAgain = machine.close(at: clock, sink: sink)
        #expect(closeAgain == nil)
    }

    @Test func aFailedHandshakeClosesWithoutAConnection() {
        machine = SessionStateMachine(connectionID: 7, requestLimits: .requestDefaults, tls: true)
        let close = machine.close(at: clock, sink: sink)
        #expect(close?.upstream == SessionStateMachine.UpstreamDisposal.none)
        let drain = machine.drain()
        #expect(drain == SessionStateMachine.Drain.none)
        let upstreamEnded = machine.upstreamEnded(at: clock, sink: sink)
        #expect(upstreamEnded == nil)
    }

    @Test func aFullUpstreamPausesTheClientUntilItHasRoom() {
        active()
        machine.upstreamFull()
        #expect(!readsClient)
        let upstreamHasRoom = machine.upstreamHasRoom()
        #expect(upstreamHasRoom)
        #expect(readsClient)
        let upstreamHasRoomAgain = machine.upstreamHasRoom()
        #expect(!upstreamHasRoomAgain)
    }

    @Test func eofWithRepliesOwedPassesItOnAndClosesOnceTheyAreOut() {
        active()
        client(Frames.command(["GET", "a"]) + Frames.command(["GET", "b"]))
        let clientEnded = machine.clientEnded()
        #expect(clientEnded == .shutdownUpstreamOutput)
        #expect(state == .closing && !readsClient)
        let clientEndedAgain = machine.clientEnded()
        #expect(clientEndedAgain == SessionStateMachine.ClientEnd.none)
        #expect(!redis("$-1\r\n").closeAfterWrites)
        #expect(redis("$1\r\nx\r\n").closeAfterWrites)
        let closeAfterWrites = machine.closeAfterWrites(outputPending: true)
        #expect(closeAfterWrites == .whenFlushed)
        let clientOutputDrained = machine.clientOutputDrained()
        #expect(clientOutputDrained)
        let closed = machine.close(at: clock, sink: sink)
        #expect(closed?.upstream == .discard)  // Redis saw the EOF: not reusable
        #expect(sink.outcomes == [.replied, .replied])
    }

    @Test func eofWithNothingOwedClosesNowAndReleasesTheConnection() {
        active()
        client(Frames.command(["SET", "k", "v"]))
        redis("+OK\r\n")
        let clientEnded = machine.clientEnded()
        #expect(clientEnded == .closeNow)
        let close = machine.close(at: clock, sink: sink)
        #expect(close?.upstream == .release)
    }

    @Test func closingWithARepliesOwedDiscardsTheConnectionAndAbortsTheCommand() {
        active()
        client(Frames.command(["BLPOP", "q", "0"]))
        #expect(awaitingReplies)
        let close = machine.close(at: clock, sink: sink)
        #expect(close?.upstream == .discard)
        #expect(sink.outcomes == [.aborted])
    }

    @Test func halfAFrameLeftUnscannedMakesTheConnectionUnsafeToReuse() {
        active()
        client("*2\r\n$3\r\nGET\r\n")
        let close = machine.close(at: clock, sink: sink)
        #expect(close?.upstream == .discard)
    }

    @Test func quitIsAnExpectedClose() {
        active()
        client(Frames.command(["QUIT"]))
        redis("+OK\r\n")
        let upstreamEnded = machine.upstreamEnded(at: clock, sink: sink)
        #expect(upstreamEnded == .init(owed: 0, unexpected: false))
        #expect(state == .closing)
        let close = machine.close(at: clock, sink: sink)
        #expect(close?.upstream == SessionStateMachine.UpstreamDisposal.none)
    }

    @Test func redisGoingAwayIsCountedWithTheRepliesItOwed() {
        active()
        client(Frames.command(["GET", "a"]))
        let upstreamEnded = machine.upstreamEnded(at: clock, sink: sink)
        #expect(upstreamEnded == .init(owed: 1, unexpected: true))
        let upstreamEndedAgain = machine.upstreamEnded(at: clock, sink: sink)
        #expect(upstreamEndedAgain == nil)
        #expect(sink.outcomes == [.aborted])
        let closeAfterWrites = machine.closeAfterWrites(outputPending: false)
        #expect(closeAfterWrites == .now)
    }

    @Test func malformedInputIsRelayedRawAndRedisClosingIsExpected() {
        active()
        let scan = client("*1\r\n$x\r\n")
        #expect(scan.malformed != nil)
        let upstreamReusable = machine.upstreamReusable
        #expect(!upstreamReusable)
        // Redis's own protocol error comes back unscanned; the client waits for Redis to close.
        let clientEnded = machine.clientEnded()
        #expect(clientEnded == .shutdownUpstreamOutput)
        #expect(!redis("-ERR Protocol error: invalid bulk length\r\n").closeAfterWrites)
        let upstreamEnded = machine.upstreamEnded(at: clock, sink: sink)
        #expect(upstreamEnded?.unexpected == false)
    }

    @Test func syncTurnsTheConnectionIntoACountedRawStream() {
        active()
        let start = client(Frames.command(["SYNC"]) + Array("extra".utf8))
        #expect(start.replicationStarted && start.replicationBytes == 5)
        let replicating = machine.replicating
        #expect(replicating)
        #expect(client("REPLCONF ACK 0\r\n").replicationBytes == 16)
        #expect(redis("$3\r\nabc").replicationBytes == 7)  // an RDB payload: no trailing CRLF
        let drain = machine.drain()
        #expect(drain == .closeNow)  // a stream never ends by itself
        let closed = machine.close(at: clock, sink: sink)
        #expect(closed?.replicationEnded == true && closed?.upstream == .discard)
    }

    @Test func aStreamThatRedisEndsIsUnexpected() {
        active()
        client(Frames.command(["PSYNC", "?", "-1"]))
        let upstreamEnded = machine.upstreamEnded(at: clock, sink: sink)
        #expect(upstreamEnded?.unexpected == true)
    }

    @Test func drainWithNothingOwedClosesAfterWrites() {
        active()
        let drain = machine.drain()
        #expect(drain == .closeAfterWrites)
        #expect(!readsClient)
        let drainAgain = machine.drain()
        #expect(drainAgain == SessionStateMachine.Drain.none)
        let close = machine.close(at: clock, sink: sink)
        #expect(close?.upstream == .discard)
    }

    @Test func drainWithRepliesOwedWaitsForThem() {
        active()
        client(Frames.command(["GET", "a"]))
        let drain = machine.drain()
        #expect(drain == .awaitReplies)
        #expect(redis("$-1\r\n").closeAfterWrites)
        #expect(sink.outcomes == [.replied])
    }

    @Test func anUnparsableReplyAbortsWhatIsOwedAndRelaysTheRestRaw() {
        active()
        client(Frames.command(["GET", "a"]))
        #expect(redis("?what\r\n").unparsable != nil)
        #expect(sink.outcomes == [.aborted])
        #expect(redis("anything").unparsable == nil)
        let close = machine.close(at: clock, sink: sink)
        #expect(close?.upstream == .discard)
    }

    @Test func execRepliesArePairedElementByElement() {
        active()
        client(
            Frames.command(["MULTI"]) + Frames.command(["SET", "k", "v"]) + Frames.command(["GET", "k"])
                + Frames.command(["EXEC"]))
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
        let upstreamEnded = machine.upstreamEnded(at: clock, sink: sink)
        #expect(upstreamEnded == nil)
    }
}
