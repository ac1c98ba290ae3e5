import RESP
import RedisCommands

/// The per-event-loop ``CommandObserver`` that turns commands into spans.
///
/// The sampling decision is made after the reply, from a trace id drawn from a per-loop
/// generator: unsampled commands cost two random numbers (and, while some connection has
/// a `MULTI` open, a dictionary lookup), and allocate nothing. A kept command's span is
/// plain values (the event, its summary, the connection's ``SpanPeer``, ids and times: no
/// allocation, no text) handed to the ``SpanSink``; the exporter turns it into text. A
/// `MULTI` transaction is held (bounded) until `EXEC`/`DISCARD` and decided once, as a whole.
public final class SpanObserver: CommandObserver {
    private let configuration: SpanConfiguration
    private let sampler: SpanSampler
    private let builder: SpanBuilder
    private let sink: any SpanSink
    private var ids: TraceIDGenerator
    private var connections: [UInt64: SpanConnectionState] = [:]
    /// The ends of a connection the observer was not told about (no `client.*`).
    private let unknownPeer: SpanPeer
    /// Spans dropped unbuilt (the sink was full) and not yet reported to it: reported in
    /// batches, since at a high ratio with the export behind most commands end here.
    private var unreportedDrops = 0
    /// Drops reported at once at most (the count shown lags by less than this per loop).
    static let dropReportBatch = 64
    /// Connections with a `MULTI` open. While there is none, a command looks its connection
    /// up only when it opens a transaction, changes the database, or its span is built: most
    /// commands are sampled out (or dropped unbuilt), and the lookup was most of their cost.
    private(set) var openTransactions = 0

    /// Creates an observer sending kept spans to `sink`; `seed` fixes the ids (tests).
    public init(configuration: SpanConfiguration, sink: any SpanSink, seed: UInt64? = nil) {
        self.configuration = configuration
        self.sampler = SpanSampler(ratio: configuration.sampleRatio, keepSlow: configuration.keepSlow)
        self.builder = SpanBuilder(configuration: configuration)
        self.sink = sink
        self.unknownPeer = SpanPeer(configuration: configuration, clientAddress: "", clientPort: 0)
        self.ids = seed.map { TraceIDGenerator(seed: $0) } ?? TraceIDGenerator()
    }

    /// A factory for ``TelemetryHub``'s `observers`: one observer per event loop.
    public static func factory(
        configuration: SpanConfiguration, sink: any SpanSink
    ) -> @Sendable () -> any CommandObserver {
        { SpanObserver(configuration: configuration, sink: sink) }
    }

    /// Remembers the client's address and starts it in the upstream URL's database.
    public func connectionOpened(id: UInt64, address: String) {
        let replaced = connections.updateValue(
            SpanConnectionState(address: address, configuration: configuration), forKey: id)
        if replaced?.transaction.isOpen == true { openTransactions -= 1 }
    }

    /// Forgets the connection (an open transaction is dropped: it never ran).
    public func connectionClosed(id: UInt64) {
        if connections.removeValue(forKey: id)?.transaction.isOpen == true { openTransactions -= 1 }
        if unreportedDrops > 0 { reportDrops() }
    }

    private func reportDrops() {
        sink.droppedUnbuilt(unreportedDrops)
        unreportedDrops = 0
    }

    /// Samples one command and, if kept, builds and submits its span.
    public func observe(_ event: CommandEvent, summary: CommandSummary) {
        let id = event.connectionID
        let succeeded = event.outcome == .replied && event.error == nil && !event.queued
        let opensTransaction = succeeded && event.name.equalsCaseInsensitive("MULTI")
        let databaseChange = succeeded ? Self.databaseChange(event) : nil
        var connection: SpanConnectionState?
        var lookedUp = false
        if openTransactions > 0 || opensTransaction || databaseChange != nil {
            connection = connections[id]
            lookedUp = true
            if connection?.transaction.isOpen == true {
                observeInTransaction(event, summary: summary)
                return
            }
            if opensTransaction, let connection {
                connection.transaction.open(event)
                openTransactions += 1
                return
            }
        }
        let trace = (high: ids.next(), low: ids.nextNonZero())
        if sampler.keep(traceIDLow: trace.low, isError: SpanBuilder.isError(event), isSlow: summary.slow) {
            if sink.isFull {
                unreportedDrops += 1
                if unreportedDrops >= Self.dropReportBatch { reportDrops() }
            } else {
                if unreportedDrops > 0 { reportDrops() }
                if !lookedUp { connection = connections[id] }
                sink.submit(
                    builder.span(
                        event, summary: summary, peer: connection?.peer ?? unknownPeer,
                        database: connection?.database ?? configuration.initialDatabase, trace: trace,
                        spanID: ids.nextNonZero()))
            }
        }
        if let databaseChange { connection?.database = databaseChange }
    }

