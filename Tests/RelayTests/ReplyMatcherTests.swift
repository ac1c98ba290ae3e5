import RedisCommands
import TestSupport
import Testing

@testable import Relay

@Suite final class ReplyMatcherTests {
    var matcher = ReplyMatcher()
    let sink = RecordingSink()
    var clock: UInt64 = 1_000

    // The matcher is noncopyable, so `#expect` cannot capture it; these read it for them.
    var awaitingReplies: Bool { matcher.awaitingReplies }
    var isSubscribed: Bool { matcher.isSubscribed }
    var monitoring: Bool { matcher.monitoring }
    var quitAnswered: Bool { matcher.quitAnswered }

    func send(_ arguments: String...) {
        var frame = Frames.request(arguments)
        clock += 10
        _ = matcher.request(&frame, role: CommandRole(request: frame), at: clock, sink: sink)
    }

    @discardableResult
    func receive(_ wire: String) -> ReplyMatcher.ReplyKind {
        clock += 10
        var frame = Frames.reply(wire)
        return matcher.reply(&frame, at: clock, sink: sink)
    }

    @Test func pipelinedRepliesMatchInOrder() {
        send("SET", "k", "v")
        send("GET", "k")
        send("GET", "missing")
        #expect(awaitingReplies)
        receive("+OK\r\n")
        receive("$1\r\nv\r\n")
        receive("$-1\r\n")
        #expect(sink.names == ["SET", "GET", "GET"])
        #expect(sink.events.map(\.replyType) == [.simpleString, .bulkString, .bulkString])
        #expect(sink.events.allSatisfy { $0.endNanos > $0.startNanos && $0.outcome == .replied })
        #expect(!awaitingReplies)
    }

    @Test func errorRepliesCarryTheirPrefix() {
        send("LPUSH", "string-key", "x")
        receive("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")
        send("FOO")
        receive("-SOMETHINGNEW text\r\n")
        #expect(sink.events.map(\.error) == [.wrongtype, .other])
    }

    @Test func mgetReportsNullChildren() {
        send("MGET", "a", "b", "c")
        receive("*3\r\n$1\r\n1\r\n$-1\r\n$-1\r\n")
        #expect(sink.events.first?.replyNullChildren == 2)
        #expect(sink.events.first?.firstArgument.text == "a")
    }

    @Test func subscribeCompletesAfterEveryConfirmation() {
        send("SUBSCRIBE", "a", "b")
        #expect(receive("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n") == .matched)
        #expect(sink.events.isEmpty)
        receive("*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n")
        #expect(sink.names == ["SUBSCRIBE"])
        #expect(isSubscribed)
        // A message while subscribed answers nothing.
        #expect(receive("*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n") == .outOfBand)
        // PING in RESP2 subscribed mode replies with an array.
        send("PING")
        #expect(receive("*2\r\n$4\r\npong\r\n$0\r\n\r\n") == .matched)
        // UNSUBSCRIBE with no channel: one confirmation per subscribed channel.
        send("UNSUBSCRIBE")
        receive("*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n")
        #expect(sink.names == ["SUBSCRIBE", "PING"])
        receive("*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:0\r\n")
        #expect(sink.names == ["SUBSCRIBE", "PING", "UNSUBSCRIBE"])
        #expect(!isSubscribed)
    }

    @Test func unsubscribeWhenNotSubscribedExpectsOneConfirmation() {
        send("UNSUBSCRIBE")
        receive("*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n")
        #expect(sink.names == ["UNSUBSCRIBE"])
    }

    @Test func patternAndChannelCountsAreTrackedApart() {
        send("SUBSCRIBE", "a")
        receive("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n")
        send("PSUBSCRIBE", "p*", "q*")
        receive("*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:2\r\n")
        receive("*3\r\n$10\r\npsubscribe\r\n$2\r\nq*\r\n:3\r\n")
        // PUNSUBSCRIBE with no pattern: two confirmations (two patterns), not three.
        send("PUNSUBSCRIBE")
        receive("*3\r\n$12\r\npunsubscribe\r\n$2\r\np*\r\n:2\r\n")
        receive("*3\r\n$12\r\npunsubscribe\r\n$2\r\nq*\r\n:1\r\n")
        #expect(sink.names == ["SUBSCRIBE", "PSUBSCRIBE", "PUNSUBSCRIBE"])
        #expect(isSubscribed)
    }

    @Test func ordinaryArrayThatLooksLikeAMessageIsAReplyWhenNotSubscribed() {
        send("LRANGE", "list", "0", "-1")
        #expect(receive("*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nb\r\n") == .matched)
        #expect(sink.names == ["LRANGE"])
    }

    @Test func resp3PushesAreOutOfBand() {
        send("HELLO", "3")
        receive("%1\r\n+server\r\n+redis\r\n")
        send("GET", "k")
        #expect(receive(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n") == .outOfBand)
        receive("$1\r\nv\r\n")
        send("SUBSCRIBE", "c")
        #expect(receive(">3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n") == .matched)
        #expect(receive(">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nx\r\n") == .outOfBand)
        send("GET", "k")
        receive("$1\r\nv\r\n")
        #expect(sink.names == ["HELLO", "GET", "SUBSCRIBE", "GET"])
        #expect(sink.events[1].replyType == .bulkString)
    }

