import RESP

/// One completed command, as the data path reports it to telemetry.
///
/// A plain value with inline storage: building and passing one allocates nothing.
public struct CommandEvent: Sendable {
    /// The command name as sent (first bytes, original case).
    public var name: ByteHead
    /// The first argument (first bytes): a subcommand such as `GET` in `CONFIG GET`, or a key.
    public var firstArgument: ByteHead
    /// Number of arguments including the name.
    public var argumentCount: Int
    /// The command's category; ``CommandCategory/unclassified`` until a classifier sets it.
    public var category: CommandCategory = .unclassified
    /// Monotonic time (nanoseconds) when the request's last byte was read.
    public var startNanos: UInt64
    /// Monotonic time (nanoseconds) when the reply's last byte was read.
    public var endNanos: UInt64
    /// Request size on the wire, in bytes.
    public var requestBytes: Int
    /// Reply size on the wire, in bytes (0 when no reply came).
    public var replyBytes: Int
    /// How the command ended.
    public var outcome: CommandOutcome
    /// The top-level reply type (meaningful when ``outcome`` is ``CommandOutcome/replied``).
    public var replyType: RESPType
    /// The error prefix when the reply was an error.
    public var error: RedisErrorPrefix?
    /// For replies: direct null children (MGET misses) and the integer value.
    public var replyNullChildren: Int
    /// The integer reply, or the last integer child of an aggregate reply.
    public var replyInteger: Int64

    /// Creates an event.
    public init(
        name: ByteHead,
        firstArgument: ByteHead,
        argumentCount: Int,
        startNanos: UInt64,
        endNanos: UInt64,
        requestBytes: Int,
        replyBytes: Int,
        outcome: CommandOutcome,
        replyType: RESPType,
        error: RedisErrorPrefix?,
        replyNullChildren: Int,
        replyInteger: Int64
    ) {
        self.name = name
        self.firstArgument = firstArgument
        self.argumentCount = argumentCount
        self.startNanos = startNanos
        self.endNanos = endNanos
        self.requestBytes = requestBytes
        self.replyBytes = replyBytes
        self.outcome = outcome
        self.replyType = replyType
        self.error = error
        self.replyNullChildren = replyNullChildren
        self.replyInteger = replyInteger
    }

    /// Duration in nanoseconds.
    public var durationNanos: UInt64 { endNanos &- startNanos }
}

/// What a command does, for grouping metrics.
public enum CommandCategory: UInt8, Sendable, CaseIterable {
    /// Reads data (`GET`, `HGETALL`, `LRANGE`, ...).
    case read
    /// Writes data (`SET`, `HSET`, `LPUSH`, ...).
    case write
    /// Removes data or lets it expire (`DEL`, `UNLINK`, `EXPIRE`, `FLUSHDB`, ...).
    case delete
    /// Server and connection administration (`CONFIG`, `CLIENT`, `INFO`, ...).
    case admin
    /// `MULTI`, `EXEC`, `DISCARD`, `WATCH`, `UNWATCH`.
    case transaction
    /// Publish/subscribe.
    case pubsub
    /// Streams (`XADD`, `XREAD`, ...).
    case stream
    /// Not classified (yet).
    case unclassified
}

/// How a command ended.
public enum CommandOutcome: UInt8, Sendable {
    /// Redis replied (possibly with an error).
    case replied
    /// The client asked for no reply (`CLIENT REPLY OFF/SKIP`), so none came.
    case suppressed
    /// The connection ended before the reply came.
    case aborted
}

/// Receives completed commands on the event loop that owns the connection.
///
/// Implementations are confined to one event loop (one sink per loop), so recording
/// needs no lock.
public protocol CommandEventSink: AnyObject {
    /// Records one completed command.
    func record(_ event: CommandEvent)
}

/// A sink that ignores every event.
public final class DiscardingEventSink: CommandEventSink {
    /// Creates the sink.
    public init() {}
    /// Does nothing.
    public func record(_ event: CommandEvent) {}
}
