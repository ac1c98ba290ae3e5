import NIOConcurrencyHelpers

/// The lines waiting for the next push: at most `capacity`; a line that does not fit
/// is dropped (and counted by the caller) rather than block an event loop.
final class LokiQueue: Sendable {
    /// One log line and its time.
    struct Entry: Sendable {
        var unixNanos: UInt64
        var line: String
    }

    let capacity: Int
    private let entries = NIOLockedValueBox<[Entry]>([])

    init(capacity: Int) { self.capacity = capacity }

    /// Appends `entry`; false when the queue is full.
    func append(_ entry: Entry) -> Bool {
        entries.withLockedValue { entries in
            guard entries.count < capacity else { return false }
            entries.append(entry)
            return true
        }
    }

    /// Removes and returns up to `limit` of the oldest entries.
    func take(_ limit: Int) -> [Entry] {
        entries.withLockedValue { entries in
            let taken = Array(entries.prefix(limit))
            entries.removeFirst(taken.count)
            return taken
        }
    }

    /// Entries waiting.
    var count: Int { entries.withLockedValue { $0.count } }
}
