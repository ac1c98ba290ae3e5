import RedisCommands

/// Collects events in order (tests run the matcher on one thread).
final class RecordingSink: CommandEventSink {
    var events: [CommandEvent] = []

    func record(_ event: inout CommandEvent) { events.append(event) }

    var names: [String] { events.map { $0.name.text } }
    var outcomes: [CommandOutcome] { events.map(\.outcome) }
}
