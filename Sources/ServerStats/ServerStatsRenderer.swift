import Telemetry

/// Renders the poller's state as Prometheus families.
///
/// Stale data is never served as fresh: while the last poll failed, `redis_up` is 0 and
/// every other `redis_*` series is absent (Prometheus then marks them stale), and
/// `redislens_info_last_success_timestamp_seconds` says how old the last good data is.
public enum ServerStatsRenderer {
    /// Writes `redis_up`, the INFO metrics (when up) and the poller's own metrics.
    public static func render(_ state: ServerStatsState.Snapshot, into writer: inout PrometheusWriter) {
        render(series: [([], state)], into: &writer)
    }

    /// Redis Cluster mode: the same families for several nodes (one ``InfoPoller`` each),
    /// every series with a `node` label (the node's address).
    public static func render(
        _ nodes: [(node: String, snapshot: ServerStatsState.Snapshot)], into writer: inout PrometheusWriter
    ) {
        render(series: nodes.map { ([("node", $0.node)], $0.snapshot) }, into: &writer)
    }

    private static func render(
        series: [(labels: [(String, String)], state: ServerStatsState.Snapshot)], into writer: inout PrometheusWriter
    ) {
        writer.family("redis_up", .gauge, help: "1 when the last INFO poll of the upstream succeeded, else 0.")
        for (labels, state) in series { writer.sample("redis_up", labels, UInt64(state.isUp ? 1 : 0)) }
        let up = series.compactMap { entry in entry.state.isUp ? entry.state.info.map { (entry.labels, $0) } : nil }
        renderInfo(up, into: &writer)
        writer.family(
            "redislens_info_poll_duration_seconds", .histogram, help: "Time one INFO poll took, including connecting.")
        for (labels, state) in series {
            writer.durationHistogram(
                "redislens_info_poll_duration_seconds", labels, buckets: state.durationBuckets[...],
                sumNanos: state.durationNanos)
        }
        writer.family("redislens_info_poll_errors_total", .counter, help: "Failed INFO polls, by reason.")
        for (labels, state) in series {
            for reason in InfoPollError.Reason.allCases {
                writer.sample(
                    "redislens_info_poll_errors_total", labels + [("reason", reason.rawValue)],
                    state.errors[reason] ?? 0)
            }
        }
        let times = series.compactMap { entry in entry.state.lastSuccessUnixTime.map { (entry.labels, $0) } }
        guard !times.isEmpty else { return }
        writer.family(
            "redislens_info_last_success_timestamp_seconds", .gauge, help: "Unix time of the last successful INFO poll."
        )
        for (labels, time) in times { writer.sample("redislens_info_last_success_timestamp_seconds", labels, time) }
    }

    private static func renderInfo(_ series: [([(String, String)], RedisInfo)], into writer: inout PrometheusWriter) {
        for metric in InfoMetric.all {
            let values = series.compactMap { labels, info in info.number(metric.field).map { (labels, $0) } }
            guard !values.isEmpty else { continue }
            writer.family(metric.name, metric.type, help: metric.help)
            for (labels, value) in values { writer.sample(metric.name, labels, value) }
        }
        let policies = series.compactMap { labels, info in info["maxmemory_policy"].map { (labels, $0) } }
        if !policies.isEmpty {
            writer.family("redis_maxmemory_policy", .gauge, help: "Always 1; the eviction policy is a label.")
            for (labels, policy) in policies {
                writer.sample("redis_maxmemory_policy", labels + [("policy", policy)], UInt64(1))
            }
        }
        let versions = series.filter { $0.1["redis_version"] != nil }
        if !versions.isEmpty {
            writer.family("redis_instance_info", .gauge, help: "Always 1; version, mode and role are labels.")
            for (labels, info) in versions {
                writer.sample(
                    "redis_instance_info",
                    labels + [
                        ("redis_version", info["redis_version"] ?? ""), ("redis_mode", info["redis_mode"] ?? ""),
                        ("role", info["role"] ?? ""),
                    ], UInt64(1))
            }
        }
        let databases = series.map { labels, info in (labels, info.databases.sorted { $0.key < $1.key }) }
        guard databases.contains(where: { !$0.1.isEmpty }) else { return }
        writer.family("redis_db_keys", .gauge, help: "Keys per database.")
        for (labels, entries) in databases {
            for (index, entry) in entries {
                writer.sample("redis_db_keys", labels + [("db", "db\(index)")], UInt64(max(entry.keys, 0)))
            }
        }
        writer.family("redis_db_keys_expiring", .gauge, help: "Keys with an expiry per database.")
        for (labels, entries) in databases {
            for (index, entry) in entries {
                writer.sample("redis_db_keys_expiring", labels + [("db", "db\(index)")], UInt64(max(entry.expires, 0)))
            }
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
