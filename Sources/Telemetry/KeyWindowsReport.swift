import Foundation
import RESP
import RedisCommands

/// Merges the shards' key windows (``ShardSnapshot/keyWindows``) into `/hotkeys`,
/// `/bigkeys` and the `redislens_hotkey_commands` family.
///
/// Hot keys merge by key across shards: counts and errors add. A key without a counter
/// in a shard whose counters were all in use may have had up to that shard's smallest
/// count there, which is added to both its count and its error, so the merged counter
/// keeps `count - error <= true count <= count`.
public struct KeyWindowsReport: Sendable {
    /// What the error bound means, for `/hotkeys`.
    public static let errorBound =
        "count - error <= true count <= count; error <= commands / (4 * k) in each data-path thread's window."

    private let configuration: KeyWindowConfiguration
    private let windows: [KeyWindowSnapshot]
    private let monotonicNow: UInt64
    private let wallNow: Double

    /// A report over `snapshot`'s key windows, as of now.
    public init(
        _ snapshot: ShardSnapshot, configuration: KeyWindowConfiguration,
        monotonicNow: UInt64 = MonotonicClock.nanos(), wallNow: Double = WallClock.unixSeconds()
    ) {
        self.configuration = configuration
        self.windows = snapshot.keyWindows
        self.monotonicNow = monotonicNow
        self.wallNow = wallNow
    }

    private var windowNanos: UInt64 { max(configuration.windowNanos, 1) }
    private var currentIndex: UInt64 { monotonicNow / windowNanos }

    /// The hot keys of window `index`, merged across shards, largest count first (at most k).
    public func hotKeys(index: UInt64) -> (commands: UInt64, keys: [HotKeyCounter]) {
        let matching = windows.filter { $0.index == index }
        let floors = matching.reduce(UInt64(0)) { $0 + $1.hotKeyFloor }
        var merged: [ByteHead: (counter: HotKeyCounter, floors: UInt64)] = [:]
        for window in matching {
            for counter in window.hotKeys {
                if var entry = merged[counter.key] {
                    entry.counter.count += counter.count
                    entry.counter.error += counter.error
                    entry.counter.reads += counter.reads
                    entry.counter.writes += counter.writes
                    entry.counter.hits += counter.hits
                    entry.counter.misses += counter.misses
                    entry.floors += window.hotKeyFloor
                    merged[counter.key] = entry
                } else {
                    merged[counter.key] = (counter, window.hotKeyFloor)
                }
            }
        }
        let keys = merged.values.map { entry in
            var counter = entry.counter
            counter.count += floors - entry.floors
            counter.error += floors - entry.floors
            return counter
        }
        .sorted { ($0.count, $1.error, KeyText.escaped($1.key)) > ($1.count, $0.error, KeyText.escaped($0.key)) }
        return (matching.reduce(0) { $0 + $1.commands }, Array(keys.prefix(configuration.topK)))
    }

    /// The `/hotkeys` document.
    public func hotKeysJSON() -> String {
        var document = HotKeysDocument(
            enabled: configuration.hotKeys, k: configuration.topK, windowSeconds: windowSeconds,
            errorBound: Self.errorBound, current: nil, previous: nil)
        if configuration.hotKeys {
            document.current = window(index: currentIndex, elapsed: Double(monotonicNow % windowNanos) / 1e9)
            if currentIndex > 0, windows.contains(where: { $0.index == currentIndex - 1 }) {
                document.previous = window(index: currentIndex - 1, elapsed: windowSeconds)
            }
        }
        return AdminJSON.encode(document)
    }

