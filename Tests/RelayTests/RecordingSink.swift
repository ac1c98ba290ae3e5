import RedisCommands

/// Collects events in order (tests run the matcher on one thread).
final class RecordingSink: CommandEventSink {
    var events: [CommandEvent] = []

    var transactions: [TransactionOutcome] = []
    var transactionNanos: [UInt64] = []

    func record(_ event: inout CommandEvent) { events.append(event) }

    func transactionEnded(_ outcome: TransactionOutcome, durationNanos: UInt64) {
        transactions.append(outcome)
        transactionNanos.append(durationNanos)
    }

    var names: [String] { events.map { $0.name.text } }
    var outcomes: [CommandOutcome] { events.map(\.outcome) }
}
