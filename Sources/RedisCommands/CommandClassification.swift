import RESP

/// How redis-lens groups commands, from what Redis says about them.
extension CommandCategory {
    /// Commands that remove data or make it expire. Pops (`LPOP`, `SPOP`, `ZPOPMIN`, ...)
    /// stay WRITE: they return what they remove, like a read-and-write.
    static let deletions: Set<String> = [
        "del", "unlink", "getdel", "hdel", "srem", "zrem", "zremrangebylex", "zremrangebyrank",
        "zremrangebyscore", "lrem", "ltrim", "xdel", "xtrim", "expire", "pexpire", "expireat", "pexpireat",
        "flushdb", "flushall",
    ]

    /// Scripts and functions can write; their read-only variants are READ.
    static let scriptWrites: Set<String> = ["eval", "evalsha", "fcall"]

    /// The category of a command (or `parent|sub` subcommand), in this order: the DELETE
    /// list; ACL category `transaction`, `pubsub`, `stream`; flag or ACL category
    /// `write` (and `eval`/`evalsha`/`fcall`) as WRITE; `readonly`/`read` as READ;
    /// everything else (connection, server, scripting management) as ADMIN.
    public init(spec: CommandSpec) {
        let base = spec.name.split(separator: "|").first.map(String.init) ?? spec.name
        if Self.deletions.contains(spec.name) {
            self = .delete
        } else if spec.aclCategories.contains("transaction") {
            self = .transaction
        } else if spec.aclCategories.contains("pubsub") {
            self = .pubsub
        } else if spec.aclCategories.contains("stream") {
            self = .stream
        } else if spec.flags.contains("write") || spec.aclCategories.contains("write")
            || Self.scriptWrites.contains(base)
        {
            self = .write
        } else if spec.flags.contains("readonly") || spec.aclCategories.contains("read") {
            self = .read
        } else {
            self = .admin
        }
    }

    /// The label value: `read`, `write`, `delete`, `admin`, `transaction`, `pubsub`, `stream`, `other`.
    public var label: String {
        switch self {
        case .read: "read"
        case .write: "write"
        case .delete: "delete"
        case .admin: "admin"
        case .transaction: "transaction"
        case .pubsub: "pubsub"
        case .stream: "stream"
        case .unclassified: "other"
        }
    }
}

/// How a command's reply tells a cache hit from a miss.
public enum HitRule: UInt8, Sendable {
    /// The command has no hit or miss.
    case none
    /// A null reply is a miss, anything else (not an error) a hit: `GET`, `HGET`, `LINDEX`, ...
    case nullIsMiss
    /// Each element of the array reply: null is a miss, else a hit: `MGET`, `HMGET`, `ZMSCORE`.
    case nullElementsAreMisses
    /// `EXISTS k1 k2 ...`: the integer reply counts hits, the other keys are misses.
    case existsCount
    /// An integer reply 1 is a hit, 0 a miss: `HEXISTS`, `SISMEMBER`.
    case oneIsHit

    /// The rule for a command label.
    public init(label: String) {
        switch label {
        case "get", "getex", "getdel", "hget", "lindex", "zscore", "zrank", "zrevrank": self = .nullIsMiss
        case "mget", "hmget", "zmscore": self = .nullElementsAreMisses
        case "exists": self = .existsCount
        case "hexists", "sismember": self = .oneIsHit
        default: self = .none
        }
    }

    /// Hits and misses in a reply (zero for commands without a rule, and for errors but
    /// `WRONGTYPE`, which Redis counts as a keyspace hit: the key was found, of another
    /// type). A command queued in `MULTI` is judged by its own element of `EXEC`'s reply,
    /// which its event carries. Inlinable: it runs for every answered command; always
    /// inlined, as a call was passed a copy of the event.
    @inlinable @inline(__always)
    public func count(_ event: CommandEvent) -> (hits: Int, misses: Int) {
        guard event.outcome == .replied else { return (0, 0) }
        if let error = event.error { return error == .wrongtype && self != .none ? (1, 0) : (0, 0) }
        switch self {
        case .none:
            return (0, 0)
        case .nullIsMiss:
            return event.replyIsNull ? (0, 1) : (1, 0)
        case .nullElementsAreMisses:
            guard event.replyCount > 0 else { return (0, 0) }
            return (event.replyCount - event.replyNullChildren, event.replyNullChildren)
        case .existsCount:
            let keys = max(event.argumentCount - 1, 0)
            let hits = min(max(Int(clamping: event.replyInteger), 0), keys)
            return (hits, keys - hits)
        case .oneIsHit:
            guard event.replyType == .integer else { return (0, 0) }
            return event.replyInteger == 1 ? (1, 0) : (0, 1)
        }
    }
}
