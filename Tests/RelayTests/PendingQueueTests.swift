import RESP
import RedisCommands
import TestSupport
import Testing

@testable import Relay

@Suite struct PendingQueueTests {
    static func entry(_ id: Int) -> PendingRequest {
        PendingRequest(
            frame: Frames.request(["GET", "k\(id)"]), connectionID: 1, commandID: id, role: .ordinary,
            startNanos: UInt64(id), expectedReplies: 1)
    }

    @Test func keepsOrderAcrossWrapAroundAndGrowthWhileWrapped() {
        var queue = PendingQueue(initialCapacity: 4)
        var expected: [Int] = []
        var removed: [Int] = []
        var next = 0
        // Appends and removals in an uneven rhythm: the head walks around the ring, and the
        // ring grows (4 -> 8 -> 16 -> 32) while its entries wrap past the end.
        for round in 0..<40 {
            for _ in 0..<(round % 3 + 1) {
                queue.append(Self.entry(next))
                expected.append(next)
                next += 1
            }
            if round % 2 == 0, let entry = queue.popFirst() { removed.append(entry.event.commandID) }
        }
        // (The queue is noncopyable, so `#expect` gets values read from it.)
        let count = queue.count
        #expect(count == expected.count - removed.count)
        while let entry = queue.popFirst() { removed.append(entry.event.commandID) }
        #expect(removed == expected)
        let empty = queue.isEmpty
        let afterEnd = queue.popFirst()
        #expect(empty)
        #expect(afterEnd == nil)
    }

    @Test func firstIsUpdatedInPlace() {
        var queue = PendingQueue(initialCapacity: 2)
        queue.append(Self.entry(1))
        queue.append(Self.entry(2))
        queue.first.repliesSeen += 2
        let updated = queue.removeFirst()
        let second = queue.first
        #expect(updated.repliesSeen == 2)
        #expect(second.event.commandID == 2)
        #expect(second.repliesSeen == 0)
    }

    @Test func firstEntryIsTheSlotItselfUntilDropped() {
        var queue = PendingQueue(initialCapacity: 2)
        queue.append(Self.entry(1))
        queue.append(Self.entry(2))
        let slot = queue.firstEntry
        slot.pointee.event.replyBytes = 7
        let sameSlot = queue.firstEntry == slot
        let seen = queue.first.event.replyBytes
        #expect(sameSlot)
        #expect(seen == 7)
        queue.dropFirst()
        let next = queue.first.event.commandID
        let count = queue.count
        #expect(next == 2)
        #expect(count == 1)
    }
}
