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
    /// The `client` label id of each labelled connection (unlabelled ones are absent, so
    /// while none is labelled a command costs one emptiness check).
    private var connectionLabels: [UInt64: Int] = [:]
    /// Per-command counters by `client` label id (index 0, unlabelled, stays nil: those
    /// are ``counters``).
    private var labelledCounters: [LabelledCounters?] = []
    /// The names and libraries connections gave, for their label and `/clients`.
    private var identities: [UInt64: ClientIdentity] = [:]
    /// Libraries of connections that closed, by the label id they closed under.
    private var librariesSeen: [Int: ClientUsage] = [:]
    private let clientLabelMode: ClientLabelMode
    private let observers: [any CommandObserver]
    /// Hot keys and big keys of keyed commands, per window.
    private let keyWindows: KeyWindows
    /// From the configuration, read once: per command, not through the hub.
    private let slowThresholdNanos: UInt64
    private let keyPrefixes: KeyPrefixConfiguration?
    private static let prefixCacheLimit = 4096

    init(hub: TelemetryHub) {
        self.hub = hub
        self.table = hub.commandTable
        self.observers = hub.observerFactories.map { $0() }
        self.slowThresholdNanos = hub.configuration.slowThresholdNanos
        self.keyPrefixes = hub.configuration.keyPrefixes
        self.clientLabelMode = hub.configuration.clientLabel
        self.keyWindows = KeyWindows(hub.configuration.keyWindows)
    }

    /// A copy of the counters so far.
    public func snapshot() -> ShardSnapshot {
        var copy = data
        counters.copy(into: &copy)
        copy.keyWindows = keyWindows.snapshots()
        guard labelledCounters.contains(where: { $0 != nil }) else { return copy }
        var parts = [copy.perCommand]
        for box in labelledCounters.dropFirst() {
            var part = ShardSnapshot()
            box?.counters.copy(into: &part)
            copy.merge(part)
            parts.append(part.perCommand)
        }
        copy.clients = parts
        return copy
    }

    /// Who is connected, by `client` label id (``TelemetryHub/clientLabelValues``).
    public func clientUsage() -> [ClientUsage] {
        var usage: [ClientUsage] = []
        func entry(_ id: Int) -> Int {
            if usage.count <= id { usage += Array(repeating: ClientUsage(), count: id + 1 - usage.count) }
            return id
        }
        for (connection, address) in addresses.sorted(by: { $0.key < $1.key }) {
            let id = entry(connectionLabels[connection] ?? ClientLabelAdmission.unlabelled)
            usage[id].add(address: address)
            if let library = identities[connection]?.library { usage[id].add(library: library) }
        }
        for (id, seen) in librariesSeen { usage[entry(id)].merge(seen) }
        return usage
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
        let duration = event.durationNanos
        let slow = duration >= slowThresholdNanos
        let hits: Int
        let misses: Int
        if let label = connectionLabels.isEmpty ? nil : connectionLabels[event.connectionID] {
            (hits, misses) = recordLabelled(&event, label: label, slow: slow)
        } else {
            if id >= counters.capacity { grow(to: id) }
            (hits, misses) = counters.hitRule(id).count(event)
            // One mutating call: a single access to `data` for all of a command's counters.
            counters.add(
                id: id, durationNanos: duration, error: event.error, hits: hits, misses: misses, slow: slow,
                sizes: (event.requestBytes, event.replyBytes), upstreamNanos: event.upstreamNanos)
        }
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

    /// Counts a command of a connection with `client` label id `label` in that label's counters.
    @inline(never)
    private func recordLabelled(_ event: inout CommandEvent, label: Int, slow: Bool) -> (hits: Int, misses: Int) {
        let id = event.commandID
        if id >= table.commands.count { table = hub.commandTable }
        if labelledCounters.count <= label {
            labelledCounters += Array(repeating: nil, count: label + 1 - labelledCounters.count)
        }
        let box: LabelledCounters
        if let existing = labelledCounters[label] {
            box = existing
        } else {
            box = LabelledCounters()
            labelledCounters[label] = box
        }
        if id >= box.counters.capacity { box.counters.reserve(ids: max(id + 1, table.commands.count), table: table) }
        let (hits, misses) = box.counters.hitRule(id).count(event)
        box.counters.add(
            id: id, durationNanos: event.durationNanos, error: event.error, hits: hits, misses: misses, slow: slow,
            sizes: (event.requestBytes, event.replyBytes), upstreamNanos: event.upstreamNanos)
        return (hits, misses)
    }

    /// Notes a connection's new name or library, and moves its later commands to the
    /// `client` label value that follows from it (``ClientLabelMode``).
    public func clientIdentified(id: UInt64, _ change: ClientIdentityChange) {
        var identity = identities[id] ?? ClientIdentity()
        switch change {
        case .name(let text): identity.name = text.isEmpty ? nil : text
        case .libraryName(let text): identity.libraryName = text.isEmpty ? nil : text
        case .libraryVersion(let text): identity.libraryVersion = text.isEmpty ? nil : text
        }
        identities[id] = identity
        let value: ClientText? =
            switch clientLabelMode {
            case .name: identity.name
            case .lib: identity.libraryName
            case .none: nil
            }
        let label = value.map { hub.clientLabels.admit($0.printable) } ?? ClientLabelAdmission.unlabelled
        let old = connectionLabels[id] ?? ClientLabelAdmission.unlabelled
        guard label != old else { return }
        connectionLabels[id] = label == ClientLabelAdmission.unlabelled ? nil : label
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
        if let identity = identities.removeValue(forKey: id), let library = identity.library {
            librariesSeen[connectionLabels[id] ?? ClientLabelAdmission.unlabelled, default: ClientUsage()]
                .add(library: library)
        }
        connectionLabels[id] = nil
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

/// One `client` label value's per-command counters in a shard (a class: ``ShardCounters``
/// is noncopyable, so it cannot sit in an array).
private final class LabelledCounters {
    var counters = ShardCounters()
}

/// What a connection said about itself.
private struct ClientIdentity {
    var name: ClientText?
    var libraryName: ClientText?
    var libraryVersion: ClientText?

    /// `name version`, as `/clients` lists libraries; nil before `LIB-NAME`.
    var library: String? {
        guard let libraryName else { return nil }
        return libraryVersion.map { libraryName.printable + " " + $0.printable } ?? libraryName.printable
    }
}
