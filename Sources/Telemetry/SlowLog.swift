import NIOConcurrencyHelpers

/// One slow command, as `/slowlog` shows it.
public struct SlowLogEntry: Sendable {
    /// The command label (`get`, `config|get`).
    public var command: String
    /// The command with its key and every other argument as `?` (`GET user:1`, `SET user:1 ?`).
    public var arguments: String
    /// How long it took, in seconds.
    public var durationSeconds: Double
    /// The client's address.
    public var clientAddress: String
    /// When it finished, in Unix seconds.
    public var unixTime: Double
}

/// The most recent slow commands, in a bounded ring. Slow commands are rare, so a lock
/// here costs nothing on the common path.
public final class SlowLog: Sendable {
    private let capacity: Int
    private let state = NIOLockedValueBox(Ring())

    private struct Ring {
        var entries: [SlowLogEntry] = []
        var next = 0
    }

    /// Creates a ring holding `capacity` entries (0 keeps none).
    public init(capacity: Int) { self.capacity = capacity }

    /// Adds an entry, replacing the oldest when full.
    public func add(_ entry: SlowLogEntry) {
        guard capacity > 0 else { return }
        state.withLockedValue { ring in
            if ring.entries.count < capacity {
                ring.entries.append(entry)
            } else {
                ring.entries[ring.next] = entry
            }
            ring.next = (ring.next + 1) % capacity
        }
    }

    /// The entries, newest first.
    public var entries: [SlowLogEntry] {
        state.withLockedValue { ring in
            let ordered =
                ring.entries.count < capacity
                ? ring.entries : Array(ring.entries[ring.next...] + ring.entries[..<ring.next])
            return ordered.reversed()
        }
    }
}
