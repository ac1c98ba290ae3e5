import Testing

@testable import Telemetry

@Suite struct SlowLogRing {
    func entry(_ number: Int) -> SlowLogEntry {
        SlowLogEntry(
            command: "get", arguments: "GET k\(number)", durationSeconds: Double(number), clientAddress: "",
            unixTime: 0)
    }

    func arguments(_ log: SlowLog) -> [String] { log.entries.map(\.arguments) }

    @Test func keepsTheNewestNewestFirst() {
        let log = SlowLog(capacity: 3)
        #expect(arguments(log).isEmpty)
        log.add(entry(1))
        log.add(entry(2))
        #expect(arguments(log) == ["GET k2", "GET k1"])
        log.add(entry(3))
        #expect(arguments(log) == ["GET k3", "GET k2", "GET k1"])
        log.add(entry(4))
        #expect(arguments(log) == ["GET k4", "GET k3", "GET k2"])
        for number in 5...11 { log.add(entry(number)) }
        #expect(arguments(log) == ["GET k11", "GET k10", "GET k9"])
    }

    @Test func capacityOneAndZero() {
        let one = SlowLog(capacity: 1)
        one.add(entry(1))
        one.add(entry(2))
        #expect(arguments(one) == ["GET k2"])
        let none = SlowLog(capacity: 0)
        none.add(entry(1))
        #expect(none.entries.isEmpty)
    }

    @Test func shardAddsOnlySlowCommands() {
        let hub = makeHub(slowThresholdNanos: 10_000_000, slowLogSize: 2)
        let shard = hub.makeShard()
        shard.connectionOpened(id: 7, address: "10.1.2.3:4567")
        shard.record(Events.make(["GET", "fast"], reply: "$-1\r\n", nanos: 9_999_999, connection: 7))
        shard.record(Events.make(["GET", "a"], reply: "$-1\r\n", nanos: 10_000_000, connection: 7))
        shard.record(Events.make(["GET", "b"], reply: "$-1\r\n", nanos: 30_000_000, connection: 7))
        shard.record(Events.make(["GET", "c"], reply: "$-1\r\n", nanos: 20_000_000, connection: 8))
        shard.record(Events.make(["GET", "d"], reply: "", nanos: 50_000_000, connection: 7, outcome: .aborted))
        let entries = hub.slowLog.entries
        #expect(entries.map(\.arguments) == ["GET c", "GET b"])
        #expect(entries.map(\.command) == ["get", "get"])
        #expect(entries.map(\.durationSeconds) == [0.02, 0.03])
        #expect(entries.map(\.clientAddress) == ["", "10.1.2.3:4567"])
        #expect(entries.allSatisfy { $0.unixTime > 1_600_000_000 })
        let get = hub.commandTable.id(of: "get")
        #expect(shard.snapshot().slow[get] == 3)
    }

    @Test func jsonListsEntriesNewestFirst() {
        let log = SlowLog(capacity: 4)
        log.add(entry(1))
        log.add(entry(2))
        let json = log.json()
        let second = json.range(of: "\"GET k2\"")
        let first = json.range(of: "\"GET k1\"")
        #expect(second != nil && first != nil)
        if let second, let first { #expect(second.lowerBound < first.lowerBound) }
        #expect(json.contains("\"duration_seconds\""))
    }
}
