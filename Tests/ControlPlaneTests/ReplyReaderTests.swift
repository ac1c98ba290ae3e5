import ControlPlane
import RESP
import Testing

/// hiredis's `redisReader` fed by hand: every reply type hiredis 0.14 builds, how it
/// becomes a `RESPValue`, and what it refuses. No socket.
@Suite struct ReplyReader {
    @Test(arguments: [
        ("+OK\r\n", RESPValue.string(Array("OK".utf8))),
        ("$5\r\nhello\r\n", .string(Array("hello".utf8))),
        ("$0\r\n\r\n", .string([])),
        ("-ERR unknown command 'X'\r\n", .error("ERR unknown command 'X'")),
        (
            "-NOPERM this user has no permissions to run the 'command' command\r\n",
            .error("NOPERM this user has no permissions to run the 'command' command")
        ),
        (":0\r\n", .integer(0)),
        (":-42\r\n", .integer(-42)),
        (":9223372036854775807\r\n", .integer(.max)),
        ("$-1\r\n", .null),
        ("*-1\r\n", .null),
        ("*0\r\n", .array([])),
        ("*3\r\n:1\r\n$1\r\na\r\n$-1\r\n", .array([.integer(1), .string([0x61]), .null])),
    ])
    func oneReply(wire: String, expected: RESPValue) throws {
        let reader = HiredisReplyReader()
        try reader.feed(Array(wire.utf8))
        #expect(try reader.next() == expected)
        #expect(try reader.next() == nil)
    }

    @Test func bulkStringsAreBinarySafe() throws {
        let payload: [UInt8] = [0x00, 0x0D, 0x0A, 0xFF, 0x24, 0x00]
        let reader = HiredisReplyReader()
        try reader.feed(Array("$6\r\n".utf8) + payload + [0x0D, 0x0A])
        #expect(try reader.next() == .string(payload))
    }

    @Test func nestedArraysKeepTheirShape() throws {
        // A COMMAND entry's shape: name, arity, flags, keys, categories, tips, key specs, subcommands.
        let wire =
            "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
            + "*3\r\n$5\r\n@read\r\n$7\r\n@string\r\n$5\r\n@fast\r\n*0\r\n"
            + "*1\r\n*4\r\n$5\r\nflags\r\n*1\r\n$2\r\nRO\r\n$12\r\nbegin_search\r\n*2\r\n$4\r\ntype\r\n$5\r\nindex\r\n"
            + "*0\r\n"
        let reader = HiredisReplyReader()
        try reader.feed(Array(wire.utf8))
        let value = try #require(try reader.next())
        let entry = try #require(value.elements?.first?.elements)
        #expect(entry.count == 10)
        #expect(entry[0] == .string(Array("get".utf8)))
        #expect(entry[1] == .integer(2))
        #expect(entry[2] == .array([.string(Array("readonly".utf8)), .string(Array("fast".utf8))]))
        #expect(entry[7] == .array([]))
        #expect(entry[8].elements?.first?.elements?[3].elements?[1] == .string(Array("index".utf8)))
        #expect(entry[9] == .array([]))
    }

    @Test func errorsInsideArraysAreValues() throws {
        let reader = HiredisReplyReader()
        try reader.feed(Array("*2\r\n+OK\r\n-WRONGTYPE Operation against a key\r\n".utf8))
        #expect(try reader.next() == .array([.string(Array("OK".utf8)), .error("WRONGTYPE Operation against a key")]))
    }

    @Test func aReplyArrivesInPieces() throws {
        let wire = Array("*2\r\n$11\r\nhello world\r\n:7\r\n".utf8)
        let reader = HiredisReplyReader()
        for byte in wire.dropLast() {
            try reader.feed([byte])
            #expect(try reader.next() == nil)
        }
        try reader.feed([wire.last!])
        #expect(try reader.next() == .array([.string(Array("hello world".utf8)), .integer(7)]))
    }

    @Test func severalRepliesInOneFeedComeOutInOrder() throws {
        let reader = HiredisReplyReader()
        try reader.feed(Array("+OK\r\n:1\r\n$-1\r\n-ERR x\r\n$2\r\nab".utf8))
        #expect(try reader.next() == .string(Array("OK".utf8)))
        #expect(try reader.next() == .integer(1))
        #expect(try reader.next() == .null)
        #expect(try reader.next() == .error("ERR x"))
        #expect(try reader.next() == nil)
        try reader.feed(Array("\r\n".utf8))
        #expect(try reader.next() == .string(Array("ab".utf8)))
    }

    /// hiredis 0.14 reads RESP2 only: each RESP3 type byte is a protocol error, and the
    /// reader stays failed.
    @Test(arguments: [
        "%1\r\n+a\r\n:1\r\n", "~1\r\n:1\r\n", "_\r\n", ",1.5\r\n", "#t\r\n", "(12345\r\n",
        "=7\r\ntxt:abc\r\n", "!3\r\nERR\r\n", ">2\r\n+message\r\n+x\r\n", "|1\r\n+a\r\n+b\r\n+OK\r\n",
    ])
    func resp3IsAProtocolError(wire: String) throws {
        let reader = HiredisReplyReader()
        try reader.feed(Array(wire.utf8))
        let error = #expect(throws: ControlPlaneError.self) { try reader.next() }
        #expect(error?.kind == .protocolError)
        #expect(error?.message.contains("Protocol error, got \"\(wire.first!)\" as reply type byte") == true)
        #expect(throws: ControlPlaneError.self) { try reader.next() }
        #expect(throws: ControlPlaneError.self) { try reader.feed(Array("+OK\r\n".utf8)) }
    }

    @Test func garbageIsAProtocolError() throws {
        let reader = HiredisReplyReader()
        try reader.feed(Array("HTTP/1.1 400 Bad Request\r\n".utf8))
        #expect(throws: ControlPlaneError(.protocolError, "Protocol error, got \"H\" as reply type byte")) {
            try reader.next()
        }
    }

    /// Eight levels of arrays (what Redis 7's `COMMAND` reply needs) read; a ninth does not.
    @Test func nestingBeyondEightArraysIsRefused() throws {
        func nested(_ depth: Int) -> [UInt8] { Array((String(repeating: "*1\r\n", count: depth) + ":1\r\n").utf8) }
        func unwrap(_ value: RESPValue?, _ depth: Int) -> RESPValue? {
            depth == 0 ? value : unwrap(value?.elements?.first, depth - 1)
        }
        let reader = HiredisReplyReader()
        try reader.feed(nested(8))
        #expect(unwrap(try reader.next(), 8) == .integer(1))

        let deep = HiredisReplyReader()
        try deep.feed(nested(9))
        let error = #expect(throws: ControlPlaneError.self) { try deep.next() }
        #expect(error?.kind == .protocolError)
        #expect(error?.message.contains("nested multi bulk") == true)
    }
}