    @Test func monitorLinesAreOutOfBand() {
        send("MONITOR")
        receive("+OK\r\n")
        #expect(receive("+1700000000.123456 [0 127.0.0.1:5000] \"get\" \"k\"\r\n") == .outOfBand)
        send("RESET")
        #expect(receive("+RESET\r\n") == .matched)
        #expect(sink.names == ["MONITOR", "RESET"])
        #expect(!monitoring)
    }

    @Test func clientReplyOffSuppressesUntilOn() {
        send("CLIENT", "REPLY", "OFF")
        send("SET", "a", "1")
        #expect(sink.outcomes == [.suppressed, .suppressed])
        send("CLIENT", "REPLY", "ON")
        #expect(awaitingReplies)
        receive("+OK\r\n")
        #expect(sink.outcomes == [.suppressed, .suppressed, .replied])
    }

    @Test func clientReplySkipSuppressesOneCommand() {
        send("GET", "before")
        send("CLIENT", "REPLY", "SKIP")
        send("SET", "a", "1")
        send("GET", "a")
        receive("$-1\r\n")
        // The skip and the skipped SET complete once the reply before them arrived.
        #expect(sink.names == ["GET", "CLIENT", "SET"])
        #expect(sink.outcomes == [.replied, .suppressed, .suppressed])
        receive("$1\r\n1\r\n")
        #expect(sink.names == ["GET", "CLIENT", "SET", "GET"])
    }

    @Test func emptyCommandExpectsNoReply() {
        var frame = Frames.request([] as [String])
        let expectsReply = matcher.request(&frame, role: .ordinary, at: 1, sink: sink)
        #expect(!expectsReply)
        #expect(!awaitingReplies)
    }

    @Test func unmatchedReplyIsReportedNotFatal() {
        #expect(receive("+OK\r\n") == .unmatched)
        send("PING")
        receive("+PONG\r\n")
        #expect(sink.names == ["PING"])
    }

    @Test func abortAllCountsOnlyOwedReplies() {
        send("GET", "a")
        send("CLIENT", "REPLY", "SKIP")
        send("SET", "b", "1")
        send("BLPOP", "q", "0")
        let aborted = matcher.abortAll(at: clock + 1, sink: sink)
        #expect(aborted == 2)
        #expect(sink.outcomes == [.aborted, .suppressed, .suppressed, .aborted])
        #expect(!awaitingReplies)
    }

    @Test func subscribeErrorEndsTheCommand() {
        send("SUBSCRIBE", "a", "b")
        receive("-NOAUTH Authentication required.\r\n")
        send("PING")
        receive("+PONG\r\n")
        #expect(sink.names == ["SUBSCRIBE", "PING"])
        #expect(sink.events.first?.error == .noauth)
    }

    @Test func resetAfterClientReplyOffIsAnswered() {
        send("CLIENT", "REPLY", "OFF")
        send("SET", "a", "1")
        send("RESET")
        send("GET", "a")
        receive("+RESET\r\n")
        receive("$1\r\n1\r\n")
        #expect(sink.names == ["CLIENT", "SET", "RESET", "GET"])
        #expect(sink.outcomes == [.suppressed, .suppressed, .replied, .replied])
        #expect(!awaitingReplies)
    }

    @Test func resetAfterClientReplySkipIsSkipped() {
        send("CLIENT", "REPLY", "SKIP")
        send("RESET")
        send("PING")
        receive("+PONG\r\n")
        #expect(sink.outcomes == [.suppressed, .suppressed, .replied])
    }

    @Test func subscribeConfirmationsArriveEvenWhenRepliesAreOff() {
        send("CLIENT", "REPLY", "OFF")
        send("SUBSCRIBE", "c")
        #expect(awaitingReplies)
        receive("*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n")
        send("CLIENT", "REPLY", "ON")
        receive("+OK\r\n")
        #expect(sink.names == ["CLIENT", "SUBSCRIBE", "CLIENT"])
        #expect(sink.outcomes == [.suppressed, .replied, .replied])
    }

    @Test func quitAnswerIsRemembered() {
        send("PING")
        send("QUIT")
        send("GET", "never-answered")
        receive("+PONG\r\n")
        #expect(!quitAnswered)
        receive("+OK\r\n")
        #expect(quitAnswered)
        let aborted = matcher.abortAll(at: clock, sink: sink)
        #expect(aborted == 1)
    }

    @Test func resetInsideMultiRunsAtOnceAndEndsTheTransaction() {
        // What redis-server 7.0 answers: RESET is not queued, and what follows it is not either.
        send("MULTI")
        send("SET", "a", "1")
        send("RESET")
        send("GET", "a")
        receive("+OK\r\n")
        receive("+QUEUED\r\n")
        receive("+RESET\r\n")
        receive("$-1\r\n")
        #expect(sink.names == ["MULTI", "SET", "RESET", "GET"])
        #expect(sink.events.map(\.queued) == [false, true, false, false])
    }

    @Test func quitInsideMultiRunsAtOnce() {
        send("MULTI")
        send("QUIT")
        receive("+OK\r\n")
        receive("+OK\r\n")
        #expect(sink.events.map(\.queued) == [false, false])
        #expect(quitAnswered)
    }

    @Test func queuedCommandsAreMarked() {
        send("MULTI")
        send("GET", "k")
        send("EXEC")
        receive("+OK\r\n")
        receive("+QUEUED\r\n")
        receive("*1\r\n$-1\r\n")
        #expect(sink.events.map(\.queued) == [false, true, false])
    }
}
