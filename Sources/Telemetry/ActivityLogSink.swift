/// Where activity-log lines go: standard output, or a queue pushed to Loki.
///
/// Called on event loops; implementations must not block for long.
public protocol ActivityLogSink: Sendable {
    /// Takes one line (no trailing newline) stamped `unixNanos`.
    func write(line: String, unixNanos: UInt64)
}
