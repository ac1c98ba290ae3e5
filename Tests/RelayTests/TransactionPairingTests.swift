import RESP
import RedisCommands
import TestSupport
import Testing

@testable import Relay

/// `EXEC`'s reply paired element by element with the commands queued in `MULTI`, fed as
/// bytes the way ``ProxySession`` feeds them (the scanner, and the splitter for `EXEC`).
@Suite final class TransactionPairingTests {
    var matcher = ReplyMatcher()
    let sink = RecordingSink()
    var scanner = RESPScanner(mode: .reply)
    var splitter = RESPAggregateSplitter()
    var clock: UInt64 = 1_000

    // The matcher is noncopyable, so `#expect` cannot capture it.
    var awaitingReplies: Bool { matcher.awaitingReplies }

    func send(_ arguments: String...) {
        var frame = Frames.request(arguments)
        clock += 10
        _ = matcher.request(&frame, role: CommandRole(request: frame), at: clock, sink: sink)
    }

    /// Feeds reply bytes in the pieces given, as reads from the upstream.
    func receive(_ pieces: [[UInt8]]) throws {
        for piece in pieces {
            clock += 10
            try piece.withUnsafeBytes { bytes in
                var offset = 0
                var frame = RESPFrame()
                while offset < bytes.count {
                    if matcher.expectsExecElements {
                        switch try splitter.next(bytes, offset: &offset, into: &frame) {
                        case .needMore: return
                        case .header: matcher.execHeader(&frame, at: clock, sink: sink); continue
                        case .element: matcher.execElement(&frame, at: clock, sink: sink); continue
                        case .notAnArray: break
                        }
                    }
                    guard try scanner.next(bytes, offset: &offset, into: &frame) else { return }
                    _ = matcher.reply(&frame, at: clock, sink: sink)
                }
            }
        }
    }

    func receive(_ wire: String) throws { try receive([Array(wire.utf8)]) }

    func hitsAndMisses(_ event: CommandEvent) -> [Int] {
        let rule = HitRule(label: event.name.text.lowercased())
        let (hits, misses) = rule.count(event)
        return [hits, misses]
    }

    @Test func execElementsGoToTheirCommands() throws {
        send("MULTI")
        send("GET", "hit")
        send("GET", "miss")
        send("MGET", "hit", "miss")
        send("EXISTS", "hit", "hit", "miss")
        send("HGET", "hit", "f")
        send("EXEC")
        try receive("+OK\r\n" + String(repeating: "+QUEUED\r\n", count: 5))
        #expect(sink.names == ["MULTI"], "queued commands wait for EXEC")
        try receive(
            "*5\r\n$1\r\nv\r\n$-1\r\n*2\r\n$1\r\nv\r\n$-1\r\n:2\r\n"
                + "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")
        #expect(sink.names == ["MULTI", "GET", "GET", "MGET", "EXISTS", "HGET", "EXEC"])
        #expect(sink.outcomes.allSatisfy { $0 == .replied })
        let queued = Array(sink.events[1...5])
        #expect(queued.allSatisfy { $0.queued })
        #expect(queued.map(hitsAndMisses) == [[1, 0], [0, 1], [1, 1], [2, 1], [1, 0]])  // WRONGTYPE: found
        #expect(queued.map(\.error) == [nil, nil, nil, nil, .wrongtype])
        #expect(queued.map(\.replyBytes) == [7, 5, 16, 4, 68])
        // A queued command's duration runs to its +QUEUED; the transaction's to EXEC's reply.
        #expect(queued.allSatisfy { $0.endNanos == 1_080 })
        let exec = sink.events[6]
        #expect(exec.replyType == .array && exec.replyCount == 5 && exec.error == nil)
        #expect(exec.replyBytes == 4 + queued.map(\.replyBytes).reduce(0, +))
        #expect(sink.transactions == [.exec])
        #expect(sink.transactionNanos == [1_090 - 1_010])
        #expect(!awaitingReplies)
    }

    @Test func watchConflictRunsNothing() throws {
        send("WATCH", "k")
        send("MULTI")
        send("GET", "k")
        send("EXEC")
        try receive("+OK\r\n+OK\r\n+QUEUED\r\n*-1\r\n")
        #expect(sink.names == ["WATCH", "MULTI", "GET", "EXEC"])
        #expect(sink.outcomes == [.replied, .replied, .discarded, .replied])
        #expect(sink.events[3].replyIsNull)
        #expect(sink.transactions == [.watchConflict])
    }

    @Test func resp3NullExecIsAWatchConflict() throws {
        send("MULTI")
        send("GET", "k")
        send("EXEC")
        try receive("+OK\r\n+QUEUED\r\n_\r\n")
        #expect(sink.outcomes == [.replied, .discarded, .replied])
        #expect(sink.transactions == [.watchConflict])
    }

