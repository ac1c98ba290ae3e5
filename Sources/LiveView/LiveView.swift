/// What the live page and `redis-lens top` show, computed from one poll by ``LiveModel``.
public struct LiveView: Sendable {
    /// One command's row.
    public struct CommandRow: Sendable, Equatable {
        /// Command label.
        public var name: String
        /// Answered since start.
        public var count: UInt64
        /// Error replies since start.
        public var errors: UInt64
        /// Per second since the previous poll; nil on the first.
        public var opsPerSecond: Double?
        /// Latency quantiles, seconds.
        public var p50: Double, p99: Double
        /// hits / (hits + misses); nil for commands without hits.
        public var hitRatio: Double?
    }

    /// One category's row.
    public struct CategoryRow: Sendable, Equatable {
        /// Category label.
        public var name: String
        /// Answered since start.
        public var count: UInt64
        /// Per second since the previous poll; nil on the first.
        public var opsPerSecond: Double?
    }

    /// The `/stats` poll failed: why (one line). Everything else is then empty.
    public var problem: String?
    /// Seconds since the proxy started.
    public var uptimeSeconds: Double?
    /// Whether the proxy reaches Redis.
    public var upstreamUp: Bool?
    /// All commands answered since start.
    public var totalCommands: UInt64 = 0
    /// All error replies since start.
    public var totalErrors: UInt64 = 0
    /// All commands per second; nil until two polls.
    public var opsPerSecond: Double?
    /// Error replies per second; nil until two polls.
    public var errorsPerSecond: Double?
    /// Hit ratio over all commands with hits and misses.
    public var hitRatio: Double?
    /// Busiest first (by rate, then count, then name).
    public var commands: [CommandRow] = []
    /// Busiest first.
    public var categories: [CategoryRow] = []
    /// Upstream connections idle, in use, and clients waiting for one.
    public var poolIdle: Double?, poolUsed: Double?, poolWaiting: Double?
    /// Redis's memory (INFO `used_memory`, `maxmemory`, `used_memory_rss`), bytes; nil
    /// when not polled.
    public var usedMemory: Double?, maxMemory: Double?, rssMemory: Double?
    /// Newest first.
    public var slowLog: [SlowEntry] = []
    /// nil: off.
    public var hotKeys: HotKeysDocument?
    /// nil: off.
    public var bigKeys: BigKeysDocument?
    /// nil: off.
    public var clients: ClientsDocument?
    /// Commands per second over the last polls, oldest first.
    public var opsHistory: [Double] = []
    /// Error replies per second over the last polls, oldest first.
    public var errorsHistory: [Double] = []

    /// The view of one poll, without rates (``LiveModel`` adds them).
    public init(_ documents: LiveDocuments) {
        problem = documents.problem
        slowLog = documents.slowLog ?? []
        hotKeys = documents.hotKeys
        bigKeys = documents.bigKeys
        clients = documents.clients
        guard let stats = documents.stats else { return }
        uptimeSeconds = stats.proxy["uptime_seconds"]
        upstreamUp = stats.proxy["upstream_up"].map { $0 > 0 }
        poolIdle = stats.proxy["pool_idle"]
        poolUsed = stats.proxy["pool_used"]
        poolWaiting = stats.proxy["pool_waiting"]
        hitRatio = stats.hitRatio
        usedMemory = stats.memory?["used_memory"]
        maxMemory = stats.memory?["maxmemory"]
        rssMemory = stats.memory?["used_memory_rss"]
        commands = stats.commands.map { name, command in
            CommandRow(
                name: name, count: command.count, errors: command.errors, opsPerSecond: nil, p50: command.p50,
                p99: command.p99, hitRatio: command.hitRatio)
        }
        categories = stats.categories.map { CategoryRow(name: $0.key, count: $0.value, opsPerSecond: nil) }
        sortByRate()
    }

    /// Busiest first: by rate, then by count, then by name.
    mutating func sortByRate() {
        commands.sort {
            ($0.opsPerSecond ?? 0, $0.count, $1.name) > ($1.opsPerSecond ?? 0, $1.count, $0.name)
        }
        categories.sort {
            ($0.opsPerSecond ?? 0, $0.count, $1.name) > ($1.opsPerSecond ?? 0, $1.count, $0.name)
        }
    }
}
