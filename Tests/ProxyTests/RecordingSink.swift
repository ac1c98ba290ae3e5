import RedisCommands
import TestSupport

extension RecordingSink {
    /// Waits until at least `count` events arrived, then returns them all.
    @discardableResult
    func waitForEvents(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [CommandEvent] {
        try await waitUntil("\(count) command events (have \(self.count))", timeout: timeout) { self.count >= count }
        return events
    }
}

extension CommandEvent {
    /// `NAME outcome`, e.g. `SET replied`, for comparing sequences.
    var summary: String { "\(name.text) \(outcome)" }
}
