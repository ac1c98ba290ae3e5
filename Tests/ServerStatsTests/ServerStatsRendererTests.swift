import Testing

@testable import ServerStats
@testable import Telemetry

@Suite("INFO metrics")
struct ServerStatsRendererTests {
    private func render(_ state: ServerStatsState) -> String {
        var writer = PrometheusWriter(openMetrics: false)
        ServerStatsRenderer.render(state.snapshot, into: &writer)
        return writer.finish()
    }

    private func lines(_ text: String) -> Set<String> {
        Set(text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") })
    }

    @Test func upPublishesRedisExporterNames() {
        let state = ServerStatsState()
        state.succeeded(
            RedisInfo(parsing: InfoFixtures.crlf(InfoFixtures.redis62)), durationNanos: 2_000_000, unixTime: 1000)
        let samples = lines(render(state))
        for expected in [
            "redis_up 1", "redis_memory_used_bytes 104857600", "redis_memory_used_rss_bytes 125829120",
            "redis_memory_used_peak_bytes 209715200", "redis_memory_used_dataset_bytes 102760448",
            "redis_memory_used_overhead_bytes 2097152", "redis_memory_used_lua_bytes 37888",
            "redis_memory_max_bytes 268435456", "redis_mem_fragmentation_ratio 1.2",
            "redis_mem_fragmentation_bytes 20971520", "redis_allocator_frag_ratio 1.05",
            "redis_allocator_rss_bytes 10000000", "redis_maxmemory_policy{policy=\"allkeys-lru\"} 1",
            "redis_connected_clients 42", "redis_evicted_keys_total 5", "redis_expired_keys_total 77",
            "redis_keyspace_hits_total 4000", "redis_keyspace_misses_total 1000",
            "redis_db_keys{db=\"db0\"} 1500", "redis_db_keys{db=\"db2\"} 7", "redis_db_keys_expiring{db=\"db0\"} 20",
            "redis_uptime_in_seconds 86400", "redislens_info_poll_duration_seconds_count 1",
            "redislens_info_poll_errors_total{reason=\"connect\"} 0",
            "redislens_info_last_success_timestamp_seconds 1000",
            "redis_instance_info{redis_version=\"6.2.14\",redis_mode=\"standalone\",role=\"master\"} 1",
        ] {
            #expect(samples.contains(expected), "\(expected)")
        }
    }

    @Test func aFieldNeverReadIsAbsentNotZero() {
        let state = ServerStatsState()
        state.succeeded(RedisInfo(parsing: Array("# Memory\r\nused_memory:10\r\n".utf8)), durationNanos: 1, unixTime: 1)
        let text = render(state)
        #expect(text.contains("redis_memory_used_bytes 10\n"))
        for absent in ["redis_memory_max_bytes", "redis_connected_clients", "redis_db_keys", "redis_maxmemory_policy"] {
            #expect(!text.contains(absent), "\(absent)")
        }
    }

    @Test func aFailedPollHidesStaleData() {
        let state = ServerStatsState()
        state.succeeded(
            RedisInfo(parsing: InfoFixtures.crlf(InfoFixtures.redis70)), durationNanos: 1_000, unixTime: 500)
        state.failed(InfoPollError(.connect, "Connection refused"), durationNanos: 3_000_000)
        let text = render(state)
        let samples = lines(text)
        #expect(samples.contains("redis_up 0"))
        #expect(samples.contains("redislens_info_poll_errors_total{reason=\"connect\"} 1"))
        #expect(samples.contains("redislens_info_poll_duration_seconds_count 2"))
        #expect(samples.contains("redislens_info_last_success_timestamp_seconds 500"))
        #expect(!samples.contains { $0.hasPrefix("redis_") && !$0.hasPrefix("redis_up ") })
        let memory = ServerStatsRenderer.memorySection(state.snapshot, now: 510)
        #expect(memory == ["up": 0, "age_seconds": 10])
    }

    @Test func beforeTheFirstPollRedisIsNotUp() {
        let text = render(ServerStatsState())
        #expect(lines(text).contains("redis_up 0"))
        #expect(!text.contains("redislens_info_last_success_timestamp_seconds"))
    }

    @Test func memorySectionHasRedisNames() {
        let state = ServerStatsState()
        state.succeeded(RedisInfo(parsing: InfoFixtures.crlf(InfoFixtures.redis62)), durationNanos: 1, unixTime: 1)
        let memory = ServerStatsRenderer.memorySection(state.snapshot, now: 3)
        #expect(memory["up"] == 1 && memory["age_seconds"] == 2)
        #expect(memory["used_memory"] == 104_857_600 && memory["maxmemory"] == 268_435_456)
        #expect(memory["keyspace_hits"] == nil, "stats fields are not memory")
        #expect(memory["used_memory_human"] == nil, "'100.00M' is not a number")
    }
}
