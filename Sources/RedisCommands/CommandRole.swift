import RESP

/// What a command means for matching replies to requests: most commands get exactly
/// one reply; these change how many replies come, or what counts as a reply.
public enum CommandRole: Sendable, Equatable {
    /// Exactly one reply.
    case ordinary
    /// `SUBSCRIBE`, `PSUBSCRIBE`, `SSUBSCRIBE`: one confirmation per channel.
    case subscribe(SubscriptionKind)
    /// `UNSUBSCRIBE`, `PUNSUBSCRIBE`, `SUNSUBSCRIBE`: one confirmation per channel
    /// named, or per channel subscribed when none is named.
    case unsubscribe(SubscriptionKind)
    /// `MONITOR`: one `+OK`, then the connection streams monitor lines.
    case monitor
    /// `RESET`: `+RESET`, and the connection is back to its initial state.
    case reset
    /// `QUIT`: `+OK`, then Redis closes the connection.
    case quit
    /// `CLIENT REPLY OFF`: no reply to it or to anything after it until `CLIENT REPLY ON`.
    case clientReplyOff
    /// `CLIENT REPLY SKIP`: no reply to it or to the next command.
    case clientReplySkip
    /// `CLIENT REPLY ON`: replies resume.
    case clientReplyOn
    /// `MULTI`: commands until `EXEC`/`DISCARD` are queued (`+QUEUED`).
    case multi
    /// `EXEC` or `DISCARD`: ends a transaction.
    case endTransaction
    /// `SYNC`/`PSYNC`: a replication stream follows, which is not RESP; the connection
    /// becomes a raw relay.
    case replication
    /// Queued inside `MULTI` (assigned by the reply matcher, never by ``init(request:)``):
    /// answered `+QUEUED`, its result is its element of `EXEC`'s reply.
    case queued
    /// Sets connection state that `RESET` does not clear (`CLIENT NO-EVICT`,
    /// `CLIENT NO-TOUCH`): the connection must not be reused.
    case unresettable
    /// `CLIENT SETNAME name`: names the connection once Redis answers `+OK`.
    case clientSetName
    /// `CLIENT SETINFO LIB-NAME|LIB-VER value`: like ``unresettable`` (`RESET` keeps it),
    /// and names the connection's library once Redis answers `+OK`.
    case clientSetInfo
    /// `HELLO` with arguments after the protocol version (`AUTH`, `SETNAME`): may name
    /// the connection once Redis answers.
    case hello

    /// Commands Redis runs at once even inside `MULTI`, never queued: `MULTI` (refused
    /// there), `EXEC`, `DISCARD`, `RESET` (which also ends the transaction) and `QUIT`.
    public var isNeverQueued: Bool {
        switch self {
        case .multi, .endTransaction, .reset, .quit: true
        default: false
        }
    }

    /// Whether the command may name the connection or its library (`CLIENT SETNAME`,
    /// `CLIENT SETINFO`, `HELLO`).
    public var mayIdentifyClient: Bool {
        switch self {
        case .clientSetName, .clientSetInfo, .hello: true
        default: false
        }
    }

    /// Whether a command name of `length` bytes can have a role other than `.ordinary`:
    /// none of three bytes or fewer does. Checked first, this spares `GET`, `SET` and
    /// `DEL` the copy of the frame that ``init(request:)`` costs the data path
    /// (`docs/decisions/0002-hand-written-epoll-data-path.md`).
    @inlinable
    public static func mayApply(toNameLength length: Int) -> Bool { length > 3 }

