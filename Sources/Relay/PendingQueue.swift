/// The requests awaiting replies on one connection, oldest first: a growable ring of
/// plain values.
///
/// Hand-written rather than NIO's `CircularBuffer`, which stores optionals and checks
/// its storage's uniqueness on every append and removal, once per command
/// (`docs/decisions/0002-hand-written-epoll-data-path.md`). Noncopyable, so the storage
/// has exactly one owner and is freed with it.
package struct PendingQueue: ~Copyable {
    private var storage: UnsafeMutablePointer<PendingRequest>
    private var mask: Int
    private var head = 0
    /// Number of entries.
    private(set) var count = 0
    /// Leading entries whose request was sent upstream (``stampSent(through:at:)``).
    private(set) var sentCount = 0

    /// An empty queue with room for `initialCapacity` entries (a power of two).
    package init(initialCapacity: Int = 16) {
        precondition(initialCapacity > 0 && initialCapacity & (initialCapacity - 1) == 0)
        // Entries are plain values: slots are overwritten and freed without deinitializing.
        assert(_isPOD(PendingRequest.self))
        storage = .allocate(capacity: initialCapacity)
        mask = initialCapacity - 1
    }

    deinit { storage.deallocate() }

    /// Whether no request is pending.
    package var isEmpty: Bool { count == 0 }

    /// The oldest entry; the queue must not be empty.
    package var first: PendingRequest {
        get {
            precondition(count > 0)
            return storage[head]
        }
        _modify {
            precondition(count > 0)
            yield &storage[head]
        }
    }

    /// The oldest entry in place; the queue must not be empty. Valid until the queue
    /// changes: the matcher completes the entry's event there and records it uncopied.
    package var firstEntry: UnsafeMutablePointer<PendingRequest> {
        precondition(count > 0)
        return storage + head
    }

    /// Removes the oldest entry; the queue must not be empty.
    package mutating func dropFirst() {
        precondition(count > 0)
        head = (head &+ 1) & mask
        count &-= 1
        if sentCount > 0 { sentCount &-= 1 }
    }

    /// The upstream took the first `offset` relayed bytes: every entry whose request ends
    /// there or before, and was not sent yet, gets `now` as its `sentNanos`. Entries end in
    /// order, so the sent ones are a prefix of the queue: each is stamped once, and `now` is
    /// read only when one is.
    @inline(__always)
    package mutating func stampSent(through offset: UInt64, at now: @autoclosure () -> UInt64) {
        guard sentCount < count else { return }
        var slot = storage + ((head &+ sentCount) & mask)
        guard slot.pointee.endOffset <= offset else { return }
        let nanos = now()
        repeat {
            slot.pointee.event.sentNanos = nanos
            sentCount &+= 1
            guard sentCount < count else { return }
            slot = storage + ((head &+ sentCount) & mask)
        } while slot.pointee.endOffset <= offset
    }

    /// Adds an entry at the end.
    package mutating func append(_ entry: PendingRequest) {
        if count > mask { grow() }
        (storage + ((head &+ count) & mask)).initialize(to: entry)
        count &+= 1
    }

    /// Removes and returns the oldest entry; the queue must not be empty.
    package mutating func removeFirst() -> PendingRequest {
        let entry = first
        dropFirst()
        return entry
    }

    /// Removes and returns the oldest entry, or nil when empty.
    package mutating func popFirst() -> PendingRequest? {
        isEmpty ? nil : removeFirst()
    }

    private mutating func grow() {
        let capacity = (mask + 1) * 2
        let bigger = UnsafeMutablePointer<PendingRequest>.allocate(capacity: capacity)
        for index in 0..<count {
            (bigger + index).initialize(to: storage[(head + index) & mask])
        }
        storage.deallocate()
        storage = bigger
        head = 0
        mask = capacity - 1
    }
}
