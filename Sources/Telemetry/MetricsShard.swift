import Histogram
import Logging
import RESP
import RedisCommands

/// The counters of one event loop: every connection on that loop records here, so
/// recording takes no lock and, once a command's arrays have grown to its id, allocates
/// nothing. Scrapes copy it (on its loop) into a ``ShardSnapshot``.
public final class MetricsShard: CommandEventSink {
    private let hub: TelemetryHub
    private var table: CommandTable
    /// Per-command counters (the hot path).
    private var counters = ShardCounters()
    /// Everything else: key prefixes, connections, bytes (its per-command arrays stay empty).
    private var data = ShardSnapshot()
    private var prefixCache: [ByteHead: Int] = [:]
    private var addresses: [UInt64: String] = [:]
    private let observers: [any CommandObserver]
    /// From the configuration, read once: per command, not through the hub.
    private let slowThresholdNanos: UInt64
    private let keyPrefixes: KeyPrefixConfiguration?
    /// Hot keys and big keys of keyed commands, per window.
    private let keyWindows: KeyWindows
    private static let prefixCacheLimit = 4096

    init(hub: TelemetryHub) {
        self.hub = hub
        self.table = hub.commandTable
        self.observers = hub.observerFactories.map { $0() }
        self.slowThresholdNanos = hub.configuration.slowThresholdNanos
        self.keyPrefixes = hub.configuration.keyPrefixes
        self.keyWindows = KeyWindows(hub.configuration.keyWindows)
    }

    /// A copy of the counters so far.
    public func snapshot() -> ShardSnapshot {
        var copy = data
        counters.copy(into: &copy)
        copy.keyWindows = keyWindows.snapshots()
        return copy
    }

    /// Records one command (a copy of `event`, for callers that hold a value).
    public func record(_ event: CommandEvent) {
        var event = event
        record(&event)
    }

    /// Records one command: count, duration, error, hit/miss, slowness, key prefix.
    public func record(_ event: inout CommandEvent) {
        if event.outcome == .replied {
            let (hits, misses, slow) = recordMetrics(&event)
            if !observers.isEmpty { notify(event, hits: hits, misses: misses, slow: slow) }
        } else if !observers.isEmpty {
            if event.commandID >= table.commands.count { table = hub.commandTable }
            notify(event, hits: 0, misses: 0, slow: false)
        }
    }

    private func notify(_ event: CommandEvent, hits: Int, misses: Int, slow: Bool) {
        let id = event.commandID < table.commands.count ? event.commandID : 0
        let summary = CommandSummary(
            label: table.commands[id].label, category: table.commands[id].category,
            firstArgumentIsKey: table.firstKeys[id] == 1, hits: hits, misses: misses,
            hasHitRule: table.hitRules[id] != .none, slow: slow)
        for observer in observers { observer.observe(event, summary: summary) }
    }

    /// `inout` and inlined: a by-value event, read from the caller's `inout` one, was copied
    /// whole (192 bytes) per command.
    @inline(__always)
    private func recordMetrics(_ event: inout CommandEvent) -> (hits: Int, misses: Int, slow: Bool) {
        let id = event.commandID
        if id >= counters.capacity { grow(to: id) }
        let duration = event.durationNanos
        let (hits, misses) = counters.hitRule(id).count(event)
        let slow = duration >= slowThresholdNanos
        // One mutating call: a single access to `data` for all of a command's counters.
        counters.add(
            id: id, durationNanos: duration, error: event.error, hits: hits, misses: misses, slow: slow,
            sizes: (event.requestBytes, event.replyBytes), upstreamNanos: event.upstreamNanos)
        if slow {
            hub.recordSlow(
                event, label: table.commands[id].label, firstKey: table.firstKeys[id],
                address: addresses[event.connectionID])
        }
        if table.firstKeys[id] == 1 && event.argumentCount > 1 {
            keyWindows.record(&event, category: table.commands[id].category, hits: hits, misses: misses)
            if let prefixes = keyPrefixes {
                let prefixID = prefixID(of: event.firstArgument, prefixes)
                data.prefixes[prefixID].commands &+= 1
                data.prefixes[prefixID].hits &+= UInt64(hits)
                data.prefixes[prefixID].misses &+= UInt64(misses)
            }
        }
        return (hits, misses, slow)
    }

    /// Counts a new client connection and remembers its address for the slow log.
    public func connectionOpened(id: UInt64, address: String) {
        data.connectionsOpened &+= 1
        addresses[id] = address
        for observer in observers { observer.connectionOpened(id: id, address: address) }
    }

    /// Counts a closed client connection.
    public func connectionClosed(id: UInt64) {
        data.connectionsClosed &+= 1
        addresses[id] = nil
        for observer in observers { observer.connectionClosed(id: id) }
    }

    /// Counts bytes read from clients.
    public func clientBytesReceived(_ count: Int) { data.bytesReceived &+= UInt64(count) }

    /// Counts bytes written to clients.
    public func clientBytesSent(_ count: Int) { data.bytesSent &+= UInt64(count) }

    /// Counts a client disconnected for a protocol error.
    public func clientProtocolError() { data.protocolErrors &+= 1 }

    /// Counts a transaction by how it ended, and its duration.
    public func transactionEnded(_ outcome: TransactionOutcome, durationNanos: UInt64) {
        data.transactions.record(outcome, durationNanos: durationNanos)
    }

    private func grow(to id: Int) {
        if id >= table.commands.count { table = hub.commandTable }
        counters.reserve(ids: max(id + 1, table.commands.count), table: table)
    }

    private func prefixID(of key: ByteHead, _ configuration: KeyPrefixConfiguration) -> Int {
        let prefix = KeyPrefix.extract(from: key, configuration)
        if let id = prefixCache[prefix] { return id }
        let id = hub.prefixes.isFull ? 0 : hub.prefixes.admit(prefix)
        if prefixCache.count < Self.prefixCacheLimit { prefixCache[prefix] = id }
        if data.prefixes.count <= id {
            data.prefixes += Array(repeating: PrefixCounts(), count: id + 1 - data.prefixes.count)
        }
        return id
    }
}
