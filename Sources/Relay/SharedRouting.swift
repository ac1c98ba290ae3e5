import RESP

/// Why a client of a shared upstream connection (`--pool-mode shared`) was given a
/// dedicated connection from the pool: the state it holds lives on a Redis connection.
/// The raw value is the `reason` label of `redislens_client_pinned` and
/// `redislens_client_pins_total`.
public enum PinReason: String, CaseIterable, Sendable {
    /// `MULTI`: the transaction is queued on the connection.
    case transaction
    /// `WATCH`: the watched keys belong to the connection.
    case watch
    /// The subscribe family: the connection is in subscribed mode.
    case subscribe
    /// Blocking commands (`BLPOP` family, `XREAD`, `WAIT`, `WAITAOF`): they would stall
    /// every client behind them on a shared connection.
    case blocking
    /// `MONITOR`: the connection streams every command.
    case monitor
    /// `SYNC`, `PSYNC`, `REPLCONF`: a replication stream.
    case replication
    /// `CLIENT REPLY OFF|SKIP`: replies switched off change the reply count.
    case clientReply = "client_reply"
    /// `CLIENT TRACKING` and its companions: invalidations for this connection.
    case tracking
    /// Other `CLIENT` subcommands: they read or set this connection's own record.
    case client
    /// `CLIENT PAUSE`, `CLIENT UNPAUSE`.
    case pause
    /// `HELLO`: the protocol (and maybe the user and name) of the connection.
    case `protocol`
    /// `AUTH` as another user than the shared connections'.
    case auth
    /// `SELECT` of another database than the shared connections'.
    case database
    /// `RESET`.
    case reset
    /// `QUIT`.
    case quit
    /// `SCRIPT KILL`, `FUNCTION KILL`: must reach Redis while a script runs.
    case scriptKill = "script_kill"
    /// Malformed input (a scanner error, a frame over the request limits): never sent on a
    /// shared connection (Redis would close it for everyone).
    case malformed
    /// A request frame that outgrew the per-session buffer (64 KiB): streamed on a
    /// dedicated connection instead (bounded memory).
    case largeRequest = "large_request"

    /// The reason's index in ``allCases`` (for per-reason counters).
    public var index: Int {
        switch self {
        case .transaction: 0
        case .watch: 1
        case .subscribe: 2
        case .blocking: 3
        case .monitor: 4
        case .replication: 5
        case .clientReply: 6
        case .tracking: 7
        case .client: 8
        case .pause: 9
        case .protocol: 10
        case .auth: 11
        case .database: 12
        case .reset: 13
        case .quit: 14
        case .scriptKill: 15
        case .malformed: 16
        case .largeRequest: 17
        }
    }
}

/// How long a pinned client keeps its dedicated connection.
public enum PinRelease: Sendable, Equatable {
    /// Only while the pinning command's reply is owed.
    case reply
    /// Until the state the command opened ends (the transaction, the watch, the subscriptions).
    case unwound
    /// Until `RESET` was answered `+RESET`.
    case reset
    /// For the rest of the client's connection.
    case connectionEnd
}

/// Where a request of a client in shared mode goes.
public enum SharedRoute: Sendable, Equatable {
    /// Onto the loop's shared upstream connection (exactly one reply frame comes back).
    case shared
    /// Onto a dedicated connection from the pool, for `release`.
    case pin(PinReason, PinRelease)
}

/// What the shared connections were logged in as, which decides whether `AUTH` and
/// `SELECT` leave a client's state as it is on them.
public struct SharedLogin: Sendable, Equatable {
    /// The user the shared connections are authenticated as, when they logged in with a
    /// password (`--client-login-from-upstream`); nil when they were not logged in.
    public var user: ByteHead?
    /// The database the shared connections use (0, or the URL's with `--client-login-from-upstream`).
    public var database: Int

    /// Not logged in, database 0 (the default: clients authenticate themselves).
    public init(user: [UInt8]? = nil, database: Int = 0) {
        self.user = user.map { ByteHead($0) }
        self.database = database
    }
}

