/// The bytes queued for one socket, oldest first: a growable array with a start and an
/// end index.
///
/// Hand-written rather than NIO's `ByteBuffer` so that a read can land straight in the
/// peer's queue (``reserve(_:)``, `read(2)`, ``commit(_:)``): relayed bytes are never
/// copied in user space, and no uniqueness check is paid per write
/// (`docs/decisions/0002-hand-written-epoll-data-path.md`).
/// Noncopyable, so the storage has exactly one owner.
public struct OutputBuffer: ~Copyable {
    private var storage: UnsafeMutableRawPointer?
    /// Bytes allocated.
    private(set) var capacity = 0
    @usableFromInline var start = 0
    @usableFromInline var end = 0

    /// An empty buffer; nothing is allocated until bytes are queued.
    package init() {}

    deinit { storage?.deallocate() }

    /// Bytes queued.
    @inlinable public var count: Int { end - start }

    /// Whether nothing is queued.
    @inlinable public var isEmpty: Bool { end == start }

    /// The queued bytes; valid until the buffer next changes.
    package var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage.map { $0 + start }, count: end - start)
    }

    /// Room for at least `minimum` bytes behind the queued ones (all the room there is);
    /// valid until the buffer next changes. ``commit(_:)`` queues what was written there.
    package mutating func reserve(_ minimum: Int) -> UnsafeMutableRawBufferPointer {
        if capacity - end < minimum { makeRoom(for: minimum) }
        return UnsafeMutableRawBufferPointer(start: storage! + end, count: capacity - end)
    }

    /// Queues the first `count` bytes of the room ``reserve(_:)`` returned.
    package mutating func commit(_ count: Int) {
        precondition(count >= 0 && count <= capacity - end, "committing more than was reserved")
        end += count
    }

    /// Whether `bytes` lie at the start of the unqueued room, as a read into it leaves them.
    package func isInRoom(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let storage else { return false }
        return bytes.baseAddress == UnsafeRawPointer(storage + end) && bytes.count <= capacity - end
    }

    /// Queues a copy of `bytes`.
    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        let room = reserve(bytes.count)
        room.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        commit(bytes.count)
    }

    /// Drops the first `count` queued bytes (the kernel took them).
    package mutating func consume(_ count: Int) {
        precondition(count >= 0 && count <= end - start, "consuming more than is queued")
        start += count
        if start == end {
            start = 0
            end = 0
        }
    }

    /// Drops what is queued and gives the memory back.
    package mutating func free() {
        storage?.deallocate()
        storage = nil
        capacity = 0
        start = 0
        end = 0
    }

    private mutating func makeRoom(for minimum: Int) {
        let queued = end - start
        if queued + minimum <= capacity, let storage {
            // Enough room once the queued bytes move to the front (`copyMemory` is a memmove).
            storage.copyMemory(from: storage + start, byteCount: queued)
        } else {
            var newCapacity = max(capacity * 2, 256)
            while newCapacity < queued + minimum { newCapacity *= 2 }
            let bigger = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
            if let storage {
                bigger.copyMemory(from: storage + start, byteCount: queued)
                storage.deallocate()
            }
            storage = bigger
            capacity = newCapacity
        }
        start = 0
        end = queued
    }
}
