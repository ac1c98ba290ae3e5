import RedisCommands
import Synchronization

/// Keeps every command event and transaction end it is given, in order; safe to use from
/// any thread (the proxy's event loops, or a test feeding a state machine).
public final class RecordingSink: CommandEventSink, Sendable {
    private struct Record {
        var events: [CommandEvent] = []
        var transactions: [TransactionOutcome] = []
        var transactionNanos: [UInt64] = []
        var identities: [(id: UInt64, change: ClientIdentityChange, afterEvents: Int)] = []
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

    /// Keeps the identity change, and how many events came before it.
    public func clientIdentified(id: UInt64, _ change: ClientIdentityChange) {
        recorded.withLock { $0.identities.append((id, change, $0.events.count)) }
    }

    /// The identity changes so far: the connection, the change, and how many events preceded it.
    public var identities: [(id: UInt64, change: ClientIdentityChange, afterEvents: Int)] {
        recorded.withLock { $0.identities }
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
