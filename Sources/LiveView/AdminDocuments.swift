import Foundation

/// The admin endpoint's JSON documents (`/stats`, `/slowlog`, `/hotkeys`, `/bigkeys`,
/// `/clients`), read leniently: a missing or mistyped field reads as absent, never fails
/// the whole document, so a newer or older proxy still shows what both know.
public struct StatsDocument: Sendable, Equatable {
    /// One command's numbers.
    public struct Command: Sendable, Equatable {
        /// Answered commands.
        public var count: UInt64
        /// Error replies.
        public var errors: UInt64
        /// Median latency, seconds.
        public var p50: Double
        /// 99th percentile latency, seconds.
        public var p99: Double
        /// hits / (hits + misses); nil for commands without hits.
        public var hitRatio: Double?

        /// A command row with these values.
        public init(count: UInt64, errors: UInt64 = 0, p50: Double = 0, p99: Double = 0, hitRatio: Double? = nil) {
            self.count = count
            self.errors = errors
            self.p50 = p50
            self.p99 = p99
            self.hitRatio = hitRatio
        }
    }

    /// By command label (`get`, `set`, ...).
    public var commands: [String: Command] = [:]
    /// Commands answered, by category label (`read`, `write`, ...).
    public var categories: [String: UInt64] = [:]
    /// Error replies, by category label.
    public var categoryErrors: [String: UInt64] = [:]
    /// Hit ratio over all commands with hits and misses.
    public var hitRatio: Double?
    /// The `proxy` section: uptime, pool, upstream state.
    public var proxy: [String: Double] = [:]
    /// The `memory` section (INFO's memory fields), when the proxy polls INFO.
    public var memory: [String: Double]?

    /// An empty document.
    public init() {}

    /// Reads `/stats`; nil when the bytes are not a JSON object.
    public init?(json: [UInt8]) {
        guard let object = JSONValue.object(json) else { return nil }
        for (name, value) in object["commands"] as? [String: Any] ?? [:] {
            guard let command = value as? [String: Any] else { continue }
            commands[name] = Command(
                count: JSONValue.count(command["count"]), errors: JSONValue.count(command["errors"]),
                p50: JSONValue.number(command["p50"]) ?? 0, p99: JSONValue.number(command["p99"]) ?? 0,
                hitRatio: JSONValue.number(command["hit_ratio"]))
        }
        for (name, value) in object["categories"] as? [String: Any] ?? [:] {
            guard let category = value as? [String: Any] else { continue }
            categories[name] = JSONValue.count(category["count"])
            categoryErrors[name] = JSONValue.count(category["errors"])
        }
        hitRatio = JSONValue.number(object["hit_ratio"])
        proxy = JSONValue.numbers(object["proxy"]) ?? [:]
        memory = JSONValue.numbers(object["memory"])
    }
}

/// One `/slowlog` entry.
public struct SlowEntry: Sendable, Equatable {
    /// Command label.
    public var command: String
    /// The command with its key, other arguments as `?` (`GET user:1`), as `/slowlog` has it.
    public var arguments: String
    /// How long it took, seconds.
    public var durationSeconds: Double
    /// The client's address.
    public var client: String
    /// When, Unix seconds.
    public var time: Double

    /// An entry with these values.
    public init(command: String, arguments: String, durationSeconds: Double, client: String, time: Double) {
        self.command = command
        self.arguments = arguments
        self.durationSeconds = durationSeconds
        self.client = client
        self.time = time
    }

    /// Reads `/slowlog` (a JSON array, newest first); nil when it is not an array.
    public static func list(json: [UInt8]) -> [SlowEntry]? {
        guard let array = (try? JSONSerialization.jsonObject(with: Data(json))) as? [Any] else { return nil }
        return array.compactMap { value in
            guard let entry = value as? [String: Any] else { return nil }
            return SlowEntry(
                command: entry["command"] as? String ?? "", arguments: entry["arguments"] as? String ?? "",
                durationSeconds: JSONValue.number(entry["duration_seconds"]) ?? 0,
                client: entry["client"] as? String ?? "", time: JSONValue.number(entry["time"]) ?? 0)
        }
    }
}

/// `/hotkeys`: the keys counted most in the current window.
public struct HotKeysDocument: Sendable, Equatable {
    /// One counted key.
    public struct Key: Sendable, Equatable {
        /// The key as shown (escaped, at most 64 bytes).
        public var key: String
        /// Whether the key was longer than shown.
        public var truncated: Bool
        /// Commands counted on it (an over-estimate by at most `error`).
        public var count: UInt64
        /// Reads, writes, hits and misses among them.
        public var reads: UInt64, writes: UInt64, hits: UInt64, misses: UInt64

        /// A key row with these values.
        public init(
            key: String, truncated: Bool = false, count: UInt64, reads: UInt64 = 0, writes: UInt64 = 0,
            hits: UInt64 = 0, misses: UInt64 = 0
        ) {
            self.key = key
            self.truncated = truncated
            self.count = count
            self.reads = reads
            self.writes = writes
            self.hits = hits
            self.misses = misses
        }
    }

    /// Seconds per window.
    public var windowSeconds: Double
    /// Seconds into the current window.
    public var elapsedSeconds: Double
    /// Keyed commands counted in the current window.
    public var commands: UInt64
    /// The current window's keys, most counted first.
    public var keys: [Key]