    /// The `/bigkeys` document: the current and previous windows together (one to two
    /// windows of history), one entry per key (its largest), largest first, at most k.
    public func bigKeysJSON(table: CommandTable) -> String {
        let recent = windows.filter { $0.index + 1 >= currentIndex }
        func entries(_ path: KeyPath<KeyWindowSnapshot, [BigKeyEntry]>) -> [BigKeyDocument.Entry] {
            var largest: [ByteHead: BigKeyEntry] = [:]
            for entry in recent.flatMap({ $0[keyPath: path] }) where entry.bytes > largest[entry.key]?.bytes ?? -1 {
                largest[entry.key] = entry
            }
            return largest.values.sorted { ($0.bytes, $1.endNanos) > ($1.bytes, $0.endNanos) }
                .prefix(configuration.topK)
                .map { entry in
                    BigKeyDocument.Entry(
                        key: KeyText.escaped(entry.key), keyBytes: entry.key.totalLength,
                        truncated: entry.key.isTruncated,
                        command: entry.commandID < table.commands.count
                            ? table.commands[entry.commandID].label : "other",
                        bytes: entry.bytes, time: unixTime(monotonic: entry.endNanos))
                }
        }
        let since = unixTime(monotonic: (currentIndex > 0 ? currentIndex - 1 : 0) * windowNanos)
        return AdminJSON.encode(
            BigKeyDocument(
                k: configuration.topK, windowSeconds: windowSeconds, since: since, requests: entries(\.requests),
                replies: entries(\.replies)))
    }

    /// `redislens_hotkey_commands{key}`: the current window's top ``KeyWindowConfiguration/metricsTopN``
    /// keys (nothing when hot keys are off or N is 0).
    public func render(into writer: inout PrometheusWriter) {
        guard configuration.hotKeys && configuration.metricsTopN > 0 else { return }
        writer.family(
            "redislens_hotkey_commands", .gauge,
            help:
                "Commands on each of the hottest keys in the current --hotkeys-window (an overestimate; see /hotkeys).")
        for counter in hotKeys(index: currentIndex).keys.prefix(configuration.metricsTopN) {
            writer.sample("redislens_hotkey_commands", [("key", KeyText.label(counter.key))], counter.count)
        }
    }

    private var windowSeconds: Double { Double(windowNanos) / 1e9 }

    private func unixTime(monotonic: UInt64) -> Double {
        wallNow - (Double(monotonicNow) - Double(monotonic)) / 1e9
    }

    private func window(index: UInt64, elapsed: Double) -> HotKeysDocument.Window {
        let (commands, keys) = hotKeys(index: index)
        return HotKeysDocument.Window(
            start: unixTime(monotonic: index * windowNanos), elapsedSeconds: elapsed, commands: commands,
            keys: keys.map { counter in
                HotKeysDocument.Key(
                    key: KeyText.escaped(counter.key), keyBytes: counter.key.totalLength,
                    truncated: counter.key.isTruncated, count: counter.count, error: counter.error,
                    reads: counter.reads, writes: counter.writes, hits: counter.hits, misses: counter.misses)
            })
    }
}

/// `/hotkeys`.
private struct HotKeysDocument: Encodable {
    struct Key: Encodable {
        var key: String
        var keyBytes: Int
        var truncated: Bool
        var count: UInt64, error: UInt64, reads: UInt64, writes: UInt64, hits: UInt64, misses: UInt64
    }

    struct Window: Encodable {
        var start: Double
        var elapsedSeconds: Double
        var commands: UInt64
        var keys: [Key]
    }

    enum CodingKeys: String, CodingKey {
        case enabled, k, windowSeconds, errorBound, current, previous
    }

    var enabled: Bool
    var k: Int
    var windowSeconds: Double
    var errorBound: String
    var current: Window?
    var previous: Window?

    /// Absent windows as `null`, not left out.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(enabled, forKey: .enabled)
        try container.encode(k, forKey: .k)
        try container.encode(windowSeconds, forKey: .windowSeconds)
        try container.encode(errorBound, forKey: .errorBound)
        try container.encode(current, forKey: .current)
        try container.encode(previous, forKey: .previous)
    }
}

/// `/bigkeys`.
private struct BigKeyDocument: Encodable {
    struct Entry: Encodable {
        var key: String
        var keyBytes: Int
        var truncated: Bool
        var command: String
        var bytes: Int
        var time: Double
    }

    var k: Int
    var windowSeconds: Double
    var since: Double
    var requests: [Entry]
    var replies: [Entry]
}
