import RESP
import TestSupport
import Testing

@testable import Relay

/// Every row of ``SharedRouting``'s table.
@Suite struct SharedRoutingTests {
    static let plain = SharedLogin()
    static let loggedIn = SharedLogin(user: Array("app".utf8), database: 2)

    func route(_ arguments: String..., login: SharedLogin = Self.plain) -> SharedRoute {
        SharedRouting.classify(Frames.request(arguments), login: login)
    }

    @Test func ordinaryCommandsAreShared() {
        for command in [
            ["GET", "k"], ["SET", "k", "v"], ["EVAL", "return 1", "0"], ["FCALL", "f", "0"], ["PING"],
            ["INFO"], ["UNWATCH"], ["EXEC"], ["DISCARD"], ["CLIENT", "SETINFO", "LIB-NAME", "x"],
            ["CLIENT", "REPLY", "ON"], ["SCRIPT", "LOAD", "return 1"], ["FUNCTION", "LIST"], ["DEL", "k"],
        ] {
            #expect(SharedRouting.classify(Frames.request(command), login: Self.plain) == .shared, "\(command)")
        }
    }

    @Test func statefulCommandsPin() {
        let table: [([String], SharedRoute)] = [
            (["MULTI"], .pin(.transaction, .unwound)),
            (["WATCH", "k"], .pin(.watch, .unwound)),
            (["SUBSCRIBE", "c"], .pin(.subscribe, .unwound)),
            (["PSUBSCRIBE", "c*"], .pin(.subscribe, .unwound)),
            (["SSUBSCRIBE", "c"], .pin(.subscribe, .unwound)),
            (["UNSUBSCRIBE"], .pin(.subscribe, .reply)),
            (["PUNSUBSCRIBE"], .pin(.subscribe, .reply)),
            (["SUNSUBSCRIBE", "c"], .pin(.subscribe, .reply)),
            (["WAIT", "1", "0"], .pin(.blocking, .reset)),
            (["WAITAOF", "1", "0", "0"], .pin(.blocking, .reset)),
            (["MONITOR"], .pin(.monitor, .connectionEnd)),
            (["SYNC"], .pin(.replication, .connectionEnd)),
            (["PSYNC", "?", "-1"], .pin(.replication, .connectionEnd)),
            (["REPLCONF", "listening-port", "1"], .pin(.replication, .connectionEnd)),
            (["CLIENT", "REPLY", "OFF"], .pin(.clientReply, .reset)),
            (["client", "reply", "skip"], .pin(.clientReply, .reset)),
            (["CLIENT", "TRACKING", "ON"], .pin(.tracking, .reset)),
            (["CLIENT", "CACHING", "YES"], .pin(.tracking, .reset)),
            (["CLIENT", "GETREDIR"], .pin(.tracking, .reset)),
            (["CLIENT", "TRACKINGINFO"], .pin(.tracking, .reset)),
            (["CLIENT", "NO-EVICT", "ON"], .pin(.client, .connectionEnd)),
            (["CLIENT", "NO-TOUCH", "ON"], .pin(.client, .connectionEnd)),
            (["CLIENT", "PAUSE", "10"], .pin(.pause, .reset)),
            (["CLIENT", "UNPAUSE"], .pin(.pause, .reply)),
            (["CLIENT", "ID"], .pin(.client, .reset)),
            (["CLIENT", "INFO"], .pin(.client, .reset)),
            (["CLIENT", "GETNAME"], .pin(.client, .reset)),
            (["CLIENT", "SETNAME", "n"], .pin(.client, .reset)),
            (["CLIENT", "LIST"], .pin(.client, .reset)),
            (["CLIENT", "KILL", "ID", "1"], .pin(.client, .reset)),
            (["CLIENT", "UNBLOCK", "1"], .pin(.client, .reset)),
            (["CLIENT", "WHATEVER"], .pin(.client, .reset)),
            (["HELLO"], .pin(.protocol, .reset)),
            (["HELLO", "3"], .pin(.protocol, .reset)),
            (["AUTH", "pw"], .pin(.auth, .reset)),
            (["SELECT", "1"], .pin(.database, .reset)),
            (["RESET"], .pin(.reset, .reply)),
            (["QUIT"], .pin(.quit, .connectionEnd)),
            (["SCRIPT", "KILL"], .pin(.scriptKill, .reply)),
            (["FUNCTION", "KILL"], .pin(.scriptKill, .reply)),
        ]
        for (command, expected) in table {
            #expect(SharedRouting.classify(Frames.request(command), login: Self.plain) == expected, "\(command)")
        }
        for name in [
            "BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "XREAD",
            "XREADGROUP",
        ] {
            #expect(route(name, "k", "0") == .pin(.blocking, .reply), "\(name)")
        }
        // Options come before STREAMS: only `XREAD STREAMS ...` is known not to block.
        #expect(route("XREAD", "streams", "k", "0") == .shared)
        #expect(route("XREAD", "BLOCK", "0", "STREAMS", "k", "0") == .pin(.blocking, .reply))
        #expect(route("XREAD", "COUNT", "1", "STREAMS", "k", "0") == .pin(.blocking, .reply))
        #expect(route("XREADGROUP", "GROUP", "g", "c", "STREAMS", "k", ">") == .pin(.blocking, .reply))
    }

