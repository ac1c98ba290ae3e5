import RESP
import RedisCommands

/// The commands of one `MULTI` transaction, from their `+QUEUED` to their own element of
/// `EXEC`'s reply, for one client connection (part of ``ReplyMatcher``).
///
/// A queued command is recorded once, when its fate is known: with its element of `EXEC`'s
/// reply (hits, misses and errors by the same rules as outside a transaction), or as
/// ``CommandOutcome/discarded`` when the transaction did not run. Its duration is the time
/// until Redis answered `+QUEUED`; the transaction as a whole is timed from `MULTI`'s last
/// request byte to the last byte of the reply that ended it.
package struct TransactionPairing {
    /// Whether `MULTI` was answered `+OK` and no `EXEC`/`DISCARD`/`RESET` ended it yet.
    private(set) var isOpen = false
    /// `EXEC` commands sent whose reply has not ended yet.
    package var execsPending = 0
    /// Elements of `EXEC`'s reply still to come, once its header was read.
    package var elementsLeft: Int?
    private var startNanos: UInt64 = 0
    private var queue: [PendingRequest] = []
    private var next = 0

    /// A queue that grew past this many commands is freed when its transaction ends.
    package static let retainedCapacity = 1_024

    /// `MULTI` was answered: a transaction starts at `start` (its request time).
    package mutating func open(at start: UInt64) {
        reset()
        isOpen = true
        startNanos = start
    }

    /// A command Redis answered `+QUEUED`; `entry` ends at that reply.
    package mutating func queued(_ entry: PendingRequest) {
        queue.append(entry)
    }

    /// Records the next queued command with `element`, its part of `EXEC`'s reply.
    package mutating func element(_ element: inout RESPFrame, sink: any CommandEventSink) {
        guard next < queue.count else { return }
        queue[next].event.replyBytes = element.byteCount
        queue[next].complete(reply: &element, at: queue[next].event.endNanos)
        sink.record(&queue[next].event)
        next += 1
    }

    /// Ends the transaction: queued commands without an element end as `outcome`, and the
    /// transaction is counted as `transaction` (nil: not counted, the connection ended).
    package mutating func close(
        _ outcome: CommandOutcome, transaction: TransactionOutcome?, at now: UInt64, sink: any CommandEventSink
    ) {
        while next < queue.count {
            queue[next].end(outcome, at: queue[next].event.endNanos)
            sink.record(&queue[next].event)
            next += 1
        }
        if isOpen, let transaction { sink.transactionEnded(transaction, durationNanos: now &- startNanos) }
        reset()
    }

    private mutating func reset() {
        isOpen = false
        elementsLeft = nil
        next = 0
        if queue.capacity > Self.retainedCapacity { queue = [] } else { queue.removeAll(keepingCapacity: true) }
    }
}
