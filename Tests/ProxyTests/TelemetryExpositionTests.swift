import Telemetry
import TestSupport
import Testing

extension Integration {
    /// The whole `/metrics` text of a running proxy (commands, clients, pool, build info).
    @Suite struct TelemetryExposition {
        @Test(arguments: [false, true])
        func everyFamilyIsDeclaredOnce(openMetrics: Bool) async throws {
            try await RedisServer.with { redis in
                try await ProxyHarness.with(upstreamPort: redis.port, telemetry: TelemetryConfiguration()) { proxy in
                    let client = try await proxy.connect()
                    defer { client.close() }
                    _ = try await client.request(
                        Frames.command(["SET", "k", "v"]) + Frames.command(["GET", "k"]), frames: 2)
                    let (text, contentType) = await proxy.runtime!.exposition(
                        openMetrics: openMetrics, pool: proxy.pool)
                    let families = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }
                        .map { $0.split(separator: " ")[2] }
                    #expect(Set(families).count == families.count, "\(families)")
                    #expect(families.contains("redislens_upstream_connections"))
                    #expect(families.contains("redislens_build_info"))
                    #expect(text.contains("redislens_commands_total{command=\"get\",category=\"read\"} 1\n"))
                    #expect(text.hasSuffix("# EOF\n") == openMetrics)
                    #expect(contentType.hasPrefix(openMetrics ? "application/openmetrics-text" : "text/plain"))
                }
            }
        }
    }
}