    /// The role of a request, from its command name and first argument.
    @inlinable
    public init(request frame: RESPFrame) {
        let name = frame.first
        switch name.totalLength {
        case 4:
            if name.equalsCaseInsensitive("QUIT") {
                self = .quit
            } else if name.equalsCaseInsensitive("EXEC") {
                self = .endTransaction
            } else if name.equalsCaseInsensitive("SYNC") {
                self = .replication
            } else {
                self = .ordinary
            }
        case 5:
            if name.equalsCaseInsensitive("RESET") {
                self = .reset
            } else if name.equalsCaseInsensitive("MULTI") {
                self = .multi
            } else if name.equalsCaseInsensitive("PSYNC") {
                self = .replication
            } else if frame.count >= 4 && name.equalsCaseInsensitive("HELLO") {
                self = .hello
            } else {
                self = .ordinary
            }
        case 6:
            self =
                name.equalsCaseInsensitive("CLIENT")
                ? Self.client(subcommand: frame.second, argument: frame.third, count: frame.count) : .ordinary
        case 7:
            if name.equalsCaseInsensitive("MONITOR") {
                self = .monitor
            } else if name.equalsCaseInsensitive("DISCARD") {
                self = .endTransaction
            } else {
                self = .ordinary
            }
        case 9...12:
            self = Self.pubsub(name)
        default:
            self = .ordinary
        }
    }

    /// Takes the frame's pieces, not the frame: a whole frame passed here made the
    /// inlined caller copy every request's summary.
    @usableFromInline
    static func client(subcommand sub: ByteHead, argument: ByteHead, count: Int) -> CommandRole {
        if sub.equalsCaseInsensitive("NO-EVICT") || sub.equalsCaseInsensitive("NO-TOUCH") {
            return .unresettable
        }
        if sub.equalsCaseInsensitive("SETINFO") { return count == 4 ? .clientSetInfo : .unresettable }
        if count == 3 && sub.equalsCaseInsensitive("SETNAME") { return .clientSetName }
        guard count == 3, sub.equalsCaseInsensitive("REPLY") else { return .ordinary }
        if argument.equalsCaseInsensitive("OFF") { return .clientReplyOff }
        if argument.equalsCaseInsensitive("SKIP") { return .clientReplySkip }
        if argument.equalsCaseInsensitive("ON") { return .clientReplyOn }
        return .ordinary
    }

    @usableFromInline
    static func pubsub(_ name: ByteHead) -> CommandRole {
        for kind in SubscriptionKind.allCases {
            if name.equalsCaseInsensitive(kind.subscribeCommand) { return .subscribe(kind) }
            if name.equalsCaseInsensitive(kind.unsubscribeCommand) { return .unsubscribe(kind) }
        }
        return .ordinary
    }
}

/// The three kinds of pub/sub subscription.
public enum SubscriptionKind: UInt8, Sendable, CaseIterable {
    /// Plain channels (`SUBSCRIBE`).
    case channel
    /// Patterns (`PSUBSCRIBE`).
    case pattern
    /// Shard channels (`SSUBSCRIBE`).
    case shard

    /// The subscribing command's name.
    public var subscribeCommand: StaticString {
        switch self {
        case .channel: "SUBSCRIBE"
        case .pattern: "PSUBSCRIBE"
        case .shard: "SSUBSCRIBE"
        }
    }

    /// The unsubscribing command's name.
    public var unsubscribeCommand: StaticString {
        switch self {
        case .channel: "UNSUBSCRIBE"
        case .pattern: "PUNSUBSCRIBE"
        case .shard: "SUNSUBSCRIBE"
        }
    }

    /// The kind a confirmation or message frame names (`subscribe`, `pmessage`, ...), if any.
    public static func confirmation(_ head: ByteHead) -> SubscriptionKind? {
        for kind in allCases {
            if head.equalsCaseInsensitive(kind.subscribeCommand) || head.equalsCaseInsensitive(kind.unsubscribeCommand)
            {
                return kind
            }
        }
        return nil
    }

    /// Whether a frame's first element names a published message (`message`, `pmessage`, `smessage`).
    public static func isMessage(_ head: ByteHead) -> Bool {
        head.equalsCaseInsensitive("message") || head.equalsCaseInsensitive("pmessage")
            || head.equalsCaseInsensitive("smessage")
    }
}
