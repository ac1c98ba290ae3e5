import Foundation
import RedisCommands
import Synchronization
import Telemetry
import Testing

/// The activity log as a shard's observer: one JSON line per sampled command, with the
/// sanitised key and query, cache result and error; never a value or a password.
@Suite struct ActivityLog {
    final class Lines: ActivityLogSink {
        let box = Mutex<[String]>([])
        func write(line: String, unixNanos: UInt64) { box.withLock { $0.append(line) } }
        var all: [String] { box.withLock { $0 } }
    }

    /// Records `events` through a shard whose one observer keeps `ratio` of commands.
    func run(_ events: [CommandEvent], ratio: Double = 1, prefix: String? = nil) -> [String] {
        let lines = Lines()
        let hub = TelemetryHub(
            configuration: TelemetryConfiguration(), logger: .init(label: "test"),
            observers: [ActivityLogObserver.factory(ratio: ratio, prefix: prefix, sink: lines)])
        let shard = hub.makeShard()
        shard.connectionOpened(id: 1, address: "127.0.0.1:50000")
        for event in events { shard.record(event) }
        return lines.all
    }

    func object(_ line: String) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(parsed as? [String: Any])
    }

    @Test func hitLineHasEveryField() throws {
        let lines = run([Events.make(["GET", "user:1"], reply: "$1\r\na\r\n", nanos: 2_500_000)])
        #expect(lines.count == 1)
        let fields = try object(try #require(lines.first))
        #expect(fields["logger"] as? String == "redis-lens.activity")
        #expect(fields["level"] as? String == "info")
        #expect(fields["event"] as? String == "command")
        #expect(fields["command"] as? String == "get")
        #expect(fields["category"] as? String == "read")
        #expect(fields["key"] as? String == "user:1")
        #expect(fields["query"] as? String == "GET user:1")
        #expect(fields["duration_seconds"] as? Double == 0.0025)
        #expect(fields["cache"] as? String == "hit")
        #expect(fields["error"] is NSNull)
        #expect(fields["client"] as? String == "127.0.0.1:50000")
        #expect((fields["timestamp"] as? String)?.hasSuffix("Z") == true)
    }

    @Test func missesPartialAndErrors() throws {
        let lines = run([
            Events.make(["GET", "nope"], reply: "$-1\r\n"),
            Events.make(["MGET", "a", "b"], reply: "*2\r\n$1\r\nx\r\n$-1\r\n"),
            Events.make(["GET", "list"], reply: "-WRONGTYPE Operation against a key\r\n"),
            Events.make(["SET", "k", "v"], reply: "+OK\r\n"),
        ])
        let objects = try lines.map(object)
        #expect(objects.map { $0["cache"] as? String } == ["miss", "partial", nil, nil])
        #expect(objects[2]["error"] as? String == "WRONGTYPE")
        #expect(objects[1]["hits"] as? Int == 1 && objects[1]["misses"] as? Int == 1)
    }

    @Test func valuesAndPasswordsNeverShow() throws {
        let lines = run([
            Events.make(["SET", "user:1", "top-secret-value"], reply: "+OK\r\n"),
            Events.make(["AUTH", "alice", "hunter2"], reply: "+OK\r\n"),
            Events.make(["CONFIG", "SET", "requirepass", "hunter2"], reply: "+OK\r\n"),
        ])
        #expect(lines.count == 3)
        for line in lines {
            #expect(!line.contains("hunter2") && !line.contains("top-secret-value"), "\(line)")
        }
        #expect(try object(lines[1])["key"] is NSNull)
        #expect(try object(lines[1])["query"] as? String == "AUTH ? ?")
    }

    @Test func prefixComesBeforeTheJSON() throws {
        let lines = run([Events.make(["GET", "k"], reply: "$-1\r\n")], prefix: "redis_cache_event")
        let line = try #require(lines.first)
        #expect(line.hasPrefix("redis_cache_event {\""))
        #expect(try object(String(line.dropFirst("redis_cache_event ".count)))["cache"] as? String == "miss")
    }

    @Test func keysAreEscapedIntoValidJSON() throws {
        let key: [UInt8] = Array("we\"ird\\".utf8) + [0x00, 0x0A]
        let line = try #require(run([Events.make([Array("GET".utf8), key], reply: "$-1\r\n")]).first)
        #expect(try object(line)["key"] as? String == "we\"ird\\x5c\\x00\\x0a")
    }

    @Test func samplingKeepsAShare() {
        let events = (0..<2000).map { Events.make(["GET", "k\($0)"], reply: "$-1\r\n") }
        let kept = run(events, ratio: 0.25).count
        // Binomial(2000, 0.25): mean 500, standard deviation about 19; 150..850 cannot fail by chance.
        #expect(kept > 150 && kept < 850, "kept \(kept) of 2000")
        #expect(run(events, ratio: 1).count == 2000)
    }

    @Test func samplerIsDeterministicPerSeed() {
        var first = ActivitySampler(ratio: 0.5, seed: 42)
        var second = ActivitySampler(ratio: 0.5, seed: 42)
        let a = (0..<100).map { _ in first.next() }
        #expect(a == (0..<100).map { _ in second.next() })
        #expect(a.contains(true) && a.contains(false))
    }

    @Test func countersRenderEveryReason() {
        let counters = ActivityLogCounters()
        counters.lineWritten()
        counters.dropped(3, .pushFailed)
        var writer = PrometheusWriter(openMetrics: false)
        counters.render(into: &writer)
        let text = writer.finish()
        #expect(text.contains("redislens_activity_log_lines_total 1\n"))
        #expect(text.contains("redislens_activity_log_dropped_total{reason=\"push_failed\"} 3\n"))
        #expect(text.contains("redislens_activity_log_dropped_total{reason=\"queue_full\"} 0\n"))
    }
}
