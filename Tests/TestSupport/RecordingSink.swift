import RedisCommands
import Synchronization

/// Keeps every command event and transaction end it is given, in order; safe to use from
/// any thread (the proxy's event loops, or a test feeding a state machine).
public final class RecordingSink: CommandEventSink, Sendable {
    private struct Record {
        var events: [CommandEvent] = []
        var transactions: [TransactionOutcome] = []
        var transactionNanos: [UInt64] = []
    }

    private let recorded = Mutex(Record())

    /// An empty sink.
    public init() {}

    /// Keeps `event`.
    public func record(_ event: inout CommandEvent) {
        recorded.withLock { $0.events.append(event) }
    }

    /// Keeps the transaction's outcome and duration.
    public func transactionEnded(_ outcome: TransactionOutcome, durationNanos: UInt64) {
        recorded.withLock {
            $0.transactions.append(outcome)
            $0.transactionNanos.append(durationNanos)
        }
    }

    /// The events so far.
    public var events: [CommandEvent] { recorded.withLock { $0.events } }

    /// How many events arrived so far.
    public var count: Int { recorded.withLock { $0.events.count } }

    /// The outcomes of the transactions ended so far.
    public var transactions: [TransactionOutcome] { recorded.withLock { $0.transactions } }

    /// How long each ended transaction took, in the order of ``transactions``.
    public var transactionNanos: [UInt64] { recorded.withLock { $0.transactionNanos } }

    /// The events' command names.
    public var names: [String] { events.map { $0.name.text } }

    /// The events' outcomes.
    public var outcomes: [CommandOutcome] { events.map(\.outcome) }
}
