import NIOCore

/// An ``EpollLoop``'s scheduled tasks, ordered by deadline.
///
/// A sorted array: the loop holds few timers (a handshake timeout per connecting
/// upstream connection, a wait timeout per client queued for the pool), none per command.
package struct LoopTimers {
    package struct Timer {
        let deadline: NIODeadline
        let id: UInt64
        let fire: @Sendable () -> Void
        let abandon: @Sendable () -> Void
    }

    private var timers: [Timer] = []

    /// The earliest deadline, if any timer is set.
    package var nextDeadline: NIODeadline? { timers.first?.deadline }

    package mutating func insert(_ timer: Timer) {
        var low = 0
        var high = timers.count
        while low < high {
            let middle = (low + high) / 2
            if timers[middle].deadline <= timer.deadline { low = middle + 1 } else { high = middle }
        }
        timers.insert(timer, at: low)
    }

    /// Removes the timer, if it has not run yet; the caller fails its promise.
    package mutating func remove(_ id: UInt64) -> Timer? {
        guard let index = timers.firstIndex(where: { $0.id == id }) else { return nil }
        return timers.remove(at: index)
    }

    /// Removes and returns the earliest timer due at `now`, if any.
    package mutating func popExpired(now: NIODeadline) -> Timer? {
        guard let first = timers.first, first.deadline <= now else { return nil }
        return timers.removeFirst()
    }

    /// Removes every timer (the loop is stopping).
    package mutating func removeAll() -> [Timer] {
        defer { timers = [] }
        return timers
    }
}
