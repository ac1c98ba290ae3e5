import Logging
import RedisCommands
import Testing

@testable import Telemetry

@Suite struct SizeAndUpstreamTests {
    @Test func sizeBucketsArePowersOfFour() {
        #expect(SizeBuckets.bounds.first == "16" && SizeBuckets.bounds.last == String(256 << 20))
        #expect(SizeBuckets.bounds.count + 1 == SizeBuckets.count)
        let bounds = SizeBuckets.bounds.map { Int($0)! }
        for (index, bound) in bounds.enumerated() {
            #expect(SizeBuckets.index(bytes: bound) == index)
            #expect(SizeBuckets.index(bytes: bound + 1) == index + 1)
        }
        #expect(SizeBuckets.index(bytes: 0) == 0)
        #expect(SizeBuckets.index(bytes: 1) == 0)
        #expect(SizeBuckets.index(bytes: Int.max) == SizeBuckets.count - 1)
    }

    static func render(_ events: [CommandEvent]) -> String {
        let hub = makeHub()
        let shard = hub.makeShard()
        for event in events { shard.record(event) }
        var writer = PrometheusWriter(openMetrics: false)
        CommandMetricsRenderer.render(shard.snapshot(), table: hub.commandTable, prefixLabels: [], into: &writer)
        return writer.finish()
    }

    @Test func upstreamDurationCountsOnlyTimedCommands() {
        var timed = Events.make(["GET", "k"], reply: "$1\r\nv\r\n", nanos: 3_000_000)
        timed.sentNanos = timed.startNanos + 1_000_000  // 2 ms upstream of 3 ms
        var late = timed
        late.sentNanos = late.endNanos + 1  // after the reply: not known
        let untimed = Events.make(["SET", "k", "v"], reply: "+OK\r\n")
        let text = Self.render([timed, late, untimed])
        let labels = "command=\"get\",category=\"read\""
        #expect(text.contains("redislens_upstream_duration_seconds_bucket{\(labels),le=\"0.001\"} 0\n"))
        #expect(text.contains("redislens_upstream_duration_seconds_bucket{\(labels),le=\"0.0025\"} 1\n"))
        #expect(text.contains("redislens_upstream_duration_seconds_sum{\(labels)} 0.002\n"))
        #expect(text.contains("redislens_upstream_duration_seconds_count{\(labels)} 1\n"))
        #expect(!text.contains("redislens_upstream_duration_seconds_count{command=\"set\""))
        #expect(text.contains("redislens_command_duration_seconds_count{\(labels)} 2\n"))
    }

    @Test func statsShowUpstreamQuantilesOfTimedCommands() throws {
        let hub = makeHub()
        let shard = hub.makeShard()
        for millis: UInt64 in [1, 2, 3, 4, 40] {
            var event = Events.make(["GET", "k"], reply: "$1\r\nv\r\n", nanos: 50_000_000)
            event.sentNanos = event.endNanos - millis * 1_000_000
            shard.record(event)
        }
        shard.record(Events.make(["SET", "k", "v"], reply: "+OK\r\n"))
        let report = StatsReport(shard.snapshot(), table: hub.commandTable)
        let get = try #require(report.commands["get"])
        #expect(abs(try #require(get.upstreamP50) - 0.003) < 0.0001)
        #expect(abs(try #require(get.upstreamP99) - 0.040) < 0.001)
        #expect(report.commands["set"]?.upstreamP50 == nil)
        #expect(report.json().contains("\"upstream_p50\""))
    }

    @Test func requestAndReplySizesPerCommand() {
        let value = String(repeating: "v", count: 2_000)
        let set = Events.make(["SET", "k", value], reply: "+OK\r\n")
        let get = Events.make(["GET", "k"], reply: "$2000\r\n\(value)\r\n")
        let text = Self.render([set, get, get])
        let setLabels = "command=\"set\",category=\"write\""
        let getLabels = "command=\"get\",category=\"read\""
        #expect(text.contains("redislens_command_request_bytes_bucket{\(setLabels),le=\"1024\"} 0\n"))
        #expect(text.contains("redislens_command_request_bytes_bucket{\(setLabels),le=\"4096\"} 1\n"))
        #expect(text.contains("redislens_command_request_bytes_sum{\(setLabels)} \(set.requestBytes)\n"))
        #expect(text.contains("redislens_command_reply_bytes_bucket{\(setLabels),le=\"16\"} 1\n"))
        #expect(text.contains("redislens_command_reply_bytes_sum{\(getLabels)} \(2 * get.replyBytes)\n"))
        #expect(text.contains("redislens_command_reply_bytes_bucket{\(getLabels),le=\"4096\"} 2\n"))
        #expect(text.contains("redislens_command_reply_bytes_count{\(getLabels)} 2\n"))
    }
}
