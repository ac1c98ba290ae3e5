import Telemetry

/// One INFO field published as a metric under redis_exporter's name, so existing Redis
/// dashboards and alerts work unchanged. Declared once here; rendering walks the table.
struct InfoMetric: Sendable {
    /// The INFO field (`used_memory`).
    var field: String
    /// The metric name (`redis_memory_used_bytes`).
    var name: String
    /// Gauge or counter.
    var type: PrometheusWriter.MetricType
    /// HELP text.
    var help: String

    init(_ field: String, _ name: String, _ type: PrometheusWriter.MetricType, _ help: String) {
        self.field = field
        self.name = name
        self.type = type
        self.help = help
    }

    /// The published fields. `used_memory_lua` is 6.x's name; 7.x keeps it as an alias.
    static let all: [InfoMetric] = [
        .init("uptime_in_seconds", "redis_uptime_in_seconds", .gauge, "Seconds since the server started."),
        .init("connected_clients", "redis_connected_clients", .gauge, "Client connections (proxy and others)."),
        .init("blocked_clients", "redis_blocked_clients", .gauge, "Clients in a blocking call."),
        .init("maxclients", "redis_max_clients", .gauge, "The maxclients setting."),
        .init("used_memory", "redis_memory_used_bytes", .gauge, "Memory allocated by Redis (used_memory)."),
        .init("used_memory_rss", "redis_memory_used_rss_bytes", .gauge, "Resident set size of the server."),
        .init("used_memory_peak", "redis_memory_used_peak_bytes", .gauge, "Peak of used_memory."),
        .init("used_memory_overhead", "redis_memory_used_overhead_bytes", .gauge, "Memory for internal structures."),
        .init("used_memory_startup", "redis_memory_used_startup_bytes", .gauge, "Memory used at start-up."),
        .init("used_memory_dataset", "redis_memory_used_dataset_bytes", .gauge, "Memory used by the data set."),
        .init("used_memory_lua", "redis_memory_used_lua_bytes", .gauge, "Memory used by the Lua engine."),
        .init("used_memory_scripts", "redis_memory_used_scripts_bytes", .gauge, "Memory used by cached scripts."),
        .init("maxmemory", "redis_memory_max_bytes", .gauge, "The maxmemory setting (0: no limit)."),
        .init("mem_fragmentation_ratio", "redis_mem_fragmentation_ratio", .gauge, "used_memory_rss / used_memory."),
        .init("mem_fragmentation_bytes", "redis_mem_fragmentation_bytes", .gauge, "used_memory_rss - used_memory."),
        .init("allocator_allocated", "redis_allocator_allocated_bytes", .gauge, "Bytes the allocator handed out."),
        .init("allocator_active", "redis_allocator_active_bytes", .gauge, "Bytes in the allocator's active pages."),
        .init("allocator_resident", "redis_allocator_resident_bytes", .gauge, "Bytes resident in the allocator."),
        .init("allocator_frag_ratio", "redis_allocator_frag_ratio", .gauge, "allocator_active / allocator_allocated."),
        .init("allocator_frag_bytes", "redis_allocator_frag_bytes", .gauge, "allocator_active - allocator_allocated."),
        .init("allocator_rss_ratio", "redis_allocator_rss_ratio", .gauge, "allocator_resident / allocator_active."),
        .init("allocator_rss_bytes", "redis_allocator_rss_bytes", .gauge, "allocator_resident - allocator_active."),
        .init("rss_overhead_ratio", "redis_rss_overhead_ratio", .gauge, "used_memory_rss / allocator_resident."),
        .init("rss_overhead_bytes", "redis_rss_overhead_bytes", .gauge, "used_memory_rss - allocator_resident."),
        .init("mem_clients_normal", "redis_mem_clients_normal", .gauge, "Memory used by client buffers."),
        .init("lazyfree_pending_objects", "redis_lazyfree_pending_objects", .gauge, "Objects waiting to be freed."),
        .init("connected_slaves", "redis_connected_slaves", .gauge, "Connected replicas."),
        .init(
            "total_connections_received", "redis_connections_received_total", .counter,
            "Connections the server accepted."),
        .init(
            "total_commands_processed", "redis_commands_processed_total", .counter, "Commands the server processed."),
        .init(
            "rejected_connections", "redis_rejected_connections_total", .counter,
            "Connections rejected (maxclients)."),
        .init("expired_keys", "redis_expired_keys_total", .counter, "Keys removed because they expired."),
        .init("evicted_keys", "redis_evicted_keys_total", .counter, "Keys evicted because of maxmemory."),
        .init("keyspace_hits", "redis_keyspace_hits_total", .counter, "Successful key lookups."),
        .init("keyspace_misses", "redis_keyspace_misses_total", .counter, "Failed key lookups."),
        .init("total_net_input_bytes", "redis_net_input_bytes_total", .counter, "Bytes the server read."),
        .init("total_net_output_bytes", "redis_net_output_bytes_total", .counter, "Bytes the server wrote."),
    ]
}
