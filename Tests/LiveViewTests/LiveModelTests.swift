import LiveView
import Testing

@Suite struct LiveModelTests {
    static func stats(get: UInt64, set: UInt64, errors: UInt64 = 0) -> StatsDocument {
        var stats = StatsDocument()
        stats.commands = [
            "get": .init(count: get, p50: 0.0001, p99: 0.002, hitRatio: 0.5), "set": .init(count: set, errors: errors),
        ]
        stats.categories = ["read": get, "write": set]
        stats.categoryErrors = ["read": 0, "write": errors]
        stats.proxy = ["uptime_seconds": 12, "upstream_up": 1, "pool_idle": 3, "pool_used": 1, "pool_waiting": 0]
        return stats
    }

    @Test("The first poll has counts but no rates")
    func firstPoll() {
        var model = LiveModel()
        let view = model.update(LiveDocuments(stats: Self.stats(get: 10, set: 5)), at: 100)
        #expect(view.totalCommands == 15)
        #expect(view.opsPerSecond == nil)
        #expect(view.commands.map(\.opsPerSecond) == [nil, nil])
        #expect(view.commands.map(\.name) == ["get", "set"])  // by count without rates
        #expect(view.opsHistory.isEmpty)
        #expect(view.upstreamUp == true)
        #expect(view.poolIdle == 3)
    }

    @Test("Rates are count deltas over the seconds between polls, busiest first")
    func rates() {
        var model = LiveModel()
        _ = model.update(LiveDocuments(stats: Self.stats(get: 10, set: 5)), at: 100)
        let view = model.update(LiveDocuments(stats: Self.stats(get: 30, set: 105, errors: 4)), at: 102)
        #expect(view.opsPerSecond == 60)
        #expect(view.errorsPerSecond == 2)
        #expect(view.commands.map(\.name) == ["set", "get"])
        #expect(view.commands.map(\.opsPerSecond) == [50, 10])
        #expect(view.categories.map(\.name) == ["write", "read"])
        #expect(view.opsHistory == [60])
        #expect(view.errorsHistory == [2])
    }

    @Test("A command first seen counts from zero")
    func newCommand() {
        var model = LiveModel()
        _ = model.update(LiveDocuments(stats: Self.stats(get: 10, set: 5)), at: 0)
        var later = Self.stats(get: 10, set: 5)
        later.commands["hset"] = .init(count: 7)
        later.categories["write"] = 12
        let view = model.update(LiveDocuments(stats: later), at: 1)
        #expect(view.commands.first?.name == "hset")
        #expect(view.commands.first?.opsPerSecond == 7)
    }

    @Test("Counters that went down (a restarted proxy) give no rate and restart the charts")
    func restart() {
        var model = LiveModel()
        _ = model.update(LiveDocuments(stats: Self.stats(get: 10, set: 5)), at: 0)
        _ = model.update(LiveDocuments(stats: Self.stats(get: 20, set: 5)), at: 1)
        let view = model.update(LiveDocuments(stats: Self.stats(get: 1, set: 0)), at: 2)
        #expect(view.opsPerSecond == nil)
        #expect(view.opsHistory.isEmpty)
        let next = model.update(LiveDocuments(stats: Self.stats(get: 3, set: 0)), at: 3)
        #expect(next.opsPerSecond == 2)
    }

    @Test("A failed poll shows the problem and keeps the previous counts for the next rate")
    func failedPoll() {
        var model = LiveModel()
        _ = model.update(LiveDocuments(stats: Self.stats(get: 10, set: 0)), at: 0)
        let failed = model.update(LiveDocuments(stats: nil, problem: "cannot reach"), at: 1)
        #expect(failed.problem == "cannot reach")
        #expect(failed.commands.isEmpty)
        let view = model.update(LiveDocuments(stats: Self.stats(get: 30, set: 0)), at: 2)
        #expect(view.opsPerSecond == 10)
    }

    @Test("The charts keep the last minute")
    func history() {
        var model = LiveModel()
        for second in 0...100 {
            _ = model.update(LiveDocuments(stats: Self.stats(get: UInt64(second * second), set: 0)), at: Double(second))
        }
        #expect(model.opsHistory.count == LiveModel.historyLength)
        #expect(model.opsHistory.last == 199)  // 100² - 99²
    }
}
