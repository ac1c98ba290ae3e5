import Telemetry

/// Renders the followed Sentinel-managed primary as Prometheus metric families (only with
/// `redis+sentinel://`), next to the pool's.
enum SentinelMetricsRenderer {
    static func render(_ sentinel: SentinelSnapshot, into writer: inout PrometheusWriter) {
        writer.family(
            "redislens_upstream_failovers_total", .counter,
            help: "Changes of the Sentinel-managed primary followed since start.")
        writer.sample("redislens_upstream_failovers_total", [], sentinel.failovers)
        writer.family(
            "redislens_upstream_info", .gauge, help: "Always 1: the primary connections go to (from the sentinels).")
        if let primary = sentinel.primary {
            writer.sample("redislens_upstream_info", [("address", primary), ("role", "master")], UInt64(1))
        }
        writer.family(
            "redislens_sentinel_up", .gauge, help: "1 when the sentinel answered at last contact, else 0.")
        for (address, up) in sentinel.sentinels {
            writer.sample("redislens_sentinel_up", [("address", address)], UInt64(up ? 1 : 0))
        }
    }
}
