import Foundation
import Logging
import RESP
import RedisCommands
import TestSupport
import Testing

@testable import Telemetry

@Suite struct KeyWindowsTests {
    static let window: UInt64 = 10_000_000_000

    static func hub(hotKeys: Bool = true, k: Int = 2) -> TelemetryHub {
        var configuration = TelemetryConfiguration()
        configuration.keyWindows.hotKeys = hotKeys
        configuration.keyWindows.topK = k
        configuration.keyWindows.windowNanos = window
        configuration.keyWindows.metricsTopN = hotKeys ? 1 : 0
        return TelemetryHub(
            configuration: configuration, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// `arguments` answered by `reply`, ending at `end` nanoseconds.
    static func event(_ arguments: [String], reply: String, end: UInt64) -> CommandEvent {
        var event = Events.make(arguments, reply: reply)
        event.startNanos = end - 1_000
        event.endNanos = end
        return event
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func shardsMergeByKeyWithTheAbsentKeysFloor() throws {
        let hub = Self.hub(k: 1)  // 4 counters per shard
        let first = hub.makeShard()
        let second = hub.makeShard()
        let base = 5 * Self.window + 1
        for _ in 0..<10 { first.record(Self.event(["GET", "hot"], reply: "$1\r\nv\r\n", end: base)) }
        for _ in 0..<3 { second.record(Self.event(["SET", "hot", "v"], reply: "+OK\r\n", end: base)) }
        // Fill the second shard's counters with 5 other keys, one evicting another.
        for name in ["a", "b", "c", "d", "e"] {
            second.record(Self.event(["GET", name], reply: "$-1\r\n", end: base))
        }
        var merged = first.snapshot()
        merged.merge(second.snapshot())
        let report = KeyWindowsReport(
            merged, configuration: hub.configuration.keyWindows, monotonicNow: base + 1, wallNow: 1_000)
        let (commands, keys) = report.hotKeys(index: 5)
        #expect(commands == 18)
        #expect(keys.count == 1)
        let hot = try #require(keys.first)
        #expect(hot.key == ByteHead(Array("hot".utf8)))
        #expect(hot.count == 13 && hot.error == 0)
        #expect(hot.reads == 10 && hot.writes == 3 && hot.hits == 10 && hot.misses == 0)
        // "a" was evicted in the second shard (floor 1) and never seen in the first.
        let all = KeyWindowsReport(
            merged,
            configuration: {
                var c = hub.configuration.keyWindows; c.topK = 10; return c
            }(),
            monotonicNow: base + 1, wallNow: 1_000
        ).hotKeys(index: 5).keys
        #expect(all.count == 4)
        for counter in all where counter.key != hot.key {
            #expect(counter.count - counter.error <= 1 && counter.count >= 1)
        }
    }

    @Test func windowsRotateLazilyAndAgeOut() throws {
        let hub = Self.hub()
        let shard = hub.makeShard()
        let start = 7 * Self.window
        shard.record(Self.event(["GET", "old"], reply: "$-1\r\n", end: start + 5))
        func document(at now: UInt64) throws -> [String: Any] {
            try Self.json(
                KeyWindowsReport(
                    shard.snapshot(), configuration: hub.configuration.keyWindows, monotonicNow: now,
                    wallNow: Double(now) / 1e9 + 1_000
                ).hotKeysJSON())
        }
        // In its window: current; a window later with no command: previous; later still: gone.
        var doc = try document(at: start + 6)
        #expect(((doc["current"] as? [String: Any])?["commands"] as? Int) == 1)
        #expect(doc["previous"] is NSNull)
        doc = try document(at: start + Self.window + 1)
        #expect(((doc["current"] as? [String: Any])?["commands"] as? Int) == 0)
        #expect(((doc["previous"] as? [String: Any])?["commands"] as? Int) == 1)
        let previousStart = try #require((doc["previous"] as? [String: Any])?["start"] as? Double)
        #expect(abs(previousStart - (Double(start) / 1e9 + 1_000)) < 1e-6)
        doc = try document(at: start + 2 * Self.window + 1)
        #expect(doc["previous"] is NSNull)
        // A command two windows on empties both.
        shard.record(Self.event(["GET", "new"], reply: "$-1\r\n", end: start + 2 * Self.window + 5))
        let windows = shard.snapshot().keyWindows
        #expect(windows.count == 1 && windows[0].index == 9 && windows[0].commands == 1)
    }

    @Test func bigKeysKeepTheLargestPerKey() throws {
        let hub = Self.hub(hotKeys: false, k: 2)
        let shard = hub.makeShard()
        let end = 3 * Self.window
        shard.record(Self.event(["SET", "a", String(repeating: "x", count: 100)], reply: "+OK\r\n", end: end))
        shard.record(Self.event(["SET", "a", String(repeating: "x", count: 300)], reply: "+OK\r\n", end: end))
        shard.record(Self.event(["SET", "b", String(repeating: "x", count: 200)], reply: "+OK\r\n", end: end))
        shard.record(Self.event(["SET", "c", String(repeating: "x", count: 50)], reply: "+OK\r\n", end: end))
        shard.record(Self.event(["GET", "b"], reply: "$3\r\nxyz\r\n", end: end))
        let doc = try Self.json(
            KeyWindowsReport(
                shard.snapshot(), configuration: hub.configuration.keyWindows, monotonicNow: end + 1, wallNow: 0
            ).bigKeysJSON(table: hub.commandTable))
        let requests = try #require(doc["requests"] as? [[String: Any]])
        #expect(requests.map { $0["key"] as? String } == ["a", "b"])
        #expect(requests.map { $0["command"] as? String } == ["set", "set"])
        let replies = try #require(doc["replies"] as? [[String: Any]])
        #expect(replies.first?["key"] as? String == "b" && replies.first?["bytes"] as? Int == 9)
        let hot = try Self.json(
            KeyWindowsReport(shard.snapshot(), configuration: hub.configuration.keyWindows).hotKeysJSON())
        #expect(hot["enabled"] as? Bool == false && hot["current"] is NSNull)
    }

    @Test func keyTextEscapesAndLabelsTruncatedKeysApart() {
        let weird = ByteHead([0x61, 0x00, 0xFF, 0x5C, 0x22])
        #expect(KeyText.escaped(weird) == "a\\x00\\xff\\x5c\"")
        #expect(KeyText.label(weird) == KeyText.escaped(weird))
        let prefix = String(repeating: "p", count: 40)
        let one = Frames.request(["GET", prefix + "1"]).second
        let two = Frames.request(["GET", prefix + "2"]).second
        #expect(KeyText.escaped(one) == String(repeating: "p", count: 32))
        #expect(KeyText.label(one) != KeyText.label(two))
        #expect(KeyText.label(one).hasPrefix(String(repeating: "p", count: 32) + "…"))
    }
}
