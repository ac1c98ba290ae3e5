import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes activity lines to standard output from a thread of its own: event loops only
/// append to a bounded queue (at most `limit` lines; past that, lines are dropped and
/// counted as `queue_full`), so a slow reader of stdout (a full pipe) never stalls
/// traffic. Each batch goes out in whole lines, so lines never interleave.
public final class StandardOutputActivitySink: ActivityLogSink, @unchecked Sendable {
    // Unchecked: `pending` is only touched while `condition` is held.
    private let condition = ConditionLock(value: false)
    private var pending: [String] = []
    private let limit: Int
    private let counters: ActivityLogCounters

    /// Creates the sink and starts its writer thread; lines are counted in `counters`.
    public init(counters: ActivityLogCounters, limit: Int = 10_000) {
        self.counters = counters
        self.limit = limit
        pending.reserveCapacity(256)
        let thread = Thread { [self] in drain() }
        thread.name = "redis-lens-activity-log"
        thread.start()
    }

    /// Queues `line`; never blocks on the output.
    public func write(line: String, unixNanos: UInt64) {
        condition.lock()
        guard pending.count < limit else {
            condition.unlock(withValue: true)
            counters.dropped(1, .queueFull)
            return
        }
        pending.append(line)
        condition.unlock(withValue: true)
        counters.lineWritten()
    }

    private func drain() {
        var batch: [String] = []
        while true {
            condition.lock(whenValue: true)
            swap(&batch, &pending)
            condition.unlock(withValue: false)
            var text = batch.joined(separator: "\n") + "\n"
            batch.removeAll(keepingCapacity: true)
            text.withUTF8 { Self.writeAll($0) }
        }
    }

    private static func writeAll(_ bytes: UnsafeBufferPointer<UInt8>) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}
