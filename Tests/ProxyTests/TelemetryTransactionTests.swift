import Proxy
import Telemetry
import TestSupport
import Testing

extension Integration {
    /// Reads queued in a transaction through a proxy with real telemetry.
    @Suite struct TelemetryTransactions {
        @Test(arguments: PoolMode.allCases) func queuedReadsCountTheirExecElements(mode: PoolMode) async throws {
            try await RedisServer.with { redis in
                try await ProxyHarness.with(
                    upstreamPort: redis.port, pool: .mode(mode), telemetry: TelemetryConfiguration()
                ) { proxy in
                    let client = try await proxy.connect()
                    defer { client.close() }
                    let requests = [
                        Frames.command(["SET", "present", "1"]), Frames.command(["MULTI"]),
                        Frames.command(["GET", "missing"]),
                        Frames.command(["MGET", "missing", "other"]), Frames.command(["EXISTS", "present"]),
                        Frames.command(["EXEC"]),
                    ]
                    let reply = try await client.request(requests.flatMap { $0 }, frames: requests.count)
                    #expect(
                        Wire(reply)
                            == Wire(
                                "+OK\r\n+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n$-1\r\n*2\r\n$-1\r\n$-1\r\n:1\r\n"
                            ))
                    let metrics = await proxy.scrape()
                    // Both GET and MGET found nothing, and EXISTS found its key: read off EXEC's
                    // elements, never off +QUEUED.
                    for line in [
                        "redislens_cache_hits_total{command=\"get\"} 0",
                        "redislens_cache_misses_total{command=\"get\"} 1",
                        "redislens_cache_hits_total{command=\"mget\"} 0",
                        "redislens_cache_misses_total{command=\"mget\"} 2",
                        "redislens_cache_hits_total{command=\"exists\"} 1",
                        "redislens_cache_misses_total{command=\"exists\"} 0",
                        "redislens_commands_total{command=\"get\",category=\"read\"} 1",
                        "redislens_transactions_total{outcome=\"exec\"} 1",
                    ] {
                        #expect(metrics.contains(line + "\n"), "\(line)")
                    }
                }
            }
        }
    }
}
