import TestSupport
import Testing

@testable import ServerStats
@testable import Telemetry

/// Redis Cluster mode: one poller per node, rendered together with a `node` label.
@Suite struct NodeInfoRenderingTests {
    static func render() -> String {
        let up = ServerStatsState()
        up.succeeded(
            RedisInfo(parsing: InfoFixtures.crlf(InfoFixtures.redis70)), durationNanos: 2_000_000, unixTime: 1000)
        let other = ServerStatsState()
        other.succeeded(
            RedisInfo(parsing: InfoFixtures.crlf(InfoFixtures.redis62)), durationNanos: 1_000_000, unixTime: 1001)
        let down = ServerStatsState()
        down.failed(InfoPollError(.connect, "refused"), durationNanos: 1_000)
        var writer = PrometheusWriter(openMetrics: false)
        ServerStatsRenderer.render(
            [("10.0.0.1:7000", up.snapshot), ("10.0.0.2:7001", other.snapshot), ("10.0.0.3:7002", down.snapshot)],
            into: &writer)
        return writer.finish()
    }

    @Test func everyNodeHasItsLabelledSeriesAndADownNodeOnlyItsUpAndPollMetrics() {
        let text = Self.render()
        let samples = Set(text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") })
        for expected in [
            "redis_up{node=\"10.0.0.1:7000\"} 1", "redis_up{node=\"10.0.0.2:7001\"} 1",
            "redis_up{node=\"10.0.0.3:7002\"} 0",
            "redis_connected_clients{node=\"10.0.0.2:7001\"} 42",
            "redis_db_keys{node=\"10.0.0.2:7001\",db=\"db0\"} 1500",
            "redis_maxmemory_policy{node=\"10.0.0.2:7001\",policy=\"allkeys-lru\"} 1",
            "redislens_info_poll_errors_total{node=\"10.0.0.3:7002\",reason=\"connect\"} 1",
            "redislens_info_poll_duration_seconds_count{node=\"10.0.0.1:7000\"} 1",
            "redislens_info_last_success_timestamp_seconds{node=\"10.0.0.2:7001\"} 1001",
        ] {
            #expect(samples.contains(expected), "\(expected)")
        }
        #expect(!samples.contains { $0.hasPrefix("redis_") && !$0.hasPrefix("redis_up") && $0.contains("10.0.0.3") })
        let families = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }
        #expect(Set(families).count == families.count)
    }

    @Test func promtoolAcceptsIt() throws {
        let check = try promtoolCheck(Self.render())
        #expect(check.status == 0 && check.output.isEmpty, "\(check.output)")
    }
}