/// Decides, per request of a client in shared mode, whether it may go on the shared
/// connection or needs a dedicated one (and for how long). Every command on a shared
/// connection must get exactly one reply frame and leave no state on the connection that
/// another client could see; the commands below are the ones that would not.
///
/// | command | route |
/// |---|---|
/// | names of 3 bytes or fewer, and every command not below (`GET`, `SET`, `EVAL`, `FCALL`, `PING`, `INFO`...) | shared |
/// | `MULTI` | transaction, unwound (`EXEC`/`DISCARD` of the open transaction, or `RESET`) |
/// | `WATCH` | watch, unwound (`UNWATCH`, `EXEC`/`DISCARD` of an open transaction, `RESET`) |
/// | `UNWATCH`, `EXEC`, `DISCARD` while shared | shared (Redis answers `+OK` or its error; nothing is open) |
/// | `SUBSCRIBE`, `PSUBSCRIBE`, `SSUBSCRIBE` | subscribe, unwound (subscriptions back to 0) |
/// | `UNSUBSCRIBE`, `PUNSUBSCRIBE`, `SUNSUBSCRIBE` while shared | subscribe, reply (their reply count varies) |
/// | `BLPOP BRPOP BRPOPLPUSH BLMOVE BLMPOP BZPOPMIN BZPOPMAX BZMPOP XREAD XREADGROUP` | blocking, reply (`XREAD*` with or without `BLOCK`, as the scanner keeps only the first two arguments; but `XREAD STREAMS ...`, which cannot block, is shared) |
/// | `WAIT`, `WAITAOF` | blocking, reset (on a new connection they would count from offset 0; writes sent before the first `WAIT` went over the shared connection) |
/// | `MONITOR` | monitor, connection end |
/// | `SYNC`, `PSYNC`, `REPLCONF` | replication, connection end |
/// | `CLIENT REPLY OFF`/`SKIP` | client_reply, reset; `CLIENT REPLY ON` (or a bad argument) while shared: shared |
/// | `CLIENT TRACKING`, `CACHING`, `GETREDIR`, `TRACKINGINFO` | tracking, reset |
/// | `CLIENT NO-EVICT`, `NO-TOUCH` | client, connection end (`RESET` does not clear them) |
/// | `CLIENT PAUSE` | pause, reset; `CLIENT UNPAUSE`: pause, reply (must not queue behind paused writes) |
/// | `CLIENT SETINFO` | shared (Redis validates and answers; the value lands on the shared connection) |
/// | any other `CLIENT` subcommand (`ID`, `INFO`, `GETNAME`, `SETNAME`, `LIST`, `KILL`, `UNBLOCK`...) | client, reset |
/// | `HELLO` (any form) | protocol, reset |
/// | `AUTH` | shared when the shared connections logged in with a password and the user named is theirs (`AUTH pw` names `default`); else auth, reset |
/// | `SELECT n` | shared when `n` is the shared connections' database (written canonically); else database, reset |
/// | `RESET` | reset, reply (its `+RESET` clears the reset reasons) |
/// | `QUIT` | quit, connection end |
/// | `SCRIPT KILL`, `FUNCTION KILL` | script_kill, reply (must reach Redis while a script runs on a shared connection) |
public enum SharedRouting {
    /// The route of one complete request frame. Names of 3 bytes or fewer are shared at
    /// once (like ``CommandRole/mayApply(toNameLength:)``).
    @inlinable
    public static func classify(_ frame: borrowing RESPFrame, login: SharedLogin) -> SharedRoute {
        let name = frame.first
        guard name.totalLength > 3 else { return .shared }
        return classifyNamed(name: name, second: frame.second, third: frame.third, count: frame.count, login: login)
    }

