import NIOConcurrencyHelpers
import Telemetry

/// What the INFO poller learned, shared between its thread and the admin endpoints.
public final class ServerStatsState: Sendable {
    /// A copy of the state at one moment.
    public struct Snapshot: Sendable {
        /// The last successful poll's fields; nil before the first one.
        public var info: RedisInfo?
        /// Unix time of the last successful poll.
        public var lastSuccessUnixTime: Double?
        /// The last poll's failure; nil when it succeeded (or none ran yet).
        public var lastError: InfoPollError?
        /// Whether any poll finished yet.
        public var polled = false
        /// Poll durations per ``DurationBuckets`` bucket (the last is +Inf).
        public var durationBuckets = [UInt64](repeating: 0, count: DurationBuckets.count)
        /// Sum of poll durations.
        public var durationNanos: UInt64 = 0
        /// Failed polls by reason.
        public var errors: [InfoPollError.Reason: UInt64] = [:]

        /// Whether the last poll succeeded: the server answered INFO.
        public var isUp: Bool { polled && lastError == nil }
    }

    private let state = NIOLockedValueBox(Snapshot())

    /// Creates an empty state.
    public init() {}

    /// The current state.
    public var snapshot: Snapshot { state.withLockedValue { $0 } }

    /// Records a successful poll.
    func succeeded(_ info: RedisInfo, durationNanos: UInt64, unixTime: Double) {
        state.withLockedValue {
            $0.info = info
            $0.lastSuccessUnixTime = unixTime
            $0.lastError = nil
            $0.record(durationNanos)
        }
    }

    /// Records a failed poll.
    func failed(_ error: InfoPollError, durationNanos: UInt64) {
        state.withLockedValue {
            $0.lastError = error
            $0.errors[error.reason, default: 0] += 1
            $0.record(durationNanos)
        }
    }
}

extension ServerStatsState.Snapshot {
    fileprivate mutating func record(_ nanos: UInt64) {
        polled = true
        durationBuckets[DurationBuckets.index(nanos: nanos)] += 1
        durationNanos &+= nanos
    }
}
