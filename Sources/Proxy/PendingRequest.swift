import RESP
import RedisCommands

/// A forwarded command that awaits its reply (or replies).
struct PendingRequest {
    var name: ByteHead
    var firstArgument: ByteHead
    var argumentCount: Int
    var commandID: Int
    var startNanos: UInt64
    var requestBytes: Int
    var role: CommandRole
    /// Reply frames that complete it: 0 when none will come (`CLIENT REPLY OFF/SKIP`),
    /// nil while unknown (an unsubscribe naming no channel: one per subscription).
    var expectedReplies: Int?
    /// Queued inside `MULTI`: answered `+QUEUED`, its result comes inside `EXEC`'s reply.
    var queued = false
    var repliesSeen = 0
    var replyBytes = 0

    init(frame: RESPFrame, commandID: Int, role: CommandRole, startNanos: UInt64, expectedReplies: Int?) {
        self.name = frame.first
        self.firstArgument = frame.second
        self.argumentCount = frame.count
        self.commandID = commandID
        self.startNanos = startNanos
        self.requestBytes = frame.byteCount
        self.role = role
        self.expectedReplies = expectedReplies
    }

    /// The event of a command answered by `reply`. Written out in full rather than built on
    /// the no-reply event below: filling that one in made the compiler copy each reply's
    /// whole summary again (a 192-byte `memcpy` per reply).
    @inline(__always)
    func event(connectionID: UInt64, endNanos: UInt64, reply: RESPFrame) -> CommandEvent {
        CommandEvent(
            name: name,
            firstArgument: firstArgument,
            argumentCount: argumentCount,
            commandID: commandID,
            connectionID: connectionID,
            startNanos: startNanos,
            endNanos: endNanos,
            requestBytes: requestBytes,
            replyBytes: replyBytes,
            outcome: .replied,
            replyType: reply.type,
            error: reply.type.isError ? RedisErrorPrefix(errorText: reply.first) : nil,
            replyCount: reply.count,
            replyIsNull: reply.isNull,
            queued: queued,
            replyNullChildren: reply.nullChildren,
            replyInteger: reply.integer
        )
    }

    /// The event of a command that got no reply (`outcome` is not `.replied`).
    func event(connectionID: UInt64, endNanos: UInt64, outcome: CommandOutcome) -> CommandEvent {
        CommandEvent(
            name: name,
            firstArgument: firstArgument,
            argumentCount: argumentCount,
            commandID: commandID,
            connectionID: connectionID,
            startNanos: startNanos,
            endNanos: endNanos,
            requestBytes: requestBytes,
            replyBytes: replyBytes,
            outcome: outcome,
            replyType: .null,
            error: nil,
            replyCount: 0,
            replyIsNull: false,
            queued: queued,
            replyNullChildren: 0,
            replyInteger: 0
        )
    }
}
