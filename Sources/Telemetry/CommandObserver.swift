import RedisCommands

/// A per-event-loop consumer of every command beyond the metrics: span export, the
/// activity log. Each ``MetricsShard`` owns its own observers (made by
/// ``TelemetryHub/observerFactories``), so observing takes no lock.
public protocol CommandObserver: AnyObject {
    /// One command ended (any ``CommandOutcome``); `summary` says what the metrics made of it.
    func observe(_ event: CommandEvent, summary: CommandSummary)
    /// A client connected from `address` (`host:port`).
    func connectionOpened(id: UInt64, address: String)
    /// A client connection closed.
    func connectionClosed(id: UInt64)
}

/// What telemetry derived from one ``CommandEvent``, handed to each ``CommandObserver``.
public struct CommandSummary: Sendable {
    /// The command's label in the table (`get`, `config|get`, `other`).
    public var label: String
    /// Its category.
    public var category: CommandCategory
    /// Whether the first argument is a key (safe to show in sanitised text).
    public var firstArgumentIsKey: Bool
    /// Hits the reply showed (0 when the command has no hit rule).
    public var hits: Int
    /// Misses the reply showed.
    public var misses: Int
    /// Whether the command has a hit/miss rule at all.
    public var hasHitRule: Bool
    /// Whether the command took at least the slow threshold.
    public var slow: Bool

    /// Creates a summary.
    public init(
        label: String, category: CommandCategory, firstArgumentIsKey: Bool, hits: Int, misses: Int,
        hasHitRule: Bool, slow: Bool
    ) {
        self.label = label
        self.category = category
        self.firstArgumentIsKey = firstArgumentIsKey
        self.hits = hits
        self.misses = misses
        self.hasHitRule = hasHitRule
        self.slow = slow
    }
}
