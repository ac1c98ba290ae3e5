import RedisCommands
import Telemetry
import Testing

@Suite struct ShardMerge {
    static let events = GoldenFixture.events

    @Test func mergedShardsEqualOneShard() {
        let hub = makeHub(prefixes: prefixSettings())
        let single = hub.makeShard()
        let shards = [hub.makeShard(), hub.makeShard(), hub.makeShard()]
        for (index, event) in Self.events.enumerated() {
            single.record(event)
            shards[index % shards.count].record(event)
        }
        shards[0].connectionOpened(id: 1, address: "a")
        shards[1].connectionOpened(id: 2, address: "b")
        shards[1].connectionClosed(id: 2)
        shards[2].clientBytesReceived(10)
        shards[0].clientBytesSent(20)
        shards[2].clientProtocolError()
        var merged = ShardSnapshot()
        for shard in shards { merged.merge(shard.snapshot()) }
        let expected = single.snapshot()
        #expect(merged.commands == expected.commands)
        #expect(merged.errors == expected.errors)
        #expect(merged.buckets == expected.buckets)
        #expect(merged.durationNanos == expected.durationNanos)
        #expect(merged.hits == expected.hits)
        #expect(merged.misses == expected.misses)
        #expect(merged.slow == expected.slow)
        #expect(merged.prefixes == expected.prefixes)
        #expect(merged.latencies.map { $0?.totalCount } == expected.latencies.map { $0?.totalCount })
        #expect(merged.latencies.map { $0?.max } == expected.latencies.map { $0?.max })
        #expect(merged.connectionsOpened == 2 && merged.connectionsClosed == 1)
        #expect(merged.bytesReceived == 10 && merged.bytesSent == 20 && merged.protocolErrors == 1)
    }

    /// Each counter lands at its command's id, bucket and error kind.
    @Test func countersLandAtTheirIdBucketAndErrorKind() {
        let hub = makeHub(slowThresholdNanos: 1_000_000)
        let shard = hub.makeShard()
        let table = CommandTable.builtin
        let get = table.id(of: "get")
        let set = table.id(of: "set")
        shard.record(Events.make(["GET", "k"], reply: "$1\r\nv\r\n", nanos: 70_000))
        shard.record(Events.make(["GET", "k"], reply: "$-1\r\n", nanos: 2_000_000))
        shard.record(Events.make(["SET", "k", "v"], reply: "-WRONGTYPE x\r\n", nanos: 10))
        let data = shard.snapshot()
        let kinds = RedisErrorPrefix.allCases.count
        #expect(data.commands.count == table.commands.count)
        #expect(data.commands[get] == 2 && data.commands[set] == 1 && data.commands.reduce(0, +) == 3)
        #expect(data.durationNanos[get] == 2_070_000 && data.durationNanos[set] == 10)
        #expect(data.hits[get] == 1 && data.misses[get] == 1)
        #expect(data.slow[get] == 1 && data.slow[set] == 0)
        // 70 µs falls in the 100 µs bucket, 2 ms in the 2.5 ms one, 10 ns in the first.
        #expect(data.buckets[get * DurationBuckets.count + 1] == 1)
        #expect(data.buckets[get * DurationBuckets.count + 5] == 1)
        #expect(data.buckets[set * DurationBuckets.count] == 1)
        #expect(data.buckets.reduce(0, +) == 3)
        #expect(data.errors[set * kinds + Int(RedisErrorPrefix.wrongtype.rawValue)] == 1)
        #expect(data.errors.reduce(0, +) == 1)
        #expect(data.latencies[get]?.totalCount == 2 && data.latencies[get]?.max ?? 0 >= 1_999)
        #expect(data.latencies[set]?.max == 0)
        #expect(data.latencies.compactMap { $0 }.count == 2)
    }

    @Test func mergeIntoEmptyAndOfEmptyIsIdentity() {
        let hub = makeHub()
        let shard = hub.makeShard()
        for event in Self.events { shard.record(event) }
        var merged = ShardSnapshot()
        merged.merge(shard.snapshot())
        merged.merge(ShardSnapshot())
        #expect(merged.commands == shard.snapshot().commands)
        #expect(merged.buckets == shard.snapshot().buckets)
    }

    @Test func shardGrowsWhenTheTableGrows() {
        let hub = makeHub()
        let shard = hub.makeShard()
        shard.record(Events.make(["GET", "k"], reply: "$-1\r\n"))
        let spec = CommandSpec(
            name: "lens.get", arity: 2, flags: ["readonly"], aclCategories: ["read"], firstKey: 1, lastKey: 1,
            keyStep: 1)
        hub.commandTable = CommandTable(specs: [spec], previous: hub.commandTable)
        let table = hub.commandTable
        shard.record(Events.make(["LENS.GET", "k"], reply: "$-1\r\n", table: table))
        shard.record(Events.make(["GET", "k"], reply: "$1\r\nv\r\n", table: table))
        let snapshot = shard.snapshot()
        let newID = table.id(of: "lens.get")
        #expect(newID == CommandTable.builtin.commands.count)
        #expect(snapshot.commands.count == table.commands.count)
        #expect(snapshot.commands[newID] == 1)
        #expect(snapshot.misses[newID] == 0)
        #expect(snapshot.commands[table.id(of: "get")] == 2)
        var writer = PrometheusWriter(openMetrics: false)
        CommandMetricsRenderer.render(snapshot, table: table, prefixLabels: hub.prefixLabels, into: &writer)
        #expect(writer.finish().contains("redislens_commands_total{command=\"lens.get\",category=\"read\"} 1\n"))
    }
}
