import Synchronization

/// The activity log's own numbers, shown in `/metrics` whether or not it is on:
/// lines written, lines Loki accepted, and lines dropped by reason.
public final class ActivityLogCounters: Sendable {
    /// Why lines were dropped (the `reason` label).
    public enum DropReason: String, Sendable, CaseIterable {
        /// The queue was full (stdout's reader or Loki slower than the traffic).
        case queueFull = "queue_full"
        /// A push to Loki failed or was refused; its lines are gone.
        case pushFailed = "push_failed"
    }

    /// The counters of this process (the CLI wires them; `/metrics` renders them).
    public static let process = ActivityLogCounters()

    private let lines = Atomic<UInt64>(0)
    private let pushed = Atomic<UInt64>(0)
    private let queueFull = Atomic<UInt64>(0)
    private let pushFailed = Atomic<UInt64>(0)

    /// Fresh counters at zero.
    public init() {}

    /// One sampled command's line was written or queued.
    public func lineWritten() { lines.add(1, ordering: .relaxed) }

    /// `count` lines were accepted by Loki.
    public func pushed(_ count: Int) { pushed.add(UInt64(count), ordering: .relaxed) }

    /// `count` lines were dropped for `reason`.
    public func dropped(_ count: Int, _ reason: DropReason) {
        switch reason {
        case .queueFull: queueFull.add(UInt64(count), ordering: .relaxed)
        case .pushFailed: pushFailed.add(UInt64(count), ordering: .relaxed)
        }
    }

    /// Lines written or queued so far.
    public var linesWritten: UInt64 { lines.load(ordering: .relaxed) }

    /// Lines dropped so far for `reason`.
    public func droppedCount(_ reason: DropReason) -> UInt64 {
        switch reason {
        case .queueFull: queueFull.load(ordering: .relaxed)
        case .pushFailed: pushFailed.load(ordering: .relaxed)
        }
    }

    /// Appends the three families to a `/metrics` exposition.
    public func render(into writer: inout PrometheusWriter) {
        writer.family(
            "redislens_activity_log_lines_total", .counter,
            help: "Activity-log lines written (sampled commands), to stdout or the Loki queue.")
        writer.sample("redislens_activity_log_lines_total", [], linesWritten)
        writer.family(
            "redislens_activity_log_pushed_total", .counter, help: "Activity-log lines Loki accepted (--loki-url).")
        writer.sample("redislens_activity_log_pushed_total", [], pushed.load(ordering: .relaxed))
        writer.family(
            "redislens_activity_log_dropped_total", .counter,
            help: "Activity-log lines dropped: Loki queue full, or a push that failed.")
        for reason in DropReason.allCases {
            writer.sample("redislens_activity_log_dropped_total", [("reason", reason.rawValue)], droppedCount(reason))
        }
    }
}
