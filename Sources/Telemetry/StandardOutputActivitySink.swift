#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes each activity line to standard output with one `write(2)`, so lines from
/// different event loops never interleave (a line is far below `PIPE_BUF`).
public struct StandardOutputActivitySink: ActivityLogSink {
    private let counters: ActivityLogCounters

    /// Creates the sink; lines written are counted in `counters`.
    public init(counters: ActivityLogCounters) { self.counters = counters }

    /// Writes `line` and a newline.
    public func write(line: String, unixNanos: UInt64) {
        var text = line + "\n"
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
        counters.lineWritten()
    }
}
