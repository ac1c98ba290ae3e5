import RedisCommands
import Testing

@testable import Telemetry

@Suite struct SpanObserverSpans {
    @Test func oneCommandBecomesOneClientSpan() throws {
        let sink = CollectingSink()
        let shard = makeSpanShard(sink)
        shard.record(Events.make(["GET", "user:1"], reply: "$-1\r\n", nanos: 250_000))
        let span = try #require(sink.all.first)
        #expect(sink.all.count == 1)
        #expect(span.name == "GET" && !span.isError && span.parentSpanID == 0 && span.spanID != 0)
        #expect(span.startUnixNanos == 1_700_000_000_000_000_000)
        #expect(span.endUnixNanos == 1_700_000_000_000_250_000)
        #expect(span.string("db.system.name") == "redis")
        #expect(span.string("db.operation.name") == "GET")
        #expect(span.string("db.namespace") == "0")
        #expect(span.string("db.query.text") == "GET user:1")
        #expect(span.string("server.address") == "127.0.0.1")
        #expect(span.attribute("server.port") == .int(6379))
        #expect(span.string("network.peer.address") == "127.0.0.1")
        #expect(span.string("client.address") == "127.0.0.1")
        #expect(span.attribute("client.port") == .int(50000))
        #expect(span.string("redis.command.category") == "read")
        #expect(span.attribute("redis.cache.hit") == .bool(false))
        #expect(span.attribute("redis.response.size") == .int(5))
        #expect(span.attribute("error.type") == nil)
    }

    @Test func containerCommandsAreNamedWithTheirSubcommand() throws {
        let sink = CollectingSink()
        let shard = makeSpanShard(sink)
        shard.record(Events.make(["config", "get", "maxmemory"], reply: "*0\r\n"))
        let span = try #require(sink.all.first)
        #expect(span.name == "CONFIG GET" && span.string("db.query.text") == "CONFIG GET ?")
        #expect(span.attribute("redis.cache.hit") == nil)
    }

    @Test func errorsAreErrorSpansAndKeptAtRatioZero() throws {
        let sink = CollectingSink()
        let shard = makeSpanShard(sink, ratio: 0)
        shard.record(Events.make(["GET", "a"], reply: "$1\r\nx\r\n"))
        #expect(sink.all.isEmpty)
        shard.record(Events.make(["LPUSH", "a", "x"], reply: "-WRONGTYPE Operation against a key\r\n"))
        let span = try #require(sink.all.first)
        #expect(span.isError && span.name == "LPUSH")
        #expect(span.string("db.response.status_code") == "WRONGTYPE" && span.string("error.type") == "WRONGTYPE")
        shard.record(Events.make(["GET", "a"], reply: "", outcome: .aborted))
        #expect(sink.all.count == 2 && sink.all[1].string("error.type") == "connection_closed")
    }

    @Test func slowCommandsAreKeptUnlessKeepSlowIsOff() {
        let sink = CollectingSink()
        makeSpanShard(sink, ratio: 0, slowThresholdNanos: 1_000_000)
            .record(Events.make(["GET", "a"], reply: "$-1\r\n", nanos: 2_000_000))
        #expect(sink.all.count == 1)
        let off = CollectingSink()
        makeSpanShard(off, ratio: 0, keepSlow: false, slowThresholdNanos: 1_000_000)
            .record(Events.make(["GET", "a"], reply: "$-1\r\n", nanos: 2_000_000))
        #expect(off.all.isEmpty)
    }

    @Test func namespaceFollowsSelectAndReset() {
        let sink = CollectingSink()
        let shard = makeSpanShard(sink, database: 2)
        shard.record(Events.make(["GET", "a"], reply: "$-1\r\n"))
        shard.record(Events.make(["SELECT", "5"], reply: "+OK\r\n"))
        shard.record(Events.make(["GET", "a"], reply: "$-1\r\n"))
        shard.record(Events.make(["SELECT", "99"], reply: "-ERR DB index is out of range\r\n"))
        shard.record(Events.make(["GET", "a"], reply: "$-1\r\n"))
        shard.record(Events.make(["RESET"], reply: "+RESET\r\n"))
        shard.record(Events.make(["GET", "a"], reply: "$-1\r\n"))
        #expect(sink.all.map { $0.string("db.namespace")! } == ["2", "2", "5", "5", "5", "5", "0"])
    }

    @Test func queryTextModes() {
        func text(_ mode: QueryTextMode, _ arguments: [String]) -> String? {
            let sink = CollectingSink()
            makeSpanShard(sink, queryText: mode).record(Events.make(arguments, reply: "+OK\r\n"))
            return sink.all.first?.string("db.query.text")
        }
        #expect(text(.none, ["SET", "k", "v"]) == nil)
        #expect(text(.sanitized, ["SET", "k", "v"]) == "SET k ?")
        #expect(text(.sanitized, ["ECHO", "hello"]) == "ECHO ?")
        #expect(text(.full, ["ECHO", "hello"]) == "ECHO hello")
        #expect(text(.full, ["SET", "k", "v", "EX", "10"]) == "SET k ? ? ?")
        #expect(
            text(.full, ["ECHO", String(repeating: "x", count: 40)]) == "ECHO " + String(repeating: "x", count: 32)
                + "…")
        #expect(text(.full, ["CLIENT", "SETNAME", "app"]) == "CLIENT SETNAME ?")
    }
}

