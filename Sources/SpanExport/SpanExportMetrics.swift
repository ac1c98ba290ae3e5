import NIOConcurrencyHelpers
import Synchronization
import Telemetry

/// The exporter's own counters, rendered into `/metrics`:
/// `redislens_spans_exported_total`, `redislens_spans_dropped_total{reason}`,
/// `redislens_otlp_export_duration_seconds`, `redislens_otlp_export_errors_total{status}`.
public final class SpanExportMetrics: Sendable {
    /// Why spans were dropped (the `reason` label).
    public enum DropReason: String, Sendable, CaseIterable {
        /// The queue was full (`--otlp-max-queue`): the exporter is behind or the endpoint down.
        case queueFull = "queue_full"
        /// The export failed for good (retries used up, a non-retryable status, shutdown).
        case exportFailed = "export_failed"
        /// The endpoint accepted the request but rejected these spans (partial success).
        case rejected
    }

    private struct State {
        var exported: UInt64 = 0
        var dropped: [UInt64] = Array(repeating: 0, count: DropReason.allCases.count)
        var buckets: [UInt64] = Array(repeating: 0, count: DurationBuckets.count)
        var durationNanos: UInt64 = 0
        var errors: [String: UInt64] = [:]
    }

    private let state = NIOLockedValueBox(State())
    /// Spans dropped because the queue was full: counted apart, without the lock, since at a
    /// high ratio most commands' spans end here, on every event loop at once.
    private let queueFull = Atomic<UInt64>(0)

    /// Creates zeroed counters.
    public init() {}

    /// Counts spans the endpoint accepted (or the file received).
    public func exported(_ count: Int) {
        state.withLockedValue { $0.exported &+= UInt64(count) }
    }

    /// Counts dropped spans.
    public func dropped(_ count: Int, reason: DropReason) {
        if reason == .queueFull {
            queueFull.add(UInt64(count), ordering: .relaxed)
            return
        }
        let index = DropReason.allCases.firstIndex(of: reason)!
        state.withLockedValue { $0.dropped[index] &+= UInt64(count) }
    }

    /// Records how long one export request took.
    public func exportDuration(nanos: UInt64) {
        state.withLockedValue {
            $0.buckets[DurationBuckets.index(nanos: nanos)] &+= 1
            $0.durationNanos &+= nanos
        }
    }

    /// Counts one failed export request by `status` (HTTP status code, `connection`, `timeout`).
    public func exportError(status: String) {
        state.withLockedValue { $0.errors[status, default: 0] &+= 1 }
    }

    /// Spans dropped so far for `reason`.
    public func droppedCount(_ reason: DropReason) -> UInt64 {
        if reason == .queueFull { return queueFull.load(ordering: .relaxed) }
        let index = DropReason.allCases.firstIndex(of: reason)!
        return state.withLockedValue { $0.dropped[index] }
    }

    /// Spans exported so far.
    public var exportedCount: UInt64 { state.withLockedValue { $0.exported } }

    /// Writes the exporter's families.
    public func render(into writer: inout PrometheusWriter) {
        var data = state.withLockedValue { $0 }
        data.dropped[DropReason.allCases.firstIndex(of: .queueFull)!] = queueFull.load(ordering: .relaxed)
        writer.family("redislens_spans_exported_total", .counter, help: "Spans accepted by the OTLP endpoint.")
        writer.sample("redislens_spans_exported_total", [], data.exported)
        writer.family("redislens_spans_dropped_total", .counter, help: "Spans dropped, by reason.")
        for (index, reason) in DropReason.allCases.enumerated() {
            writer.sample("redislens_spans_dropped_total", [("reason", reason.rawValue)], data.dropped[index])
        }
        writer.family(
            "redislens_otlp_export_duration_seconds", .histogram, help: "Duration of one OTLP export request.")
        writer.durationHistogram(
            "redislens_otlp_export_duration_seconds", [], buckets: data.buckets[...], sumNanos: data.durationNanos)
        writer.family(
            "redislens_otlp_export_errors_total", .counter,
            help: "Failed OTLP export requests, by HTTP status or connection/timeout.")
        for (status, count) in data.errors.sorted(by: { $0.key < $1.key }) {
            writer.sample("redislens_otlp_export_errors_total", [("status", status)], count)
        }
    }
}