    @Test func selectIsSharedOnlyForTheSharedDatabase() {
        #expect(route("SELECT", "0") == .shared)
        #expect(route("SELECT", "00") == .pin(.database, .reset))
        #expect(route("SELECT", "-0") == .pin(.database, .reset))
        #expect(route("SELECT", "2", login: Self.loggedIn) == .shared)
        #expect(route("SELECT", "0", login: Self.loggedIn) == .pin(.database, .reset))
        #expect(route("SELECT") == .pin(.database, .reset))
    }

    @Test func authIsSharedOnlyAsTheSharedConnectionsUser() {
        #expect(route("AUTH", "app", "pw", login: Self.loggedIn) == .shared)
        #expect(route("AUTH", "other", "pw", login: Self.loggedIn) == .pin(.auth, .reset))
        #expect(route("AUTH", "pw", login: Self.loggedIn) == .pin(.auth, .reset))
        let asDefault = SharedLogin(user: Array("default".utf8))
        #expect(route("AUTH", "pw", login: asDefault) == .shared)
        #expect(route("AUTH", "default", "pw", login: asDefault) == .shared)
        #expect(route("AUTH", "default", "pw") == .pin(.auth, .reset))
    }

    @Test func reasonLabelsAreSnakeCaseAndIndexed() {
        #expect(PinReason.allCases.map(\.index) == Array(0..<PinReason.allCases.count))
        #expect(PinReason.clientReply.rawValue == "client_reply")
        #expect(PinReason.largeRequest.rawValue == "large_request")
        #expect(PinReason.scriptKill.rawValue == "script_kill")
    }
}

/// ``ReplyRouter``: the FIFO of one shared connection, fed wire bytes.
@Suite struct ReplyRouterTests {
    /// Routes `chunks` and returns, per slot, the bytes it was given (nil: dropped).
    static func route(_ router: inout ReplyRouter, _ chunks: [String]) -> [(Int?, String, Bool)] {
        var pieces: [(Int?, String, Bool)] = []
        for chunk in chunks {
            let bytes = Array(chunk.utf8)
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while let piece = try? router.next(buffer, offset: &offset) {
                    let text = String(decoding: buffer[piece.range], as: UTF8.self)
                    pieces.append((piece.slot, text, piece.endsFrame))
                }
            }
        }
        return pieces
    }

    @Test func repliesGoToTheirSessionsInOrder() {
        var router = ReplyRouter()
        router.append(slot: 1, frames: 2)
        router.append(slot: 2, frames: 1)
        router.append(slot: 1, frames: 1)
        #expect(router.owed(to: 1) == 3 && router.owed(to: 2) == 1)
        let pieces = Self.route(&router, ["+OK\r\n$1\r\na\r\n:3\r\n", "-ERR x\r\n"])
        #expect(pieces.map(\.0) == [1, 1, 2, 1])
        #expect(pieces.map(\.1) == ["+OK\r\n", "$1\r\na\r\n", ":3\r\n", "-ERR x\r\n"])
        #expect(router.isEmpty)
    }

    @Test func theTailEntryGrowsForTheSameSession() {
        var router = ReplyRouter()
        router.append(slot: 4, frames: 1)
        router.append(slot: 4, frames: 2)
        #expect(router.owedFrames == 3 && router.owed(to: 4) == 3)
    }

    @Test func framesSplitAcrossReadsStreamToTheHead() {
        var router = ReplyRouter()
        router.append(slot: 1, frames: 1)
        router.append(slot: 2, frames: 1)
        let pieces = Self.route(&router, ["*2\r\n$3\r\nab", "c\r\n$1\r\nd\r\n+O", "K\r\n"])
        #expect(pieces.map(\.0) == [1, 1, 2, 2])
        #expect(pieces.map(\.2) == [false, true, false, true])
        #expect(pieces.map(\.1).joined() == "*2\r\n$3\r\nabc\r\n$1\r\nd\r\n+OK\r\n")
    }

    @Test func goneSessionsRepliesAreDropped() {
        var router = ReplyRouter()
        router.append(slot: 1, frames: 1)
        router.append(slot: 2, frames: 1)
        router.append(slot: 1, frames: 1)
        router.markGone(slot: 1)
        let pieces = Self.route(&router, ["+a\r\n+b\r\n+c\r\n"])
        #expect(pieces.map(\.0) == [nil, 2, nil])
        #expect(router.isEmpty)
        // The slot may be reused at once: older entries stay gone.
        router.append(slot: 1, frames: 1)
        #expect(Self.route(&router, ["+d\r\n"]).map(\.0) == [1])
    }

    @Test func aReplyNobodyAskedForIsReported() {
        var router = ReplyRouter()
        let bytes = Array("+OK\r\n".utf8)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            let piece = try? router.next(buffer, offset: &offset)
            #expect(piece?.unowed == true)
        }
    }

    @Test func manyEntriesKeepTheQueueCompact() {
        var router = ReplyRouter()
        for round in 0..<1_000 {
            router.append(slot: round % 3, frames: 1)
            router.append(slot: (round + 1) % 3, frames: 1)
            _ = Self.route(&router, ["+OK\r\n"])
        }
        #expect(router.owedFrames == 1_000)
    }
}