@Suite struct SpanSecrets {
    static let password = "s3cr3t-Pa55w0rd"

    static let commands: [[String]] = [
        ["AUTH", password],
        ["AUTH", "app", password],
        ["HELLO", "3", "AUTH", "app", password],
        ["MIGRATE", "127.0.0.1", "6390", "k", "0", "1000", "AUTH", password],
        ["MIGRATE", "127.0.0.1", "6390", "k", "0", "1000", "AUTH2", "app", password],
        ["ACL", "SETUSER", "app", "on", ">" + password, "#" + password],
        ["CONFIG", "SET", "requirepass", password],
        ["CONFIG", "SET", "masterauth", password],
        ["CONFIG", "SET", "tls-key-file-pass", password],
        ["AUTH", password + password + password],
        ["AUHT", password],
    ]

    @Test(arguments: QueryTextMode.allCases)
    func neverAppearInSpans(mode: QueryTextMode) {
        let sink = CollectingSink()
        let shard = makeSpanShard(sink, queryText: mode)
        for command in Self.commands {
            shard.record(Events.make(command, reply: "+OK\r\n"))
            shard.record(Events.make(command, reply: "-WRONGPASS invalid username-password pair\r\n"))
        }
        #expect(sink.all.count == Self.commands.count * 2)
        let json = String(
            decoding: OTLPJSONEncoder.encode(
                sink.all, resource: OTLPResource(attributes: [], scopeName: "t", scopeVersion: "0")),
            as: UTF8.self)
        #expect(!json.contains("s3cr3t"))
        #expect(json.contains("\"AUTH\""))
    }
}

@Suite struct SpanTransactions {
    func transaction(_ shard: MetricsShard, queued: [[String]], end: String = "EXEC", endReply: String = "*0\r\n") {
        shard.record(Events.make(["MULTI"], reply: "+OK\r\n"))
        for command in queued {
            let reply = command == ["NOSUCH"] ? "-ERR unknown command 'NOSUCH'\r\n" : "+QUEUED\r\n"
            shard.record(Events.make(command, reply: reply, queued: true))
        }
        shard.record(Events.make([end], reply: endReply))
    }

    @Test func multiIsTheParentOfItsCommands() throws {
        let sink = CollectingSink()
        let shard = makeSpanShard(sink)
        transaction(shard, queued: [["SET", "a", "1"], ["INCR", "b"]], endReply: "*2\r\n+OK\r\n:1\r\n")
        let spans = sink.all
        #expect(spans.map(\.name) == ["MULTI", "SET", "INCR", "EXEC"])
        let parent = spans[0]
        #expect(parent.parentSpanID == 0 && parent.attribute("db.operation.batch.size") == .int(2))
        #expect(parent.string("redis.command.category") == "transaction")
        for child in spans.dropFirst() {
            #expect(child.parentSpanID == parent.spanID)
            #expect(child.traceIDHigh == parent.traceIDHigh && child.traceIDLow == parent.traceIDLow)
        }
        #expect(Set(spans.map(\.spanID)).count == 4)
    }

    @Test func decidedOnceForTheWholeTransaction() {
        let sink = CollectingSink()
        let shard = makeSpanShard(sink, ratio: 0)
        transaction(shard, queued: [["SET", "a", "1"]])
        #expect(sink.all.isEmpty)
        transaction(shard, queued: [["SET", "a", "1"], ["NOSUCH"]], endReply: "-EXECABORT Transaction discarded\r\n")
        #expect(sink.all.map(\.name) == ["MULTI", "SET", "OTHER", "EXEC"])
        #expect(sink.all[0].isError && sink.all[0].string("error.type") == "EXECABORT")
    }

    @Test func discardEndsItAndTheBufferIsBounded() {
        let sink = CollectingSink()
        let shard = makeSpanShard(sink, maxTransactionCommands: 2)
        transaction(shard, queued: Array(repeating: ["INCR", "n"], count: 5), end: "DISCARD", endReply: "+OK\r\n")
        #expect(sink.all.map(\.name) == ["MULTI", "INCR", "INCR", "DISCARD"])
        #expect(sink.all[0].attribute("db.operation.batch.size") == .int(5))
        shard.record(Events.make(["GET", "a"], reply: "$-1\r\n"))
        #expect(sink.all.last?.parentSpanID == 0)
    }

    @Test func queuedSelectAppliesWhenExecRuns() {
        let sink = CollectingSink()
        let shard = makeSpanShard(sink)
        transaction(shard, queued: [["SELECT", "4"]], endReply: "*1\r\n+OK\r\n")
        shard.record(Events.make(["GET", "a"], reply: "$-1\r\n"))
        #expect(sink.all.last?.string("db.namespace") == "4")
    }
}
