import RedisCommands
import TestSupport
import Testing

@testable import Telemetry

/// Redis Cluster mode: each node's commands carry a `node` label on the per-command
/// families; the client families count every node together.
@Suite struct NodeMetricsTests {
    static func render(openMetrics: Bool) -> String {
        let hub = makeHub()
        let plain = hub.makeShard()
        let first = hub.makeShard()
        let second = hub.makeShard()
        first.connectionOpened(id: 1, address: "10.0.0.9:5000")
        second.connectionOpened(id: 2, address: "10.0.0.9:5001")
        first.clientBytesSent(100)
        second.clientBytesSent(50)
        for event in GoldenFixture.events { first.record(event) }
        second.record(Events.make(["GET", "k"], reply: "-MOVED 1 lens:17000\r\n", nanos: 10_000))
        second.record(Events.make(["GET", "k"], reply: "$1\r\nv\r\n", nanos: 10_000))
        var writer = PrometheusWriter(openMetrics: openMetrics)
        CommandMetricsRenderer.render(
            plain.snapshot(), nodes: [("10.0.0.1:7000", first.snapshot()), ("10.0.0.2:7001", second.snapshot())],
            table: hub.commandTable, prefixLabels: hub.prefixLabels, into: &writer)
        return writer.finish()
    }

    @Test func perCommandSeriesCarryTheNodeAndClientTotalsAddUp() {
        let text = Self.render(openMetrics: false)
        let samples = Set(text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") })
        for expected in [
            "redislens_commands_total{command=\"get\",category=\"read\",node=\"10.0.0.1:7000\"} 4",
            "redislens_commands_total{command=\"get\",category=\"read\",node=\"10.0.0.2:7001\"} 2",
            "redislens_command_errors_total{command=\"get\",category=\"read\",node=\"10.0.0.2:7001\",error=\"MOVED\"} 1",
            "redislens_command_duration_seconds_count{command=\"get\",category=\"read\",node=\"10.0.0.2:7001\"} 2",
            "redislens_cache_hits_total{command=\"get\",node=\"10.0.0.2:7001\"} 1",
            "redislens_cache_misses_total{command=\"get\",node=\"10.0.0.1:7000\"} 1",
            "redislens_slow_commands_total{command=\"set\",category=\"write\",node=\"10.0.0.1:7000\"} 1",
            "redislens_client_connections 2", "redislens_client_sent_bytes_total 150",
        ] {
            #expect(samples.contains(expected), "\(expected)")
        }
        // The plain listener had no traffic: no series without a node.
        #expect(!text.contains("redislens_commands_total{command=\"get\",category=\"read\"}"))
    }

    @Test(arguments: [false, true])
    func everyFamilyIsDeclaredOnceAndPromtoolAccepts(openMetrics: Bool) throws {
        let text = Self.render(openMetrics: openMetrics)
        let families = Exposition.parse(text).families.map(\.name)
        #expect(Set(families).count == families.count, "\(families)")
        guard !openMetrics else { return }
        let check = try promtoolCheck(text)
        #expect(check.status == 0 && check.output.isEmpty, "\(check.output)")
    }
}
