import Histogram
import RedisCommands

/// A copy of one shard's counters (or of several, merged), indexed by command id.
public struct ShardSnapshot: Sendable {
    /// Answered commands per id.
    public var commands: [UInt64] = []
    /// Error replies per id and error prefix: `[id * RedisErrorPrefix.allCases.count + prefix]`.
    public var errors: [UInt64] = []
    /// Duration bucket counts (not cumulative): `[id * DurationBuckets.count + bucket]`.
    public var buckets: [UInt64] = []
    /// Sum of durations per id, in nanoseconds.
    public var durationNanos: [UInt64] = []
    /// Cache hits per id.
    public var hits: [UInt64] = []
    /// Cache misses per id.
    public var misses: [UInt64] = []
    /// Slow commands per id.
    public var slow: [UInt64] = []
    /// Request bytes per id (sum).
    public var requestBytes: [UInt64] = []
    /// Reply bytes per id (sum).
    public var replyBytes: [UInt64] = []
    /// Request size bucket counts (``SizeBuckets``, not cumulative): `[id * SizeBuckets.count + bucket]`.
    public var requestBuckets: [UInt64] = []
    /// Reply size bucket counts, like ``requestBuckets``.
    public var replyBuckets: [UInt64] = []
    /// Upstream duration bucket counts (``DurationBuckets``), of commands whose write
    /// upstream was timed (`CommandEvent.sentNanos != 0`).
    public var upstreamBuckets: [UInt64] = []
    /// Sum of upstream durations per id, in nanoseconds.
    public var upstreamNanos: [UInt64] = []
    /// Each shard's hot and big key windows, as recorded (merged by key when rendered:
    /// ``KeyWindowsReport``).
    public var keyWindows: [KeyWindowSnapshot] = []
    /// Latency distribution per id in microseconds, for quantiles.
    public var latencies: [Histogram<UInt64>?] = []
    /// Upstream duration distribution per id in microseconds (timed commands only).
    public var upstreamLatencies: [Histogram<UInt64>?] = []
    /// Per key prefix (by admitted prefix id): commands, hits, misses.
    public var prefixes: [PrefixCounts] = []
    /// Client connections opened.
    public var connectionsOpened: UInt64 = 0
    /// Client connections closed.
    public var connectionsClosed: UInt64 = 0
    /// Bytes read from clients.
    public var bytesReceived: UInt64 = 0
    /// Bytes written to clients.
    public var bytesSent: UInt64 = 0
    /// Clients disconnected for protocol errors.
    public var protocolErrors: UInt64 = 0
    /// `MULTI` transactions by outcome, and their durations.
    public var transactions = TransactionCounts()
    /// The per-command counters by `client` label id (``TelemetryHub/clientLabelValues``;
    /// 0: connections without a label), only their per-command arrays filled. Empty when
    /// no command had a label: the per-command arrays above always count every command.
    public var clients: [ShardSnapshot] = []

    /// An empty snapshot.
    public init() {}

    /// The per-command counters alone, as one entry of ``clients``.
    public var perCommand: ShardSnapshot {
        var part = self
        part.clients = []
        part.prefixes = []
        part.latencies = []
        part.upstreamLatencies = []
        part.keyWindows = []
        return part
    }

    /// ``clients``, or, when no command had a label, the per-command counters as those of
    /// label id 0.
    public var byClient: [ShardSnapshot] { clients.isEmpty ? [perCommand] : clients }

    /// Adds another snapshot's counts to this one.
    public mutating func merge(_ other: ShardSnapshot) {
        if !clients.isEmpty || !other.clients.isEmpty {
            var mine = byClient
            for (id, part) in other.byClient.enumerated() {
                if id < mine.count { mine[id].merge(part) } else { mine.append(part) }
            }
            clients = mine
        }
        Self.add(&commands, other.commands)
        Self.add(&errors, other.errors)
        Self.add(&buckets, other.buckets)
        Self.add(&durationNanos, other.durationNanos)
        Self.add(&hits, other.hits)
        Self.add(&misses, other.misses)
        Self.add(&slow, other.slow)
        Self.add(&requestBytes, other.requestBytes)
        Self.add(&replyBytes, other.replyBytes)
        Self.add(&requestBuckets, other.requestBuckets)
        Self.add(&replyBuckets, other.replyBuckets)
        Self.add(&upstreamBuckets, other.upstreamBuckets)
        Self.add(&upstreamNanos, other.upstreamNanos)
        keyWindows += other.keyWindows
        Self.add(&latencies, other.latencies)
        Self.add(&upstreamLatencies, other.upstreamLatencies)
        if prefixes.count < other.prefixes.count {
            prefixes += Array(repeating: PrefixCounts(), count: other.prefixes.count - prefixes.count)
        }
        for (id, counts) in other.prefixes.enumerated() {
            prefixes[id].commands += counts.commands
            prefixes[id].hits += counts.hits
            prefixes[id].misses += counts.misses
        }
        connectionsOpened += other.connectionsOpened
        connectionsClosed += other.connectionsClosed
        bytesReceived += other.bytesReceived
        bytesSent += other.bytesSent
        protocolErrors += other.protocolErrors
        transactions.merge(other.transactions)
    }

    private static func add(_ lhs: inout [Histogram<UInt64>?], _ rhs: [Histogram<UInt64>?]) {
        if lhs.count < rhs.count { lhs += Array(repeating: nil, count: rhs.count - lhs.count) }
        for (id, histogram) in rhs.enumerated() {
            guard let histogram else { continue }
            if lhs[id] == nil { lhs[id] = histogram } else { lhs[id]!.add(histogram) }
        }
    }

    private static func add(_ lhs: inout [UInt64], _ rhs: [UInt64]) {
        if lhs.count < rhs.count { lhs += Array(repeating: 0, count: rhs.count - lhs.count) }
        for index in rhs.indices { lhs[index] &+= rhs[index] }
    }
}

/// Counters of one key prefix.
public struct PrefixCounts: Sendable, Equatable {
    /// Commands whose first key has the prefix.
    public var commands: UInt64 = 0
    /// Cache hits among them.
    public var hits: UInt64 = 0
    /// Cache misses among them.
    public var misses: UInt64 = 0

    /// Zero counts.
    public init() {}
}

/// `MULTI` transactions by how they ended, with a duration histogram of all of them.
public struct TransactionCounts: Sendable, Equatable {
    /// Transactions per ``TransactionOutcome`` (by raw value).
    public var byOutcome = [UInt64](repeating: 0, count: TransactionOutcome.allCases.count)
    /// Duration bucket counts (``DurationBuckets``, not cumulative).
    public var buckets = [UInt64](repeating: 0, count: DurationBuckets.count)
    /// Sum of durations, in nanoseconds.
    public var durationNanos: UInt64 = 0

    /// No transactions yet.
    public init() {}

    /// Counts one transaction.
    public mutating func record(_ outcome: TransactionOutcome, durationNanos: UInt64) {
        byOutcome[Int(outcome.rawValue)] &+= 1
        buckets[DurationBuckets.index(nanos: durationNanos)] &+= 1
        self.durationNanos &+= durationNanos
    }

    /// Adds another shard's counts.
    public mutating func merge(_ other: TransactionCounts) {
        for index in byOutcome.indices { byOutcome[index] &+= other.byOutcome[index] }
        for index in buckets.indices { buckets[index] &+= other.buckets[index] }
        durationNanos &+= other.durationNanos
    }
}