    /// A document with these values.
    public init(windowSeconds: Double, elapsedSeconds: Double, commands: UInt64, keys: [Key]) {
        self.windowSeconds = windowSeconds
        self.elapsedSeconds = elapsedSeconds
        self.commands = commands
        self.keys = keys
    }

    /// Reads `/hotkeys`; nil when it is not an object or says `"enabled": false`.
    public init?(json: [UInt8]) {
        guard let object = JSONValue.object(json), object["enabled"] as? Bool ?? true else { return nil }
        let current = object["current"] as? [String: Any] ?? [:]
        windowSeconds = JSONValue.number(object["window_seconds"]) ?? 0
        elapsedSeconds = JSONValue.number(current["elapsed_seconds"]) ?? 0
        commands = JSONValue.count(current["commands"])
        keys = (current["keys"] as? [Any] ?? []).compactMap { value in
            guard let key = value as? [String: Any] else { return nil }
            return Key(
                key: key["key"] as? String ?? "", truncated: key["truncated"] as? Bool ?? false,
                count: JSONValue.count(key["count"]), reads: JSONValue.count(key["reads"]),
                writes: JSONValue.count(key["writes"]), hits: JSONValue.count(key["hits"]),
                misses: JSONValue.count(key["misses"]))
        }
    }
}

/// `/bigkeys`: the largest requests and replies, by key.
public struct BigKeysDocument: Sendable, Equatable {
    /// One large request or reply.
    public struct Value: Sendable, Equatable {
        /// The key as shown (escaped, at most 64 bytes).
        public var key: String
        /// Whether the key was longer than shown.
        public var truncated: Bool
        /// Command label.
        public var command: String
        /// Size in bytes.
        public var bytes: UInt64

        /// A row with these values.
        public init(key: String, truncated: Bool = false, command: String, bytes: UInt64) {
            self.key = key
            self.truncated = truncated
            self.command = command
            self.bytes = bytes
        }
    }

    /// Largest requests first.
    public var requests: [Value]
    /// Largest replies first.
    public var replies: [Value]

    /// A document with these values.
    public init(requests: [Value], replies: [Value]) {
        self.requests = requests
        self.replies = replies
    }

    /// Reads `/bigkeys`; nil when it is not an object or says `"enabled": false`.
    public init?(json: [UInt8]) {
        guard let object = JSONValue.object(json), object["enabled"] as? Bool ?? true else { return nil }
        func values(_ name: String) -> [Value] {
            (object[name] as? [Any] ?? []).compactMap { value in
                guard let entry = value as? [String: Any] else { return nil }
                return Value(
                    key: entry["key"] as? String ?? "", truncated: entry["truncated"] as? Bool ?? false,
                    command: entry["command"] as? String ?? "", bytes: JSONValue.count(entry["bytes"]))
            }
        }
        requests = values("requests")
        replies = values("replies")
    }
}

/// `/clients`: traffic by client label (name or library).
public struct ClientsDocument: Sendable, Equatable {
    /// One label's totals.
    public struct Client: Sendable, Equatable {
        /// The label (`""`: unnamed connections, `other`: beyond the labelled maximum).
        public var label: String
        /// Open connections.
        public var connections: UInt64
        /// Client libraries seen (`redis-py 5.0.1`).
        public var libraries: [String]
        /// Commands, error replies, hits and misses.
        public var commands: UInt64, errors: UInt64, hits: UInt64, misses: UInt64

        /// A row with these values.
        public init(
            label: String, connections: UInt64 = 0, libraries: [String] = [], commands: UInt64, errors: UInt64 = 0,
            hits: UInt64 = 0, misses: UInt64 = 0
        ) {
            self.label = label
            self.connections = connections
            self.libraries = libraries
            self.commands = commands
            self.errors = errors
            self.hits = hits
            self.misses = misses
        }
    }

    /// What labels are: `name`, `lib` or `none`.
    public var labelBy: String
    /// Most commands first.
    public var clients: [Client]

    /// A document with these values.
    public init(labelBy: String, clients: [Client]) {
        self.labelBy = labelBy
        self.clients = clients
    }

    /// Reads `/clients`; nil when it is not an object or says `"enabled": false`.
    public init?(json: [UInt8]) {
        guard let object = JSONValue.object(json), object["enabled"] as? Bool ?? true else { return nil }
        labelBy = object["label_by"] as? String ?? ""
        clients = (object["clients"] as? [Any] ?? []).compactMap { value in
            guard let entry = value as? [String: Any] else { return nil }
            return Client(
                label: entry["label"] as? String ?? "", connections: JSONValue.count(entry["connections"]),
                libraries: entry["libraries"] as? [String] ?? [], commands: JSONValue.count(entry["commands"]),
                errors: JSONValue.count(entry["errors"]), hits: JSONValue.count(entry["hits"]),
                misses: JSONValue.count(entry["misses"]))
        }
    }
}

/// Lenient reads of `JSONSerialization` values.
enum JSONValue {
    static func object(_ bytes: [UInt8]) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
    }

    static func number(_ value: Any?) -> Double? {
        (value as? NSNumber)?.doubleValue
    }

    static func count(_ value: Any?) -> UInt64 {
        guard let number = number(value), number >= 0, number < 1.8e19 else { return 0 }
        return (value as? NSNumber)?.uint64Value ?? UInt64(number)
    }

    static func numbers(_ value: Any?) -> [String: Double]? {
        guard let object = value as? [String: Any] else { return nil }
        var result: [String: Double] = [:]
        for (key, value) in object {
            if let number = number(value) { result[key] = number }
        }
        return result
    }
}
