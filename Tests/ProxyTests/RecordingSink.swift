import RedisCommands
import Synchronization

/// Keeps every event the proxy reports; safe to use from any event loop.
final class RecordingSink: CommandEventSink, Sendable {
    private let events = Mutex<[CommandEvent]>([])

    func record(_ event: inout CommandEvent) {
        events.withLock { $0.append(event) }
    }

    var all: [CommandEvent] { events.withLock { $0 } }

    var count: Int { events.withLock { $0.count } }

    func removeAll() { events.withLock { $0.removeAll() } }

    /// Waits until at least `count` events arrived, then returns them all.
    @discardableResult
    func waitForEvents(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [CommandEvent] {
        try await waitUntil("\(count) command events (have \(self.count))", timeout: timeout) { self.count >= count }
        return all
    }
}

extension CommandEvent {
    /// `NAME outcome`, e.g. `SET replied`, for comparing sequences.
    var summary: String { "\(name.text) \(outcome)" }
}
