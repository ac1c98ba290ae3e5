import Testing

@testable import EpollIO

@Suite struct OutputBufferTests {
    /// Appends, reads into reserved room, and partial sends in an uneven rhythm: the queue
    /// compacts and grows while bytes are queued, and always holds what a plain array holds.
    @Test func keepsBytesInOrderThroughCompactionAndGrowth() {
        var buffer = OutputBuffer()
        var expected: [UInt8] = []
        var next: UInt8 = 0
        func bytes(_ count: Int) -> [UInt8] {
            (0..<count).map { _ in
                next &+= 1
                return next
            }
        }
        for step in 0..<400 {
            let size = (step * 7919) % 5000 + 1
            let chunk = bytes(size)
            if step % 3 == 0 {
                let room = buffer.reserve(size)
                #expect(room.count >= size)
                chunk.withUnsafeBytes { room.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: size) }
                let inRoom = buffer.isInRoom(UnsafeRawBufferPointer(start: room.baseAddress, count: size))
                #expect(inRoom)
                buffer.commit(size)
            } else {
                chunk.withUnsafeBytes { buffer.append($0) }
            }
            expected += chunk
            let sent = step % 4 == 0 ? expected.count : (step * 104_729) % (expected.count + 1)
            let queued = Array(buffer.bytes)
            #expect(queued == expected)
            buffer.consume(sent)
            expected.removeFirst(sent)
            let left = Array(buffer.bytes)
            #expect(left == expected)
        }
        let capacity = buffer.capacity
        #expect(capacity < 64 * 1024)  // grew by need, not by all that passed through
    }

    @Test func onlyTheRoomBehindTheQueuedBytesCountsAsReadInPlace() {
        var buffer = OutputBuffer()
        let beforeAnyRoom = buffer.isInRoom(UnsafeRawBufferPointer(start: nil, count: 0))
        let room = buffer.reserve(16)
        let head = UnsafeRawBufferPointer(start: room.baseAddress, count: 4)
        let atTheStart = buffer.isInRoom(head)
        let pastTheStart = buffer.isInRoom(UnsafeRawBufferPointer(start: room.baseAddress! + 1, count: 4))
        let longerThanTheRoom = buffer.isInRoom(UnsafeRawBufferPointer(start: room.baseAddress, count: room.count + 1))
        #expect(!beforeAnyRoom && atTheStart && !pastTheStart && !longerThanTheRoom)
        [1, 2, 3].withUnsafeBytes { buffer.append($0) }
        let afterAppend = buffer.isInRoom(head)
        #expect(!afterAppend)  // now queued: no longer room
        buffer.free()
        let (empty, capacity) = (buffer.isEmpty, buffer.capacity)
        #expect(empty && capacity == 0)
    }
}