    @Test func queueTimeErrorIsCountedAtOnceAndAbortsTheRest() throws {
        send("MULTI")
        send("SET", "k", "v")
        send("GET")
        send("EXEC")
        try receive("+OK\r\n+QUEUED\r\n-ERR wrong number of arguments for 'get' command\r\n")
        #expect(sink.names == ["MULTI", "GET"])
        #expect(sink.events[1].error == .err && sink.events[1].outcome == .replied)
        try receive("-EXECABORT Transaction discarded because of previous errors.\r\n")
        #expect(sink.names == ["MULTI", "GET", "SET", "EXEC"])
        #expect(sink.outcomes == [.replied, .replied, .discarded, .replied])
        #expect(sink.events[3].error == .execabort)
        #expect(sink.transactions == [.abort])
    }

    @Test func discardAndResetDropTheQueue() throws {
        send("MULTI")
        send("INCR", "n")
        send("DISCARD")
        send("MULTI")
        send("INCR", "n")
        send("RESET")
        try receive("+OK\r\n+QUEUED\r\n+OK\r\n+OK\r\n+QUEUED\r\n+RESET\r\n")
        #expect(sink.names == ["MULTI", "INCR", "DISCARD", "MULTI", "INCR", "RESET"])
        #expect(sink.outcomes == [.replied, .discarded, .replied, .replied, .discarded, .replied])
        #expect(sink.transactions == [.discard, .discard])
    }

    @Test func clientReplyInsideMultiIsQueuedNotApplied() throws {
        send("MULTI")
        send("CLIENT", "REPLY", "OFF")
        send("EXEC")
        try receive("+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n")
        #expect(sink.outcomes == [.replied, .replied, .replied])
        #expect(sink.transactions == [.exec])
    }

    @Test func execWithoutMultiIsNoTransaction() throws {
        send("EXEC")
        try receive("-ERR EXEC without MULTI\r\n")
        #expect(sink.names == ["EXEC"] && sink.events[0].error == .err)
        #expect(sink.transactions.isEmpty)
        #expect(!awaitingReplies)
    }

    @Test func nestedRepliesAndPushesAroundExec() throws {
        send("HELLO", "3")
        send("MULTI")
        send("HGETALL", "h")
        send("SMEMBERS", "s")
        send("LRANGE", "l", "0", "-1")
        send("GET", "missing")
        send("EXEC")
        try receive("%1\r\n$5\r\nproto\r\n:3\r\n+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n")
        // An invalidation push before EXEC's reply is out of band, not an element.
        try receive(
            ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n"
                + "*4\r\n%2\r\n$1\r\na\r\n*2\r\n:1\r\n:2\r\n$1\r\nb\r\n_\r\n~1\r\n$1\r\nx\r\n*0\r\n_\r\n")
        #expect(sink.names == ["HELLO", "MULTI", "HGETALL", "SMEMBERS", "LRANGE", "GET", "EXEC"])
        #expect(sink.events[2...5].map(\.replyType) == [.map, .set, .array, .null])
        #expect(hitsAndMisses(sink.events[5]) == [0, 1])
        #expect(sink.transactions == [.exec])
    }

    /// A 10,000-command transaction whose replies arrive one byte per read, and a smaller
    /// one cut into two reads at every byte boundary: the same events every time.
    @Test func splitAtEveryByteBoundary() throws {
        func run(commands: Int, pieces: ([UInt8]) -> [[UInt8]]) throws -> [String] {
            let test = TransactionPairingTests()
            test.send("MULTI")
            for index in 0..<commands { test.send("GET", "k\(index)") }
            test.send("EXEC")
            var wire = "+OK\r\n" + String(repeating: "+QUEUED\r\n", count: commands) + "*\(commands)\r\n"
            for index in 0..<commands { wire += index % 3 == 0 ? "$-1\r\n" : "$2\r\nv\(index % 10)\r\n" }
            try test.receive(pieces(Array(wire.utf8)))
            #expect(test.sink.transactions == [.exec])
            return test.sink.events.map { "\($0.name.text) \($0.outcome) \(test.hitsAndMisses($0)) \($0.replyBytes)" }
        }
        let whole = try run(commands: 10_000) { [$0] }
        #expect(whole.count == 10_002)
        let byteByByte = try run(commands: 10_000) { bytes in bytes.map { [$0] } }
        #expect(byteByByte == whole)
        let small = try run(commands: 7) { [$0] }
        let length = ("+OK\r\n" + String(repeating: "+QUEUED\r\n", count: 7)).utf8.count + 3 + 7 * 7
        for cut in 1..<length {
            let events = try run(commands: 7) { bytes in [Array(bytes[..<cut]), Array(bytes[cut...])] }
            #expect(events == small, "cut at \(cut)")
        }
    }
}
