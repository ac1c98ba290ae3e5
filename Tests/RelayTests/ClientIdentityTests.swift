import RESP
import RedisCommands
import TestSupport
import Testing

@testable import Relay

/// The session reports a connection's name and library once Redis accepted them, and
/// only then; no socket.
@Suite final class ClientIdentityTests {
    var machine = SessionStateMachine(connectionID: 7, requestLimits: .requestDefaults)
    let sink = RecordingSink()
    var clock: UInt64 = 1_000

    init() {
        _ = machine.wantsUpstream()
        machine.attached()
    }

    static func wire(_ arguments: [String]) -> [UInt8] {
        var bytes = Array("*\(arguments.count)\r\n".utf8)
        for argument in arguments { bytes += Array("$\(argument.utf8.count)\r\n\(argument)\r\n".utf8) }
        return bytes
    }

    func client(_ arguments: [String]) { client(Self.wire(arguments)) }

    func client(_ bytes: [UInt8]) {
        clock += 10
        _ = bytes.withUnsafeBytes { machine.scanRequests($0, at: clock, table: .builtin, sink: sink) }
    }

    func redis(_ wire: String) {
        clock += 10
        _ = Array(wire.utf8).withUnsafeBytes { machine.scanReplies($0, at: clock, sink: sink) }
    }

    var changes: [ClientIdentityChange] { sink.identities.map(\.change) }
    static func name(_ text: String) -> ClientIdentityChange { .name(ClientText(Array(text.utf8))) }

    @Test func setNameAcceptedNamesTheConnectionAfterItsOwnEvent() {
        client(["CLIENT", "SETNAME", "web"])
        #expect(changes.isEmpty, "nothing before Redis answers")
        redis("+OK\r\n")
        #expect(changes == [Self.name("web")])
        #expect(sink.identities.first?.id == 7 && sink.identities.first?.afterEvents == 1)
    }

    @Test func setNameRefusedChangesNothing() {
        client(["CLIENT", "SETNAME", "bad name"])
        redis("-ERR Client names cannot contain spaces, newlines or special characters.\r\n")
        #expect(changes.isEmpty)
        #expect(sink.count == 1)
    }

    @Test func anEmptyNameClearsIt() {
        client(["CLIENT", "SETNAME", ""])
        redis("+OK\r\n")
        #expect(changes == [Self.name("")])
    }

    @Test func resetClearsANameAndOnlyThen() {
        client(["RESET"])
        redis("+RESET\r\n")
        #expect(changes.isEmpty, "no name to clear")
        client(["CLIENT", "SETNAME", "web"])
        client(["RESET"])
        redis("+OK\r\n+RESET\r\n")
        #expect(changes == [Self.name("web"), Self.name("")])
    }

    @Test func helloSetNameSkipsTheCredentials() {
        client(["HELLO", "3", "AUTH", "default", "SETNAME", "SETNAME", "app"])
        redis("%1\r\n$6\r\nserver\r\n$5\r\nredis\r\n")
        #expect(changes == [Self.name("app")])
        client(["HELLO", "3", "AUTH", "default", "SETNAME"])
        redis("-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        #expect(changes.count == 1)
    }

    @Test func helloRefusedChangesNothing() {
        client(["HELLO", "4", "SETNAME", "app"])
        redis("-NOPROTO unsupported protocol version\r\n")
        #expect(changes.isEmpty)
    }

    @Test func setInfoNamesTheLibraryAndTheConnectionIsNotReused() {
        client(["CLIENT", "SETINFO", "LIB-NAME", "redis-py"])
        client(["client", "setinfo", "lib-ver", "5.2.1"])
        redis("+OK\r\n+OK\r\n")
        #expect(
            changes == [
                .libraryName(ClientText(Array("redis-py".utf8))), .libraryVersion(ClientText(Array("5.2.1".utf8))),
            ])
        let close = machine.close(at: clock, sink: sink)
        #expect(close?.upstream == .discard)
    }

    @Test func longNamesKeepTheirFirst64Bytes() {
        let long = String(repeating: "n", count: 100)
        client(["CLIENT", "SETNAME", long])
        redis("+OK\r\n")
        guard case .name(let text) = changes.first else {
            Issue.record("no name")
            return
        }
        #expect(text.bytes.count == 64 && text.totalLength == 100 && text.isTruncated)
    }

    @Test func aNameSplitAcrossReadsFallsBackToTheHead() {
        let bytes = Self.wire(["CLIENT", "SETNAME", String(repeating: "x", count: 40)])
        client(Array(bytes[..<20]))
        client(Array(bytes[20...]))
        redis("+OK\r\n")
        guard case .name(let text) = changes.first else {
            Issue.record("no name")
            return
        }
        #expect(text.bytes == Array(repeating: UInt8(ascii: "x"), count: ByteHead.capacity) && text.totalLength == 40)
    }

    @Test func inlineSetName() {
        client(Array("CLIENT SETNAME inline\r\n".utf8))
        redis("+OK\r\n")
        #expect(changes == [Self.name("inline")])
    }

    @Test func pipelinedNamesPairWithTheirReplies() {
        client(
            Self.wire(["CLIENT", "SETNAME", "a"]) + Self.wire(["GET", "k"]) + Self.wire(["CLIENT", "SETNAME", "b c"]))
        client(["CLIENT", "SETNAME", "d"])
        redis("+OK\r\n$-1\r\n-ERR spaces\r\n+OK\r\n")
        #expect(changes == [Self.name("a"), Self.name("d")])
        #expect(sink.identities.map(\.afterEvents) == [1, 4])
    }

    @Test func aNameInsideMultiIsNotTracked() {
        client(["MULTI"])
        client(["CLIENT", "SETNAME", "queued"])
        client(["EXEC"])
        client(["CLIENT", "SETNAME", "after"])
        redis("+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n+OK\r\n")
        #expect(changes == [Self.name("after")])
    }

    @Test func aNameWithItsReplySwitchedOffIsNotTracked() {
        client(["CLIENT", "REPLY", "SKIP"])
        client(["CLIENT", "SETNAME", "skipped"])
        client(["CLIENT", "SETNAME", "seen"])
        redis("+OK\r\n")
        #expect(changes == [Self.name("seen")])
    }
}
