import RESP
import RedisCommands
import TestSupport
import Testing

@testable import Relay

/// A session in shared mode: what goes onto the shared connection, when it pins, and when
/// it goes back (``SessionStateMachine/scanSharedRequests(_:at:table:sink:)``, ``SharedPinning``).
@Suite final class SharedSessionTests {
    var machine = SessionStateMachine(connectionID: 9, requestLimits: .requestDefaults, sharedLogin: SharedLogin())
    let sink = RecordingSink()
    var clock: UInt64 = 1_000

    var readsClient: Bool { machine.readsClient }
    var mayUnpin: Bool { machine.mayUnpin }
    var route: SharedPinning.Route? { machine.sharing?.route }
    var pinnedBy: PinReason? { machine.sharing?.pinnedBy }

    init() {
        machine.attachedShared()
    }

    func shared(_ wire: String) -> SessionStateMachine.SharedScan {
        clock += 10
        return Array(wire.utf8).withUnsafeBytes {
            machine.scanSharedRequests($0, at: clock, table: .builtin, sink: sink)
        }
    }

    @discardableResult
    func dedicated(_ wire: String) -> SessionStateMachine.RequestScan {
        clock += 10
        return Array(wire.utf8).withUnsafeBytes { machine.scanRequests($0, at: clock, table: .builtin, sink: sink) }
    }

    func redis(_ wire: String) {
        clock += 10
        _ = Array(wire.utf8).withUnsafeBytes { machine.scanReplies($0, at: clock, sink: sink) }
    }

    static func wire(_ commands: [String]...) -> String {
        commands.map { String(decoding: Frames.command($0), as: UTF8.self) }.joined()
    }

    /// Switches to a dedicated connection once the shared replies are in.
    func lease() {
        let ready = machine.readyToLease()
        #expect(ready)
        let attached = machine.attachedDedicated()
        #expect(attached)
        #expect(route == .dedicated && readsClient)
    }

    @Test func completeFramesGoSharedAndAPartialTailWaits() {
        let wire = Self.wire(["SET", "k", "v"], ["GET", "k"])
        let scan = shared(wire + "*2\r\n$3\r\nGET")
        #expect(scan.completeEnd == wire.utf8.count && scan.frames == 2 && scan.pin == nil)
        let rest = shared("\r\n$1\r\nk\r\n")
        #expect(rest.completeEnd == 9 && rest.frames == 1)
        redis("+OK\r\n$1\r\nv\r\n$1\r\nv\r\n")
        #expect(sink.names == ["SET", "GET", "GET"])
        #expect(route == .shared && readsClient)
    }

    @Test func multiPinsUntilExecAndComesBack() {
        let get = Self.wire(["GET", "a"])
        let scan = shared(get + Self.wire(["MULTI"], ["INCR", "x"]))
        #expect(scan.completeEnd == get.utf8.count && scan.frames == 1 && scan.pin == .transaction)
        #expect(!readsClient && route == .switching && pinnedBy == .transaction)
        let early = machine.readyToLease()
        #expect(!early)  // the GET's reply is still owed on the shared connection
        redis("$-1\r\n")
        lease()
        dedicated(Self.wire(["MULTI"], ["INCR", "x"]))
        redis("+OK\r\n+QUEUED\r\n")
        #expect(!mayUnpin)  // the transaction is open
        dedicated(Self.wire(["EXEC"]))
        #expect(!mayUnpin)
        redis("*1\r\n:1\r\n")
        #expect(mayUnpin)
        let disposal = machine.unpin()
        #expect(disposal == .release && route == .shared && pinnedBy == nil)
        #expect(sink.names == ["GET", "MULTI", "INCR", "EXEC"])
    }

    @Test func watchHoldsUntilUnwatchOrExec() {
        _ = shared(Self.wire(["WATCH", "k"]))
        lease()
        dedicated(Self.wire(["WATCH", "k"]))
        redis("+OK\r\n")
        #expect(!mayUnpin)
        dedicated(Self.wire(["MULTI"], ["SET", "k", "1"], ["EXEC"]))
        redis("+OK\r\n+QUEUED\r\n*-1\r\n")  // a WATCH conflict: still ends the watch
        #expect(mayUnpin)
    }

    @Test func unwatchEndsAWatch() {
        _ = shared(Self.wire(["WATCH", "k"]))
        lease()
        dedicated(Self.wire(["WATCH", "k"], ["UNWATCH"]))
        redis("+OK\r\n+OK\r\n")
        #expect(mayUnpin)
    }

