import Relay
import Telemetry

/// Renders the upstream pool's counts as Prometheus metric families.
enum PoolMetricsRenderer {
    static func render(
        _ pool: PoolSnapshot, upstreamUp: Bool, events: ConnectionEvents.Snapshot, into writer: inout PrometheusWriter
    ) {
        writer.family("redislens_upstream_connections", .gauge, help: "Upstream connections by state.")
        writer.sample("redislens_upstream_connections", [("state", "idle")], UInt64(pool.idle))
        writer.sample("redislens_upstream_connections", [("state", "used")], UInt64(pool.used))
        writer.family(
            "redislens_upstream_pending_requests", .gauge, help: "Clients waiting for an upstream connection.")
        writer.sample("redislens_upstream_pending_requests", [], UInt64(pool.waiting))
        writer.family(
            "redislens_upstream_connection_wait_seconds", .histogram,
            help: "Time a client waited for its upstream connection, or for a shared one to open (with connecting).")
        writer.durationHistogram(
            "redislens_upstream_connection_wait_seconds", [], buckets: pool.waitBuckets[...],
            sumNanos: pool.waitNanos)
        writer.family(
            "redislens_upstream_connections_created_total", .counter, help: "Upstream connections opened.")
        writer.sample("redislens_upstream_connections_created_total", [], UInt64(pool.created))
        reasonCounter(
            "redislens_upstream_connect_errors_total",
            help: "Failed attempts to open an upstream connection, by reason.",
            pool.connectErrors, into: &writer)
        writer.family("redislens_upstream_up", .gauge, help: "1 when the last upstream connect succeeded, else 0.")
        writer.sample("redislens_upstream_up", [], UInt64(upstreamUp ? 1 : 0))
        renderConnectionEvents(events, into: &writer)
        writer.family(
            "redislens_event_loop_errors_total", .counter,
            help: "Failed system calls of the event loops (logged), by call: epoll_wait, accept.")
        writer.sample("redislens_event_loop_errors_total", [("call", "epoll_wait")], pool.eventLoopWaitErrors)
        writer.sample("redislens_event_loop_errors_total", [("call", "accept")], events.acceptFailures)
    }

    /// Shared mode's families (`--pool-mode shared`; zeros in dedicated mode, so the series
    /// are the same in both): open shared connections, pinned clients by reason, and
    /// commands per write of a shared connection.
    static func renderShared(_ shared: SharedStatistics.Snapshot, into writer: inout PrometheusWriter) {
        writer.family(
            "redislens_upstream_shared_connections", .gauge,
            help: "Open shared upstream connections (--pool-mode shared).")
        writer.sample("redislens_upstream_shared_connections", [], UInt64(max(shared.connections, 0)))
        writer.family(
            "redislens_client_pinned", .gauge,
            help: "Clients of shared mode on a dedicated upstream connection now, by the reason that pinned them.")
        for reason in PinReason.allCases {
            writer.sample(
                "redislens_client_pinned", [("reason", reason.rawValue)], UInt64(max(shared.pinned[reason.index], 0)))
        }
        writer.family(
            "redislens_client_pins_total", .counter,
            help: "Times a client of shared mode was pinned to a dedicated upstream connection, by reason.")
        for reason in PinReason.allCases {
            writer.sample("redislens_client_pins_total", [("reason", reason.rawValue)], shared.pins[reason.index])
        }
        writer.family(
            "redislens_upstream_batch_commands", .histogram,
            help: "Commands carried by one write of a shared upstream connection.")
        var cumulative: UInt64 = 0
        let bounds = SharedStatistics.batchBounds.map(String.init) + ["+Inf"]
        for (bound, count) in zip(bounds, shared.batchBuckets) {
            cumulative += count
            writer.sample("redislens_upstream_batch_commands_bucket", [("le", bound)], cumulative)
        }
        writer.sample("redislens_upstream_batch_commands_sum", [], shared.batchSum)
        writer.sample("redislens_upstream_batch_commands_count", [], cumulative)
    }

    private static func renderConnectionEvents(_ events: ConnectionEvents.Snapshot, into writer: inout PrometheusWriter)
    {
        reasonCounter(
            "redislens_client_connections_refused_total",
            help: "Client connections closed before they were relayed, by reason.", events.refused, into: &writer)
        reasonCounter(
            "redislens_upstream_disconnects_total",
            help: "Upstream connections that ended under a client (whose connection then closed), by reason.",
            events.disconnects, into: &writer)
        writer.family(
            "redislens_replication_streams", .gauge, help: "Client connections relaying a SYNC/PSYNC stream.")
        writer.sample("redislens_replication_streams", [], UInt64(max(events.replicationStreams, 0)))
        writer.family(
            "redislens_replication_bytes_total", .counter,
            help: "Bytes relayed on replication streams, by direction.")
        writer.sample(
            "redislens_replication_bytes_total", [("direction", "from_upstream")],
            events.replicationBytes.fromUpstream)
        writer.sample(
            "redislens_replication_bytes_total", [("direction", "to_upstream")], events.replicationBytes.toUpstream)
    }

    /// A counter family with one sample per `reason` (every case, zero included).
    private static func reasonCounter<Reason: CaseIterable & RawRepresentable<String> & Hashable>(
        _ name: String, help: String, _ counts: [Reason: UInt64], into writer: inout PrometheusWriter
    ) {
        writer.family(name, .counter, help: help)
        for reason in Reason.allCases { writer.sample(name, [("reason", reason.rawValue)], counts[reason] ?? 0) }
    }
}

/// Why opening an upstream connection failed, as a bounded label.
enum UpstreamErrorReason: String, CaseIterable, Sendable {
    case refused, timeout, dns, auth, reset, tls, other

    /// Classifies a reason text from ``UpstreamError/describe(_:target:)``.
    init(reason: String) {
        if reason.hasPrefix("connect refused") {
            self = .refused
        } else if reason.contains("timeout") || reason.hasPrefix("no reply") {
            self = .timeout
        } else if reason.hasPrefix("cannot resolve") {
            self = .dns
        } else if reason.hasPrefix("login failed") {
            self = .auth
        } else if reason.hasPrefix("TLS handshake failed") {
            self = .tls
        } else if reason.hasPrefix("RESET failed") || reason.hasPrefix("connection reset") {
            self = .reset
        } else {
            self = .other
        }
    }
}
