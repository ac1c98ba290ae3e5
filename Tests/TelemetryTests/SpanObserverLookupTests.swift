import RedisCommands
import Testing

@testable import Telemetry

/// The observer looks a command's connection up only while some connection has a `MULTI`
/// open (or the command opens one, changes the database, or is kept): whatever skips the
/// lookup, every command still lands in its own connection's transaction and database.
@Suite struct SpanObserverLookup {
    private func observer(_ sink: CollectingSink) -> SpanObserver {
        var spans = SpanConfiguration()
        spans.sampleRatio = 1
        let observer = SpanObserver(configuration: spans, sink: sink, seed: 7)
        observer.connectionOpened(id: 1, address: "127.0.0.1:50001")
        observer.connectionOpened(id: 2, address: "127.0.0.1:50002")
        return observer
    }

    private func send(_ observer: SpanObserver, _ arguments: [String], _ reply: String, on connection: UInt64) {
        let event = Events.make(arguments, reply: reply, connection: connection, queued: reply == "+QUEUED\r\n")
        let descriptor = CommandTable.builtin.commands[event.commandID]
        observer.observe(
            event,
            summary: CommandSummary(
                label: descriptor.label, category: descriptor.category, firstArgumentIsKey: descriptor.firstKey == 1,
                hits: 0, misses: 0, hasHitRule: false, slow: false))
    }

    @Test func anotherConnectionsCommandsStayOutOfATransaction() {
        let sink = CollectingSink()
        let observer = observer(sink)
        send(observer, ["MULTI"], "+OK\r\n", on: 1)
        #expect(observer.openTransactions == 1)
        send(observer, ["SELECT", "3"], "+OK\r\n", on: 2)
        send(observer, ["GET", "a"], "$-1\r\n", on: 2)
        send(observer, ["INCR", "n"], "+QUEUED\r\n", on: 1)
        send(observer, ["GET", "b"], "$-1\r\n", on: 2)
        send(observer, ["EXEC"], "*1\r\n:1\r\n", on: 1)
        #expect(observer.openTransactions == 0)
        let spans = sink.all
        #expect(spans.map(\.name) == ["SELECT", "GET", "GET", "MULTI", "INCR", "EXEC"])
        #expect(spans.prefix(3).allSatisfy { $0.parentSpanID == 0 && $0.attribute("client.port") == .int(50002) })
        #expect(spans.prefix(3).map { $0.string("db.namespace") } == ["0", "3", "3"])
        #expect(spans.suffix(2).allSatisfy { $0.parentSpanID == spans[3].spanID })
        // Database changes are followed while no transaction is open (no lookup otherwise).
        send(observer, ["GET", "c"], "$-1\r\n", on: 2)
        #expect(sink.all.last?.string("db.namespace") == "3")
    }

    @Test func aTransactionEndsWithItsConnection() {
        let sink = CollectingSink()
        let observer = observer(sink)
        send(observer, ["MULTI"], "+OK\r\n", on: 2)
        send(observer, ["INCR", "n"], "+QUEUED\r\n", on: 2)
        observer.connectionClosed(id: 2)
        #expect(observer.openTransactions == 0)
        send(observer, ["MULTI"], "+OK\r\n", on: 1)
        observer.connectionOpened(id: 1, address: "127.0.0.1:50003")  // the id reused: a new connection
        #expect(observer.openTransactions == 0)
        send(observer, ["GET", "a"], "$-1\r\n", on: 1)
        #expect(sink.all.map(\.name) == ["GET"])
        #expect(sink.all.first?.parentSpanID == 0 && sink.all.first?.attribute("client.port") == .int(50003))
    }
}
