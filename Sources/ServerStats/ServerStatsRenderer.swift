import Telemetry

/// Renders the poller's state as Prometheus families.
///
/// Stale data is never served as fresh: while the last poll failed, `redis_up` is 0 and
/// every other `redis_*` series is absent (Prometheus then marks them stale), and
/// `redislens_info_last_success_timestamp_seconds` says how old the last good data is.
public enum ServerStatsRenderer {
    /// Writes `redis_up`, the INFO metrics (when up) and the poller's own metrics.
    public static func render(_ state: ServerStatsState.Snapshot, into writer: inout PrometheusWriter) {
        writer.family("redis_up", .gauge, help: "1 when the last INFO poll of the upstream succeeded, else 0.")
        writer.sample("redis_up", [], UInt64(state.isUp ? 1 : 0))
        if state.isUp, let info = state.info { renderInfo(info, into: &writer) }
        writer.family(
            "redislens_info_poll_duration_seconds", .histogram, help: "Time one INFO poll took, including connecting.")
        writer.durationHistogram(
            "redislens_info_poll_duration_seconds", [], buckets: state.durationBuckets[...],
            sumNanos: state.durationNanos)
        writer.family("redislens_info_poll_errors_total", .counter, help: "Failed INFO polls, by reason.")
        for reason in InfoPollError.Reason.allCases {
            writer.sample("redislens_info_poll_errors_total", [("reason", reason.rawValue)], state.errors[reason] ?? 0)
        }
        if let time = state.lastSuccessUnixTime {
            writer.family(
                "redislens_info_last_success_timestamp_seconds", .gauge,
                help: "Unix time of the last successful INFO poll.")
            writer.sample("redislens_info_last_success_timestamp_seconds", [], time)
        }
    }

    private static func renderInfo(_ info: RedisInfo, into writer: inout PrometheusWriter) {
        for metric in InfoMetric.all {
            guard let value = info.number(metric.field) else { continue }
            writer.family(metric.name, metric.type, help: metric.help)
            writer.sample(metric.name, [], value)
        }
        if let policy = info["maxmemory_policy"] {
            writer.family("redis_maxmemory_policy", .gauge, help: "Always 1; the eviction policy is a label.")
            writer.sample("redis_maxmemory_policy", [("policy", policy)], UInt64(1))
        }
        if let version = info["redis_version"] {
            writer.family("redis_instance_info", .gauge, help: "Always 1; version, mode and role are labels.")
            writer.sample(
                "redis_instance_info",
                [("redis_version", version), ("redis_mode", info["redis_mode"] ?? ""), ("role", info["role"] ?? "")],
                UInt64(1))
        }
        let databases = info.databases.sorted { $0.key < $1.key }
        guard !databases.isEmpty else { return }
        writer.family("redis_db_keys", .gauge, help: "Keys per database.")
        for (index, entry) in databases {
            writer.sample("redis_db_keys", [("db", "db\(index)")], UInt64(max(entry.keys, 0)))
        }
        writer.family("redis_db_keys_expiring", .gauge, help: "Keys with an expiry per database.")
        for (index, entry) in databases {
            writer.sample("redis_db_keys_expiring", [("db", "db\(index)")], UInt64(max(entry.expires, 0)))
        }
    }

    /// The `/stats` `memory` section: `up`, the age of the data, and (while up) every
    /// numeric field of INFO's memory section under Redis's own names.
    public static func memorySection(_ state: ServerStatsState.Snapshot, now unixTime: Double) -> [String: Double] {
        var section: [String: Double] = ["up": state.isUp ? 1 : 0]
        if let time = state.lastSuccessUnixTime { section["age_seconds"] = max(unixTime - time, 0) }
        guard state.isUp, let info = state.info else { return section }
        for (key, _) in info.section("memory") {
            if let value = info.number(key) { section[key] = value }
        }
        return section
    }
}
