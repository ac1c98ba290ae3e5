import Foundation
import RedisCommands
import Telemetry
import Testing

@Suite struct StatsReports {
    /// GET 1 ms ... 100 ms (one each); every fourth a miss, one WRONGTYPE error;
    /// SET 2 µs twice, one OOM; EXISTS with 1 of 2 keys.
    func report() -> StatsReport {
        let hub = makeHub(slowThresholdNanos: 90_000_000)
        let shard = hub.makeShard()
        for millis in 1...100 {
            let reply =
                millis == 50 ? "-WRONGTYPE Operation against a key\r\n" : millis % 4 == 0 ? "$-1\r\n" : "$1\r\nv\r\n"
            shard.record(Events.make(["GET", "k\(millis)"], reply: reply, nanos: UInt64(millis) * 1_000_000))
        }
        shard.record(Events.make(["SET", "k", "v"], reply: "+OK\r\n", nanos: 2_000))
        shard.record(Events.make(["SET", "k", "v"], reply: "-OOM command not allowed\r\n", nanos: 2_000))
        shard.record(Events.make(["EXISTS", "a", "b"], reply: ":1\r\n", nanos: 3_000))
        return StatsReport(shard.snapshot(), table: hub.commandTable)
    }

    @Test func countsAndErrorsPerCommandAndCategory() throws {
        let report = report()
        #expect(report.commands.keys.sorted() == ["exists", "get", "set"])
        let get = try #require(report.commands["get"])
        #expect(get.count == 100 && get.errors == 1 && get.slow == 11)
        let set = try #require(report.commands["set"])
        #expect(set.count == 2 && set.errors == 1 && set.slow == 0 && set.hitRatio == nil)
        #expect(report.categories.keys.sorted() == ["read", "write"])
        #expect(report.categories["read"]?.count == 101)
        #expect(report.categories["read"]?.errors == 1)
        #expect(report.categories["write"]?.count == 2)
        #expect(report.categories["write"]?.errors == 1)
    }

    @Test func quantilesAreWithinHistogramPrecision() throws {
        let get = try #require(report().commands["get"])
        // Two significant digits: within 1%.
        for (actual, expected) in [(get.p50, 0.050), (get.p95, 0.095), (get.p99, 0.099), (get.p999, 0.100)] {
            #expect(abs(actual - expected) <= expected * 0.01, "\(actual) vs \(expected)")
        }
        let set = try #require(report().commands["set"])
        #expect(abs(set.p50 - 0.000002) <= 0.000002 * 0.01)
        #expect(get.p50 <= get.p95 && get.p95 <= get.p99 && get.p99 <= get.p999)
    }

    @Test func hitRatios() throws {
        let report = report()
        // GET: 100 replies, 25 of them misses (4, 8, ..., 100), the WRONGTYPE one a hit (as
        // Redis counts it); EXISTS: 1 hit, 1 miss.
        let get = try #require(report.commands["get"])
        #expect(get.hitRatio == 75.0 / 100.0)
        #expect(report.commands["exists"]?.hitRatio == 0.5)
        #expect(report.hitRatio == 76.0 / 102.0)
    }

    @Test func emptyReport() {
        let report = StatsReport(ShardSnapshot(), table: .builtin)
        #expect(report.commands.isEmpty && report.categories.isEmpty && report.hitRatio == nil)
    }

    @Test func jsonIsSnakeCaseAndDecodable() throws {
        let json = report().json()
        #expect(json.contains("\"hit_ratio\""))
        #expect(json.contains("\"p999\""))
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let commands = object?["commands"] as? [String: Any]
        let get = commands?["get"] as? [String: Any]
        #expect(get?["count"] as? Int == 100)
    }
}
