import Testing

@testable import ProxyBenchCore

@Suite struct StatisticsTests {
    @Test func medianAndRange() {
        #expect(Spread([3, 1, 2]) == Spread(median: 2, min: 1, max: 3))
        #expect(Spread([4, 1, 3, 2]).median == 2.5)
        #expect(Spread([7]) == Spread(median: 7, min: 7, max: 7))
    }

    @Test func ratiosPairRunsOfTheSameRound() {
        let ratios = Spread.ratios([50, 60, 90], to: [100, 100, 100])
        #expect(ratios == Spread(median: 0.6, min: 0.5, max: 0.9))
        #expect(Spread.ratios([1], to: [0]) == nil)
    }

    @Test func rotationPutsEveryTargetInEveryPosition() {
        #expect(Rotation.order(targets: 3, round: 0) == [0, 1, 2])
        #expect(Rotation.order(targets: 3, round: 1) == [1, 2, 0])
        #expect(Rotation.order(targets: 3, round: 2) == [2, 0, 1])
        #expect(Rotation.order(targets: 3, round: 3) == [0, 1, 2])
        #expect(Rotation.order(targets: 1, round: 5) == [0])
        let firsts = (0..<6).map { Rotation.order(targets: 3, round: $0)[0] }
        #expect(firsts == [0, 1, 2, 0, 1, 2])
    }

    @Test func percentilesInMicroseconds() {
        var histogram = LatencySummary.makeHistogram()
        for micros in 1...1_000 { _ = histogram.record(UInt64(micros) * 1_000) }
        let summary = LatencySummary(nanoseconds: histogram)
        #expect(abs(summary.p50 - 500) <= 0.5)
        #expect(abs(summary.p95 - 950) <= 1)
        #expect(abs(summary.p99 - 990) <= 1)
        #expect(abs(summary.p999 - 999) <= 1)
        #expect(abs(summary.max - 1_000) <= 1)
        #expect(abs(summary.mean - 500.5) <= 0.5)
    }

    @Test func sampleRatesAndMerge() {
        var first = sample(requests: 1_000, from: 1_000_000_000, to: 1_500_000_000, hits: 30, misses: 70)
        let second = sample(requests: 3_000, from: 1_200_000_000, to: 3_000_000_000, hits: 0, misses: 0)
        #expect(first.opsPerSecond == 2_000)
        #expect(first.hitRatio == 0.3)
        #expect(second.hitRatio == nil)
        first.merge(second)
        #expect(first.requests == 4_000 && first.seconds == 2)
        #expect(first.opsPerSecond == 2_000 && first.hitRatio == 0.3)
        #expect(first.latency.totalCount == 4_000)
    }

    @Test func reportRatiosAreToTheFirstTarget() {
        var options = BenchOptions()
        options.targets = [
            BenchTarget(name: "direct", host: "127.0.0.1", port: 1),
            BenchTarget(name: "lens", host: "127.0.0.1", port: 2),
        ]
        options.repeats = 3
        let direct = [100, 200, 100].map { sample(requests: $0, from: 0, to: 1_000_000_000) }
        let lens = [80, 100, 90].map { sample(requests: $0, from: 0, to: 1_000_000_000) }
        let report = BenchReport(options: options, samples: [direct, lens])
        #expect(report.targets[0].ratioToFirst == Spread(median: 1, min: 1, max: 1))
        #expect(report.targets[1].ratioToFirst == Spread(median: 0.8, min: 0.5, max: 0.9))
        #expect(report.targets[1].opsPerSecond == Spread(median: 90, min: 80, max: 100))
        #expect(report.targets[1].requests == 270 && report.targets[1].runs.count == 3)
        let table = report.table()
        #expect(table.split(separator: "\n").count == 4)  // settings, column names, one row per target
        #expect(table.contains("vs direct") && table.contains("0.800") && table.contains("0.500..0.900"))
        let json = report.json()
        #expect(json.contains("\"ratio_to_first\"") && json.contains("\"ops_per_second\""))
        #expect(json.contains("\"p99_9\"") && json.contains("\"workload\" : \"get\""))
    }

    private func sample(requests: Int, from start: UInt64, to end: UInt64, hits: Int = 0, misses: Int = 0) -> RunSample
    {
        var sample = RunSample()
        sample.requests = requests
        sample.hits = hits
        sample.misses = misses
        sample.firstSendNanos = start
        sample.lastReplyNanos = end
        for _ in 0..<requests { _ = sample.latency.record(50_000) }
        return sample
    }
}
