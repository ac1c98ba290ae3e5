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
    /// The command's id in the ``CommandTable`` the connection used (0: `other`).
    public var commandID: Int
    /// The client connection, as numbered by ``CommandEventSink/connectionOpened(id:address:)``.
    public var connectionID: UInt64
    /// Monotonic time (nanoseconds) when the request's last byte was read.
    public var startNanos: UInt64
    /// Monotonic time (nanoseconds) when the reply's last byte was read.
    public var endNanos: UInt64
    /// Monotonic time (nanoseconds) when the request's last byte was written to the upstream
    /// (0 when it was not, or is not known). From there to ``endNanos`` is Redis plus the network.
    public var sentNanos: UInt64
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
    /// The reply's element count (arrays), payload length (strings), -1 for null.
    public var replyCount: Int
    /// Whether the reply was null (`$-1`, `*-1`, `_`).
    public var replyIsNull: Bool
    /// Whether the command was queued inside `MULTI`. Its event then carries its own
    /// element of `EXEC`'s reply (outcome ``CommandOutcome/replied``), or, when the
    /// transaction did not run, outcome ``CommandOutcome/discarded``; its duration is the
    /// time until Redis answered `+QUEUED`.
    public var queued: Bool
    /// Direct null children of an aggregate reply (MGET misses).
    public var replyNullChildren: Int
    /// The integer reply, or the last integer child of an aggregate reply.
    public var replyInteger: Int64

    /// Creates an event.
    @inlinable
    public init(
        name: ByteHead,
        firstArgument: ByteHead,
        argumentCount: Int,
        commandID: Int,
        connectionID: UInt64,
        startNanos: UInt64,
        endNanos: UInt64,
        sentNanos: UInt64 = 0,
        requestBytes: Int,
        replyBytes: Int,
        outcome: CommandOutcome,
        replyType: RESPType,
        error: RedisErrorPrefix?,
        replyCount: Int,
        replyIsNull: Bool,
        queued: Bool = false,
        replyNullChildren: Int,
        replyInteger: Int64
    ) {
        self.name = name
        self.firstArgument = firstArgument
        self.argumentCount = argumentCount
        self.commandID = commandID
        self.connectionID = connectionID
        self.startNanos = startNanos
        self.endNanos = endNanos
        self.sentNanos = sentNanos
        self.requestBytes = requestBytes
        self.replyBytes = replyBytes
        self.outcome = outcome
        self.replyType = replyType
        self.error = error
        self.replyCount = replyCount
        self.replyIsNull = replyIsNull
        self.queued = queued
        self.replyNullChildren = replyNullChildren
        self.replyInteger = replyInteger
    }

    /// Duration in nanoseconds.
    public var durationNanos: UInt64 { endNanos &- startNanos }

    /// Time inside Redis plus the network to it, in nanoseconds: from the request's last byte
    /// written upstream to the reply's last byte read (0 when ``sentNanos`` is not known).
    public var upstreamNanos: UInt64 { sentNanos == 0 || sentNanos > endNanos ? 0 : endNanos &- sentNanos }
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
    /// Queued inside `MULTI`, but the transaction did not run (`DISCARD`, `EXECABORT`, a
    /// `WATCH` conflict): Redis did not run the command, and it is not counted.
    case discarded
}

/// How a `MULTI` transaction ended, for `redislens_transactions_total{outcome}`.
public enum TransactionOutcome: UInt8, Sendable, CaseIterable {
    /// `EXEC` ran the queued commands.
    case exec
    /// `DISCARD` (or `RESET`) dropped them.
    case discard
    /// `EXEC` answered null: a `WATCH`ed key changed, nothing ran.
    case watchConflict
    /// `EXEC` answered an error (`EXECABORT` after a command was rejected at queue time).
    case abort

    /// The label value.
    public var label: String {
        switch self {
        case .exec: "exec"
        case .discard: "discard"
        case .watchConflict: "watch_conflict"
        case .abort: "abort"
        }
    }
}

/// Receives what the data path observes, on the event loop that owns the connection.
///
/// Implementations are confined to one event loop (one sink per loop), so recording
/// needs no lock. Every method but ``record(_:)`` has a no-op default.
public protocol CommandEventSink: AnyObject {
    /// Records one completed command. The event is `inout` only to be passed by address:
    /// the data path completes events in its own queue, and a by-value argument read from
    /// there was copied (192 bytes) per command. Sinks must not change it.
    func record(_ event: inout CommandEvent)
    /// A client connected (called once per connection, before its events).
    func connectionOpened(id: UInt64, address: String)
    /// A client connection closed.
    func connectionClosed(id: UInt64)
    /// Bytes read from a client.
    func clientBytesReceived(_ count: Int)
    /// Bytes written to a client.
    func clientBytesSent(_ count: Int)
    /// A client sent malformed RESP (passed on to Redis, which answers and closes).
    func clientProtocolError()
    /// A `MULTI` transaction ended; `durationNanos` runs from `MULTI`'s last request byte
    /// to the last byte of the reply that ended it.
    func transactionEnded(_ outcome: TransactionOutcome, durationNanos: UInt64)
    /// Redis accepted a connection's new name or library (`CLIENT SETNAME`, `HELLO ...
    /// SETNAME`, `CLIENT SETINFO`, `RESET`); reported after that command's event, so the
    /// connection's later commands carry it.
    func clientIdentified(id: UInt64, _ change: ClientIdentityChange)
}

extension CommandEventSink {
    /// Does nothing.
    public func connectionOpened(id: UInt64, address: String) {}
    /// Does nothing.
    public func connectionClosed(id: UInt64) {}
    /// Does nothing.
    public func clientBytesReceived(_ count: Int) {}
    /// Does nothing.
    public func clientBytesSent(_ count: Int) {}
    /// Does nothing.
    public func clientProtocolError() {}
    /// Does nothing.
    public func transactionEnded(_ outcome: TransactionOutcome, durationNanos: UInt64) {}
    /// Does nothing.
    public func clientIdentified(id: UInt64, _ change: ClientIdentityChange) {}
}

/// A sink that ignores every event.
public final class DiscardingEventSink: CommandEventSink {
    /// Creates the sink.
    public init() {}
    /// Does nothing.
    public func record(_ event: inout CommandEvent) {}
}