    @usableFromInline
    static func classifyNamed(
        name: ByteHead, second: ByteHead, third: ByteHead, count: Int, login: SharedLogin
    ) -> SharedRoute {
        switch name.totalLength {
        case 4:
            if name.equalsCaseInsensitive("AUTH") { return auth(second: second, count: count, login: login) }
            if name.equalsCaseInsensitive("WAIT") { return .pin(.blocking, .reset) }
            if name.equalsCaseInsensitive("QUIT") { return .pin(.quit, .connectionEnd) }
            if name.equalsCaseInsensitive("SYNC") { return .pin(.replication, .connectionEnd) }
        case 5:
            if name.equalsCaseInsensitive("MULTI") { return .pin(.transaction, .unwound) }
            if name.equalsCaseInsensitive("WATCH") { return .pin(.watch, .unwound) }
            if name.equalsCaseInsensitive("BLPOP") || name.equalsCaseInsensitive("BRPOP") {
                return .pin(.blocking, .reply)
            }
            if name.equalsCaseInsensitive("XREAD") {
                // Options come before STREAMS, so `XREAD STREAMS ...` never blocks. After
                // `COUNT n`, a BLOCK would lie past the arguments the scanner keeps: pinned.
                return second.equalsCaseInsensitive("STREAMS") ? .shared : .pin(.blocking, .reply)
            }
            if name.equalsCaseInsensitive("RESET") { return .pin(.reset, .reply) }
            if name.equalsCaseInsensitive("HELLO") { return .pin(.protocol, .reset) }
            if name.equalsCaseInsensitive("PSYNC") { return .pin(.replication, .connectionEnd) }
        case 6:
            if name.equalsCaseInsensitive("CLIENT") { return client(second, third, count: count) }
            if name.equalsCaseInsensitive("SELECT") { return select(second: second, count: count, login: login) }
            if name.equalsCaseInsensitive("BLMOVE") || name.equalsCaseInsensitive("BLMPOP")
                || name.equalsCaseInsensitive("BZMPOP")
            {
                return .pin(.blocking, .reply)
            }
            if name.equalsCaseInsensitive("SCRIPT") && second.equalsCaseInsensitive("KILL") {
                return .pin(.scriptKill, .reply)
            }
        case 7:
            if name.equalsCaseInsensitive("MONITOR") { return .pin(.monitor, .connectionEnd) }
            if name.equalsCaseInsensitive("WAITAOF") { return .pin(.blocking, .reset) }
        case 8:
            if name.equalsCaseInsensitive("BZPOPMIN") || name.equalsCaseInsensitive("BZPOPMAX") {
                return .pin(.blocking, .reply)
            }
            if name.equalsCaseInsensitive("REPLCONF") { return .pin(.replication, .connectionEnd) }
            if name.equalsCaseInsensitive("FUNCTION") && second.equalsCaseInsensitive("KILL") {
                return .pin(.scriptKill, .reply)
            }
        case 9:
            if name.equalsCaseInsensitive("SUBSCRIBE") { return .pin(.subscribe, .unwound) }
        case 10:
            if name.equalsCaseInsensitive("PSUBSCRIBE") || name.equalsCaseInsensitive("SSUBSCRIBE") {
                return .pin(.subscribe, .unwound)
            }
            if name.equalsCaseInsensitive("BRPOPLPUSH") || name.equalsCaseInsensitive("XREADGROUP") {
                return .pin(.blocking, .reply)
            }
        case 11:
            if name.equalsCaseInsensitive("UNSUBSCRIBE") { return .pin(.subscribe, .reply) }
        case 12:
            if name.equalsCaseInsensitive("PUNSUBSCRIBE") || name.equalsCaseInsensitive("SUNSUBSCRIBE") {
                return .pin(.subscribe, .reply)
            }
        default:
            break
        }
        return .shared
    }

    /// `CLIENT` subcommands: see the table.
    static func client(_ sub: ByteHead, _ argument: ByteHead, count: Int) -> SharedRoute {
        if sub.equalsCaseInsensitive("SETINFO") { return .shared }
        if sub.equalsCaseInsensitive("REPLY") {
            if argument.equalsCaseInsensitive("OFF") || argument.equalsCaseInsensitive("SKIP") {
                return .pin(.clientReply, .reset)
            }
            return .shared  // ON, or an argument Redis refuses: one reply, no state
        }
        if sub.equalsCaseInsensitive("TRACKING") || sub.equalsCaseInsensitive("CACHING")
            || sub.equalsCaseInsensitive("GETREDIR") || sub.equalsCaseInsensitive("TRACKINGINFO")
        {
            return .pin(.tracking, .reset)
        }
        if sub.equalsCaseInsensitive("NO-EVICT") || sub.equalsCaseInsensitive("NO-TOUCH") {
            return .pin(.client, .connectionEnd)
        }
        if sub.equalsCaseInsensitive("PAUSE") { return .pin(.pause, .reset) }
        if sub.equalsCaseInsensitive("UNPAUSE") { return .pin(.pause, .reply) }
        return .pin(.client, .reset)
    }

    /// `AUTH [user] password`: shared only as the shared connections' own user.
    static func auth(second: ByteHead, count: Int, login: SharedLogin) -> SharedRoute {
        guard let user = login.user, !user.isTruncated else { return .pin(.auth, .reset) }
        switch count {
        case 2 where user == ByteHead(Array("default".utf8)):
            return .shared
        case 3 where second == user:
            return .shared
        default:
            return .pin(.auth, .reset)
        }
    }

    /// `SELECT n`: shared when `n`, written as Redis writes it, is the shared connections' database.
    static func select(second: ByteHead, count: Int, login: SharedLogin) -> SharedRoute {
        guard count == 2, let database = canonicalInteger(second), database == login.database else {
            return .pin(.database, .reset)
        }
        return .shared
    }

    /// A non-negative decimal without sign or leading zeros; nil otherwise.
    static func canonicalInteger(_ head: ByteHead) -> Int? {
        guard head.count > 0, head.count <= 9, !head.isTruncated else { return nil }
        if head.count > 1 && head[0] == UInt8(ascii: "0") { return nil }
        var value = 0
        for index in 0..<head.count {
            let byte = head[index]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
