import Foundation
import RESP
import TestSupport
import Testing

@testable import Telemetry

@Suite struct SpaceSavingTests {
    /// Zipf(1.1) over `distinct` keys, by inverse CDF (binary search), from a seeded generator.
    struct Zipf {
        private var cdf: [Double] = []
        private var random: SplitMix64

        init(distinct: Int, exponent: Double, seed: UInt64) {
            var total = 0.0
            cdf.reserveCapacity(distinct)
            for rank in 1...distinct {
                total += 1 / pow(Double(rank), exponent)
                cdf.append(total)
            }
            cdf = cdf.map { $0 / total }
            random = SplitMix64(seed: seed)
        }

        mutating func next() -> Int {
            let uniform = Double(random.next() >> 11) / Double(1 << 53)
            var low = 0
            var high = cdf.count - 1
            while low < high {
                let middle = (low + high) / 2
                if cdf[middle] < uniform { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    @Test func zipfTopKeysAreReportedWithinTheBound() {
        let distinct = 100_000
        let total = 1_000_000
        let k = 100
        let keys = (0..<distinct).map { ByteHead(Array("key:\($0)".utf8)) }
        var zipf = Zipf(distinct: distinct, exponent: 1.1, seed: 28)
        var summary = SpaceSaving(capacity: k * KeyWindowConfiguration.countersPerK)
        var exact = [Int](repeating: 0, count: distinct)
        for _ in 0..<total {
            let rank = zipf.next()
            exact[rank] += 1
            summary.record(keys[rank], read: true, write: false, hits: 0, misses: 0)
        }
        #expect(summary.total == UInt64(total))
        #expect(summary.count == k * KeyWindowConfiguration.countersPerK)
        let counters = summary.counters.sorted { $0.count > $1.count }
        let index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
        let bound = UInt64(total / k)
        for counter in counters {
            let truth = UInt64(exact[index[counter.key]!])
            #expect(counter.count >= truth && counter.count - counter.error <= truth)
            #expect(counter.error <= bound)
            #expect(counter.error <= UInt64(total / summary.capacity))
        }
        let trueTop = exact.indices.sorted { exact[$0] > exact[$1] }.prefix(20)
        let reportedTop = Set(counters.prefix(k).map { index[$0.key]! })
        for rank in trueTop { #expect(reportedTop.contains(rank), "key:\(rank) (\(exact[rank])) is missing") }
    }

    @Test func memoryStaysAtCapacityWhateverTheDistinctKeys() {
        var summary = SpaceSaving(capacity: 64)
        for key in 0..<100_000 {
            summary.record(ByteHead(Array("distinct:\(key)".utf8)), read: false, write: true, hits: 0, misses: 0)
            #expect(summary.count <= 64)
        }
        #expect(summary.count == 64)
        #expect(summary.total == 100_000)
        // Every counter's count minus its error is the one occurrence it saw.
        for counter in summary.counters { #expect(counter.count - counter.error == 1) }
    }

    @Test func countsExactlyWhileThereIsRoom() {
        var summary = SpaceSaving(capacity: 8)
        let a = ByteHead(Array("a".utf8))
        let b = ByteHead(Array("b".utf8))
        for _ in 0..<5 { summary.record(a, read: true, write: false, hits: 1, misses: 0) }
        for _ in 0..<3 { summary.record(b, read: false, write: true, hits: 0, misses: 0) }
        summary.record(a, read: true, write: false, hits: 0, misses: 1)
        let byKey = Dictionary(uniqueKeysWithValues: summary.counters.map { ($0.key, $0) })
        #expect(byKey[a] == HotKeyCounter(key: a, count: 6, error: 0, reads: 6, writes: 0, hits: 5, misses: 1))
        #expect(byKey[b] == HotKeyCounter(key: b, count: 3, error: 0, reads: 0, writes: 3, hits: 0, misses: 0))
        #expect(summary.floor == 0)
        summary.reset()
        #expect(summary.count == 0 && summary.total == 0 && summary.counters.isEmpty)
    }

    @Test func keysLongerThanTheStoredBytesStayApart() {
        // Django-style cache keys: the first 32 bytes are the same.
        let prefix = ":1:views.decorators.cache.cache_page."
        let first = Frames.request([Array("GET".utf8), Array((prefix + "aaaa").utf8)]).second
        let second = Frames.request([Array("GET".utf8), Array((prefix + "bbbb").utf8)]).second
        #expect(first != second)
        var summary = SpaceSaving(capacity: 8)
        summary.record(first, read: true, write: false, hits: 0, misses: 0)
        summary.record(second, read: true, write: false, hits: 0, misses: 0)
        summary.record(first, read: true, write: false, hits: 0, misses: 0)
        #expect(summary.counters.map(\.count).sorted() == [1, 2])
    }
}
