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

    func event(connectionID: UInt64, endNanos: UInt64, outcome: CommandOutcome, reply: RESPFrame?) -> CommandEvent {
        let isError = reply?.type.isError ?? false
        return CommandEvent(
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
            replyType: reply?.type ?? .null,
            error: isError ? RedisErrorPrefix(errorText: reply!.first) : nil,
            replyCount: reply?.count ?? 0,
            replyIsNull: reply?.isNull ?? false,
            queued: queued,
            replyNullChildren: reply?.nullChildren ?? 0,
            replyInteger: reply?.integer ?? 0
        )
    }
}
