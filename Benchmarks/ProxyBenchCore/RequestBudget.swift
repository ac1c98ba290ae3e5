import Synchronization

/// How many requests may still be sent in a phase, and until when; shared by every
/// connection of a run, on any event loop.
final class RequestBudget: Sendable {
    private let remaining: Atomic<Int>
    private let deadlineNanos: UInt64
    /// Replies received so far (for the progress line).
    let completed = Atomic<Int>(0)

    /// A budget of `requests` (nil: unlimited) until `deadlineNanos` (monotonic; `.max`: none).
    init(requests: Int?, deadlineNanos: UInt64 = .max) {
        self.remaining = Atomic(requests ?? Int.max)
        self.deadlineNanos = deadlineNanos
    }

    /// Takes up to `wanted` requests; 0 when the budget or the time is used up.
    func claim(_ wanted: Int, now: UInt64) -> Int {
        guard now < deadlineNanos else { return 0 }
        var current = remaining.load(ordering: .relaxed)
        while current > 0 {
            let take = min(wanted, current)
            let (exchanged, original) = remaining.compareExchange(
                expected: current, desired: current - take, ordering: .relaxed)
            if exchanged { return take }
            current = original
        }
        return 0
    }
}
