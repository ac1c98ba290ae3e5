import RESP
import RedisCommands

/// A forwarded command that awaits its reply (or replies).
///
/// It holds the event it will be recorded as: filled in from the request, completed in
/// place from the reply, and handed to the sink from its queue slot. Building the event
/// at the reply instead copied the entry out of the queue and then into the event
/// (`docs/decisions/0002-hand-written-epoll-data-path.md`).
package struct PendingRequest {
    /// The command's event; its reply fields are set when it ends.
    package var event: CommandEvent
    package var role: CommandRole
    /// Reply frames that complete it: 0 when none will come (`CLIENT REPLY OFF/SKIP`),
    /// nil while unknown (an unsubscribe naming no channel: one per subscription).
    package var expectedReplies: Int?
    package var repliesSeen = 0
    /// Where the request ends in the bytes relayed to the upstream (counted from the first
    /// byte relayed on this connection): once that many were sent, its `sentNanos` is set.
    package var endOffset: UInt64

    package init(
        frame: RESPFrame, connectionID: UInt64, commandID: Int, role: CommandRole, startNanos: UInt64,
        expectedReplies: Int?, queued: Bool = false, endOffset: UInt64 = 0
    ) {
        self.event = CommandEvent(
            name: frame.first,
            firstArgument: frame.second,
            argumentCount: frame.count,
            commandID: commandID,
            connectionID: connectionID,
            startNanos: startNanos,
            endNanos: startNanos,
            requestBytes: frame.byteCount,
            replyBytes: 0,
            outcome: .aborted,
            replyType: .null,
            error: nil,
            replyCount: 0,
            replyIsNull: false,
            queued: queued,
            replyNullChildren: 0,
            replyInteger: 0
        )
        self.role = role
        self.expectedReplies = expectedReplies
        self.endOffset = endOffset
    }

    /// Ends the command with `reply`, its last reply frame (`inout` only to be read in place).
    @inline(__always)
    package mutating func complete(reply: inout RESPFrame, at endNanos: UInt64) {
        event.endNanos = endNanos
        event.outcome = .replied
        event.replyType = reply.type
        event.error = reply.type.isError ? RedisErrorPrefix(errorText: reply.first) : nil
        event.replyCount = reply.count
        event.replyIsNull = reply.isNull
        event.replyNullChildren = reply.nullChildren
        event.replyInteger = reply.integer
    }

    /// Ends the command without a reply (`outcome` is not `.replied`).
    package mutating func end(_ outcome: CommandOutcome, at endNanos: UInt64) {
        event.endNanos = endNanos
        event.outcome = outcome
    }
}
