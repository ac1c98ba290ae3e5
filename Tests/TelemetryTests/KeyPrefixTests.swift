import RedisCommands
import Telemetry
import TestSupport
import Testing

@Suite struct KeyPrefixes {
    /// Records `GET key` for each key; returns prefix label → command count.
    func prefixCounts(_ keys: [String], _ settings: KeyPrefixConfiguration) -> [String: UInt64] {
        let hub = makeHub(prefixes: settings)
        let shard = hub.makeShard()
        for key in keys { shard.record(Events.make(["GET", key], reply: "$-1\r\n")) }
        let labels = hub.prefixLabels
        var counts: [String: UInt64] = [:]
        for (id, prefix) in shard.snapshot().prefixes.enumerated() where prefix.commands > 0 {
            counts[labels[id]] = prefix.commands
        }
        return counts
    }

    @Test func depthOneIsTheFirstSegment() {
        let counts = prefixCounts(["user:1:profile", "user:2", "order:9", "user:"], prefixSettings(depth: 1))
        #expect(counts == ["user": 3, "order": 1])
    }

    @Test func depthTwoIsTheFirstTwoSegments() {
        let counts = prefixCounts(
            ["user:1:profile", "user:1:cart", "user:2:profile", "user:3", "a::b"], prefixSettings(depth: 2))
        #expect(counts == ["user:1": 2, "user:2": 1, "(none)": 1, "a:": 1])
    }

    @Test func keysWithoutDelimiterAreNone() {
        #expect(prefixCounts(["plain", "", "user.1"], prefixSettings()) == ["(none)": 3])
    }

    @Test func otherDelimiter() {
        var settings = prefixSettings()
        settings.delimiter = UInt8(ascii: "/")
        #expect(prefixCounts(["a/b", "a:b/c", "a:b"], settings) == ["a": 1, "a:b": 1, "(none)": 1])
    }

    @Test func commandsWithoutAKeyAtPositionOneHaveNoPrefix() {
        let hub = makeHub(prefixes: prefixSettings())
        let shard = hub.makeShard()
        shard.record(Events.make(["PING"], reply: "+PONG\r\n"))
        shard.record(Events.make(["CONFIG", "GET", "x:y"], reply: "*0\r\n"))
        shard.record(Events.make(["FOO", "x:y"], reply: "-ERR unknown\r\n"))
        shard.record(Events.make(["MIGRATE", "h:1", "1", "k:1", "0", "1"], reply: "+NOKEY\r\n"))
        #expect(shard.snapshot().prefixes.allSatisfy { $0.commands == 0 })
    }

    @Test func prefixesPastTheLimitCountAsOther() {
        let limit = 50
        var random = SplitMix64(seed: 42)
        let keys = (0..<10_000).map { _ in random.word(length: 12) + ":" + random.word(length: 4) }
        let hub = makeHub(prefixes: prefixSettings(maxPrefixes: limit))
        let shard = hub.makeShard()
        for key in keys { shard.record(Events.make(["GET", key], reply: "$-1\r\n")) }
        let labels = hub.prefixLabels
        #expect(labels.count == limit + 1)
        #expect(labels.first == "other")
        let prefixes = shard.snapshot().prefixes
        #expect(prefixes.count <= limit + 1)
        #expect(prefixes.reduce(0) { $0 + $1.commands } == 10_000)
        #expect(prefixes.first?.commands == UInt64(10_000 - limit))
        #expect(prefixes.first?.misses == UInt64(10_000 - limit))

        var writer = PrometheusWriter(openMetrics: false)
        CommandMetricsRenderer.render(shard.snapshot(), table: hub.commandTable, prefixLabels: labels, into: &writer)
        let series = writer.finish().split(separator: "\n").filter {
            $0.hasPrefix("redislens_key_prefix_commands_total{")
        }
        #expect(series.count == limit + 1)
        #expect(series.contains("redislens_key_prefix_commands_total{prefix=\"other\"} \(10_000 - limit)"))
    }

    @Test func limitIsSharedByShards() {
        let limit = 10
        let hub = makeHub(prefixes: prefixSettings(maxPrefixes: limit))
        let shards = [hub.makeShard(), hub.makeShard()]
        for index in 0..<100 {
            shards[index % 2].record(Events.make(["GET", "p\(index):k"], reply: "$-1\r\n"))
        }
        #expect(hub.prefixLabels.count == limit + 1)
        var merged = ShardSnapshot()
        for shard in shards { merged.merge(shard.snapshot()) }
        #expect(merged.prefixes.count == limit + 1)
        #expect(merged.prefixes.reduce(0) { $0 + $1.commands } == 100)
        #expect(merged.prefixes[0].commands == 90)
    }

    @Test func randomCommandNamesAllCountAsOther() {
        var random = SplitMix64(seed: 7)
        let hub = makeHub(prefixes: prefixSettings())
        let shard = hub.makeShard()
        for _ in 0..<10_000 {
            let name = "zz" + random.word(length: 3 + Int(random.next() % 40))
            shard.record(Events.make([name, "key:1"], reply: "-ERR unknown command\r\n"))
        }
        let snapshot = shard.snapshot()
        #expect(snapshot.commands.count == CommandTable.builtin.commands.count)
        #expect(snapshot.commands[CommandTable.otherID] == 10_000)
        #expect(snapshot.commands.reduce(0, +) == 10_000)
        var writer = PrometheusWriter(openMetrics: false)
        CommandMetricsRenderer.render(snapshot, table: hub.commandTable, prefixLabels: hub.prefixLabels, into: &writer)
        let text = writer.finish()
        let series = text.split(separator: "\n").filter { $0.hasPrefix("redislens_commands_total{") }
        #expect(series == ["redislens_commands_total{command=\"other\",category=\"other\"} 10000"])
        #expect(
            text.split(separator: "\n").filter { $0.hasPrefix("redislens_command_errors_total{") } == [
                "redislens_command_errors_total{command=\"other\",category=\"other\",error=\"ERR\"} 10000"
            ])
    }
}
