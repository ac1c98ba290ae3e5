import RedisCommands
import Telemetry

/// A fixed traffic sample for the exposition golden tests.
enum GoldenFixture {
    /// A shard of a hub with key prefixes (depth 1) after the sample traffic, rendered.
    static func render(openMetrics: Bool) -> String {
        let hub = makeHub(prefixes: prefixSettings())
        let shard = hub.makeShard()
        shard.connectionOpened(id: 1, address: "10.0.0.1:5000")
        shard.connectionOpened(id: 2, address: "10.0.0.2:5000")
        shard.connectionClosed(id: 2)
        shard.clientBytesReceived(1_000)
        shard.clientBytesSent(2_500)
        shard.clientProtocolError()
        shard.transactionEnded(.exec, durationNanos: 300_000)
        shard.transactionEnded(.watchConflict, durationNanos: 30_000_000)
        for event in events { shard.record(event) }
        var writer = PrometheusWriter(openMetrics: openMetrics)
        CommandMetricsRenderer.render(
            shard.snapshot(), table: hub.commandTable, prefixLabels: hub.prefixLabels, into: &writer)
        return writer.finish()
    }

    /// GET: two hits, a miss, a WRONGTYPE error (a hit, as Redis counts it); SET: OK, a slow one, an OOM error;
    /// CONFIG GET, and one with an unknown error prefix; MGET with two misses; an unknown command; and two events that do not
    /// count (aborted, suppressed). Two have their upstream write timed (the first GET, the slow SET).
    static let events: [CommandEvent] = [
        upstream(Events.make(["GET", "user:1"], reply: "$5\r\nalice\r\n", nanos: 200_000), nanos: 150_000),
        Events.make(["get", "user:2"], reply: "$-1\r\n", nanos: 100_000),
        Events.make(["GET", "session:abc"], reply: "-WRONGTYPE Operation against a key\r\n", nanos: 1_000_000),
        Events.make(["GET", "plain"], reply: "$1\r\nx\r\n", nanos: 40_000),
        Events.make(["SET", "user:1", "alice"], reply: "+OK\r\n", nanos: 300_000),
        upstream(Events.make(["SET", "cache:x", "1"], reply: "+OK\r\n", nanos: 150_000_000), nanos: 100_000_000),
        Events.make(["SET", "cache:y", "1"], reply: "-OOM command not allowed\r\n", nanos: 20_000_000),
        Events.make(["CONFIG", "GET", "maxmemory"], reply: "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n", nanos: 2_000_000),
        Events.make(["CONFIG", "GET", "x"], reply: "-CUSTOMERR not a Redis prefix\r\n", nanos: 3_000_000),
        Events.make(
            ["MGET", "user:1", "user:2", "user:3"], reply: "*3\r\n$5\r\nalice\r\n$-1\r\n$-1\r\n", nanos: 80_000),
        Events.make(["FOO", "bar"], reply: "-ERR unknown command 'FOO'\r\n", nanos: 10_000),
        Events.make(["GET", "user:9"], reply: "", nanos: 5_000_000, outcome: .aborted),
        Events.make(["SET", "user:9", "v"], reply: "", nanos: 5_000_000, outcome: .suppressed),
    ]

    /// `event` with its request written upstream `nanos` before its reply's end.
    static func upstream(_ event: CommandEvent, nanos: UInt64) -> CommandEvent {
        var event = event
        event.sentNanos = event.endNanos - nanos
        return event
    }
}