    private func observeInTransaction(_ event: CommandEvent, summary: CommandSummary) {
        let id = event.connectionID
        let ends =
            event.name.equalsCaseInsensitive("EXEC") || event.name.equalsCaseInsensitive("DISCARD")
            || (event.name.equalsCaseInsensitive("RESET") && event.error == nil && event.outcome == .replied)
        let isError = SpanBuilder.isError(event)
        guard ends else {
            if event.queued && event.error == nil, let database = Self.databaseChange(event) {
                connections[id]!.transaction.pendingDatabase = database
            }
            connections[id]!.transaction.add(
                event, summary: summary, isError: isError, limit: configuration.maxTransactionCommands)
            return
        }
        // Decide and build from the buffer in place, then close it: closing a buffer no
        // copy refers to keeps its capacity, so an unsampled transaction allocates nothing.
        let trace = (high: ids.next(), low: ids.nextNonZero())
        let anyError = connections[id]!.transaction.anyError || isError
        let anySlow = connections[id]!.transaction.anySlow || summary.slow
        let keep = sampler.keep(traceIDLow: trace.low, isError: anyError, isSlow: anySlow)
        if keep && sink.isFull {
            sink.droppedUnbuilt(connections[id]!.transaction.commands.count + 2)
        } else if keep {
            sink.submit(
                spans(
                    of: connections[id]!.transaction, end: event, endSummary: summary, connection: connections[id]!,
                    trace: trace))
        }
        let pendingDatabase = connections[id]!.transaction.pendingDatabase
        connections[id]!.transaction.close()
        openTransactions -= 1
        let executed = event.outcome == .replied && event.error == nil && !event.replyIsNull
        if event.name.equalsCaseInsensitive("RESET") {
            connections[id]!.database = 0
        } else if executed && event.name.equalsCaseInsensitive("EXEC"), let database = pendingDatabase {
            connections[id]!.database = database
        }
    }

    private func spans(
        of transaction: TransactionBuffer, end: CommandEvent, endSummary: CommandSummary,
        connection: SpanConnectionState, trace: (high: UInt64, low: UInt64)
    ) -> [SpanRecord] {
        let parentID = ids.nextNonZero()
        var spans: [SpanRecord] = []
        spans.reserveCapacity(transaction.commands.count + 2)
        spans.append(
            builder.transactionSpan(
                multi: transaction.multi ?? end, end: end,
                batchSize: transaction.commands.count + transaction.overflow, peer: connection.peer,
                database: connection.database, trace: trace, spanID: parentID))
        for (event, summary) in transaction.commands + [(end, endSummary)] {
            spans.append(
                builder.span(
                    event, summary: summary, peer: connection.peer, database: connection.database,
                    trace: trace, spanID: ids.nextNonZero(), parentSpanID: parentID))
        }
        return spans
    }

    /// The database a successful `SELECT n` switches to (`RESET` goes back to 0, as in Redis).
    static func databaseChange(_ event: CommandEvent) -> Int? {
        if event.name.equalsCaseInsensitive("RESET") { return 0 }
        guard event.name.equalsCaseInsensitive("SELECT"), event.argumentCount == 2,
            !event.firstArgument.isTruncated, event.firstArgument.count > 0
        else { return nil }
        var value = 0
        for index in 0..<event.firstArgument.count {
            let byte = event.firstArgument[index]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"), value < 1_000_000 else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