    @Test func subscriptionsHoldUntilAllAreGone() {
        _ = shared(Self.wire(["SUBSCRIBE", "a", "b"]))
        lease()
        dedicated(Self.wire(["SUBSCRIBE", "a", "b"]))
        redis("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n")
        #expect(!mayUnpin)
        dedicated(Self.wire(["UNSUBSCRIBE", "a"]))
        redis("*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n")
        #expect(!mayUnpin)
        dedicated(Self.wire(["UNSUBSCRIBE"]))
        redis("*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:0\r\n")
        #expect(mayUnpin)
    }

    @Test func resetReasonsHoldUntilResetIsAnswered() {
        _ = shared(Self.wire(["CLIENT", "TRACKING", "ON"]))
        #expect(pinnedBy == .tracking)
        lease()
        dedicated(Self.wire(["CLIENT", "TRACKING", "ON"]))
        redis("+OK\r\n")
        #expect(!mayUnpin)
        dedicated(Self.wire(["GET", "k"]))
        redis("$-1\r\n")
        #expect(!mayUnpin)
        dedicated(Self.wire(["RESET"]))
        redis("+RESET\r\n")
        #expect(mayUnpin)
    }

    @Test func aResetPinAfterAResetInThePipelineStillHolds() {
        _ = shared(Self.wire(["SELECT", "1"]))
        lease()
        dedicated(Self.wire(["SELECT", "1"], ["RESET"], ["HELLO", "3"]))
        redis("+OK\r\n+RESET\r\n%1\r\n$6\r\nserver\r\n$5\r\nredis\r\n")
        #expect(!mayUnpin)
    }

    @Test func blockingCommandsPinForTheirReplyOnly() {
        _ = shared(Self.wire(["BLPOP", "q", "0"]))
        #expect(pinnedBy == .blocking)
        lease()
        dedicated(Self.wire(["BLPOP", "q", "0"]))
        #expect(!mayUnpin)
        redis("*2\r\n$1\r\nq\r\n$1\r\nx\r\n")
        #expect(mayUnpin)
    }

    @Test func connectionEndReasonsNeverUnpin() {
        _ = shared(Self.wire(["CLIENT", "NO-EVICT", "ON"]))
        lease()
        dedicated(Self.wire(["CLIENT", "NO-EVICT", "ON"], ["RESET"]))
        redis("+OK\r\n+RESET\r\n")
        #expect(!mayUnpin)
    }

    @Test func malformedInputPinsAndIsNotQueued() {
        let get = Self.wire(["GET", "a"])
        let scan = shared(get + "*1\r\n$x\r\n")
        #expect(scan.completeEnd == get.utf8.count && scan.pin == .malformed && scan.malformed != nil)
        redis("$-1\r\n")
        lease()
        let again = dedicated("*1\r\n$x\r\n")
        #expect(again.malformed != nil)  // found again on the dedicated path: relayed raw
        #expect(!mayUnpin)
    }

    @Test func aLargeRequestPinsForItsReply() {
        let partial = shared("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n")
        #expect(partial.completeEnd == 0 && partial.pin == nil)
        machine.pinLargeRequest()
        #expect(pinnedBy == .largeRequest && !readsClient)
        lease()
        dedicated("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nabc\r\n")
        redis("+OK\r\n")
        #expect(mayUnpin)
    }

    @Test func sharedUpstreamLossClosesTheSession() {
        _ = shared(Self.wire(["GET", "a"]))
        let end = machine.sharedUpstreamEnded(at: clock, sink: sink)
        #expect(end?.owed == 1 && end?.unexpected == true)
        #expect(machine.state == .closing)
    }

    @Test func aPinnedSessionIsNotAffectedBySharedLoss() {
        _ = shared(Self.wire(["MULTI"]))
        lease()
        let end = machine.sharedUpstreamEnded(at: clock, sink: sink)
        #expect(end == nil)
    }

    @Test func quotedInlineCommandsPin() {
        let scan = shared("PING\r\nECHO \"a b\"\r\n")
        #expect(scan.completeEnd == 6 && scan.frames == 1 && scan.pin == .malformed)
    }

    @Test func aProtocolErrorKeepsTheSessionOnItsDedicatedConnection() {
        _ = shared("SET \"unbalanced\r\n")
        lease()
        dedicated("SET \"unbalanced\r\n")
        redis("-ERR Protocol error: unbalanced quotes in request\r\n")
        #expect(!mayUnpin)  // Redis closes that connection next: the client closes with it
    }
}
