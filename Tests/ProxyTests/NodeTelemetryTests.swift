import Telemetry
import TestSupport
import Testing

extension Integration {
    /// Redis Cluster mode's per-node telemetry, on a proxy whose sessions record through a
    /// ``NodeTelemetry`` (as a cluster node's listener does).
    @Suite struct NodeTelemetryTests {
        @Test func nodeCommandsAreLabelledCountedInStatsAndKeptWhenTheNodeLeaves() async throws {
            try await RedisServer.with { redis in
                let node = "127.0.0.1:\(redis.port)"
                try await ProxyHarness.with(upstreamPort: redis.port, telemetry: TelemetryConfiguration(), node: node) {
                    proxy in
                    let runtime = proxy.runtime!
                    let same = try await runtime.nodeTelemetry(node: node)
                    #expect(try await runtime.nodeTelemetry(node: node) === same)
                    let client = try await proxy.connect()
                    defer { client.close() }
                    _ = try await client.request(
                        Frames.command(["SET", "k", "v"]) + Frames.command(["GET", "k"])
                            + Frames.command(["GET", "missing"]), frames: 3)
                    let labelled = "redislens_commands_total{command=\"get\",category=\"read\",node=\"\(node)\"} 2\n"
                    try await waitUntil("the GETs to be counted") {
                        await proxy.scrape().contains(labelled)
                    }
                    let text = await proxy.scrape()
                    #expect(text.contains("redislens_cache_hits_total{command=\"get\",node=\"\(node)\"} 1\n"))
                    #expect(text.contains("redislens_cache_misses_total{command=\"get\",node=\"\(node)\"} 1\n"))
                    #expect(!text.contains("redislens_commands_total{command=\"get\",category=\"read\"}"))
                    let check = try promtoolCheck(text)
                    #expect(check.status == 0 && check.output.isEmpty, "\(check.output)")
                    var report = StatsReport(await runtime.snapshot(), table: runtime.hub.commandTable)
                    #expect(report.commands["get"]?.count == 2 && report.commands["set"]?.count == 1)

                    await runtime.removeNodeTelemetry(node: node)
                    let after = await proxy.scrape()
                    #expect(!after.contains("node=\"\(node)\""))
                    #expect(after.contains("redislens_commands_total{command=\"get\",category=\"read\"} 2\n"))
                    report = StatsReport(await runtime.snapshot(), table: runtime.hub.commandTable)
                    #expect(report.commands["get"]?.count == 2 && report.commands["set"]?.count == 1)
                }
            }
        }
    }
}
