import NIOConcurrencyHelpers
import NIOCore

/// Lets a repeated problem be logged once per interval, counting what it held back.
final class LogLimiter: Sendable {
    private let intervalNanos: UInt64
    private let state = NIOLockedValueBox([String: (last: UInt64, suppressed: Int)]())

    init(intervalSeconds: Double) { self.intervalNanos = UInt64(intervalSeconds * 1e9) }

    /// Whether to log `key` now, and how many occurrences were held back since the last log.
    func admit(_ key: String) -> (log: Bool, suppressed: Int) {
        let now = NIODeadline.now().uptimeNanoseconds
        return state.withLockedValue { entries in
            if let entry = entries[key], now &- entry.last < intervalNanos {
                entries[key] = (entry.last, entry.suppressed + 1)
                return (false, 0)
            }
            let suppressed = entries[key]?.suppressed ?? 0
            entries[key] = (now, 0)
            return (true, suppressed)
        }
    }
}
