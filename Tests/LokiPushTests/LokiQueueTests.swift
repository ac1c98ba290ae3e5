import Testing

@testable import LokiPush

@Suite struct LokiQueueBounds {
    func entry(_ n: UInt64) -> LokiQueue.Entry { .init(unixNanos: n, line: "line \(n)") }

    @Test func appendRefusesPastCapacityAndTakeReturnsTheOldestFirst() {
        let queue = LokiQueue(capacity: 3)
        #expect((1...5).map { queue.append(entry($0)) } == [true, true, true, false, false])
        #expect(queue.count == 3)
        #expect(queue.take(2).map(\.unixNanos) == [1, 2])
        #expect(queue.count == 1)
        // Room again after a take; the refused entries are gone, not queued.
        #expect(queue.append(entry(6)) && queue.append(entry(7)))
        #expect(!queue.append(entry(8)))
        #expect(queue.take(10).map(\.line) == ["line 3", "line 6", "line 7"])
        #expect(queue.take(10).isEmpty && queue.count == 0)
    }

    @Test func takeZeroTakesNothing() {
        let queue = LokiQueue(capacity: 2)
        #expect(queue.append(entry(1)))
        #expect(queue.take(0).isEmpty)
        #expect(queue.count == 1)
    }

    @Test func capacityZeroRefusesEverything() {
        let queue = LokiQueue(capacity: 0)
        #expect(!queue.append(entry(1)))
        #expect(queue.count == 0 && queue.take(1).isEmpty)
    }

    /// Event loops append concurrently: exactly `capacity` appends succeed, whatever the interleaving.
    @Test func concurrentAppendsNeverExceedTheCapacity() async {
        let queue = LokiQueue(capacity: 5000)
        let accepted = await withTaskGroup(of: Int.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    (0..<1000).reduce(0) { sum, n in
                        sum + (queue.append(entry(UInt64(writer * 1000 + n))) ? 1 : 0)
                    }
                }
            }
            return await group.reduce(0, +)
        }
        #expect(accepted == 5000)
        #expect(queue.count == 5000)
        #expect(Set(queue.take(6000).map(\.unixNanos)).count == 5000)
    }
}
