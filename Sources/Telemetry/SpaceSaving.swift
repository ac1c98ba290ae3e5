import RESP

/// A bounded top-K counter over keys: the Space-Saving algorithm (Metwally, Agrawal and
/// El Abbadi, 2005). `capacity` counters; a key without one takes the smallest counter's
/// place, inheriting its count as ``HotKeyCounter/error``. After `N` recorded keys every
/// counter satisfies `count - error <= true count <= count` with `error <= N / capacity`,
/// and every key seen more than `N / capacity` times has a counter.
///
/// The counters are a binary min-heap by count (the smallest is at hand for replacement)
/// indexed by an open-addressing table (linear probing, backward-shift deletion) keyed
/// by ``ByteHead/fingerprint``. All storage is allocated up front: recording allocates
/// nothing, and memory is O(capacity) however many distinct keys go by. Noncopyable: one
/// owner, freed with it.
struct SpaceSaving: ~Copyable {
    /// A heap entry: the counter, its key's fingerprint and its slot in the table.
    private struct Entry {
        var counter: HotKeyCounter
        var fingerprint: UInt64
        var slot: Int
    }

    /// Counters kept at most.
    let capacity: Int
    /// Keys recorded since the last ``reset()`` (`N`).
    private(set) var total: UInt64 = 0
    /// Counters in use.
    private(set) var count = 0
    private let heap: UnsafeMutablePointer<Entry>
    /// Heap index + 1 per slot; 0 is empty.
    private let slots: UnsafeMutablePointer<Int32>
    private let mask: Int

    /// An empty summary of `capacity` counters (at least 1).
    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        var tableSize = 4
        while tableSize < 2 * self.capacity { tableSize <<= 1 }
        mask = tableSize - 1
        heap = .allocate(capacity: self.capacity)
        slots = .allocate(capacity: tableSize)
        slots.initialize(repeating: 0, count: tableSize)
    }

    deinit {
        heap.deinitialize(count: count)
        heap.deallocate()
        slots.deallocate()
    }

    /// Forgets every key (a new window); allocates nothing.
    mutating func reset() {
        heap.deinitialize(count: count)
        slots.update(repeating: 0, count: mask + 1)
        count = 0
        total = 0
    }

    /// The smallest count held once every counter is in use (the bound on what an absent
    /// key may have had), else 0.
    var floor: UInt64 { count == capacity ? heap[0].counter.count : 0 }

    /// Counts one command on `key`.
    @inline(__always)
    mutating func record(_ key: ByteHead, read: Bool, write: Bool, hits: Int, misses: Int) {
        total &+= 1
        let fingerprint = key.fingerprint
        var slot = Int(truncatingIfNeeded: fingerprint) & mask
        while slots[slot] != 0 {
            let index = Int(slots[slot]) &- 1
            if heap[index].fingerprint == fingerprint && heap[index].counter.key == key {
                // Through a local: an `inout` access to a pointer's pointee field crashes the
                // compiler (Swift 6.3.1) under ThreadSanitizer, and so does `swap` below.
                var counter = heap[index].counter
                counter.count &+= 1
                add(&counter, read: read, write: write, hits: hits, misses: misses)
                heap[index].counter = counter
                siftDown(index)
                return
            }
            slot = (slot &+ 1) & mask
        }
        if count < capacity {
            var counter = HotKeyCounter(key: key, count: 1)
            add(&counter, read: read, write: write, hits: hits, misses: misses)
            (heap + count).initialize(to: Entry(counter: counter, fingerprint: fingerprint, slot: slot))
            count &+= 1
            slots[slot] = Int32(truncatingIfNeeded: count)
            siftUp(count &- 1)
            return
        }
        // Full: the smallest counter goes to the new key, its count becoming the error.
        let floor = heap[0].counter.count
        remove(slot: heap[0].slot)
        // The removal may have shifted the probe chain: find the new key's free slot again.
        slot = Int(truncatingIfNeeded: fingerprint) & mask
        while slots[slot] != 0 { slot = (slot &+ 1) & mask }
        var counter = HotKeyCounter(key: key, count: floor &+ 1, error: floor)
        add(&counter, read: read, write: write, hits: hits, misses: misses)
        heap[0] = Entry(counter: counter, fingerprint: fingerprint, slot: slot)
        slots[slot] = 1
        siftDown(0)
    }

    /// The counters, in no particular order.
    var counters: [HotKeyCounter] { (0..<count).map { heap[$0].counter } }

    @inline(__always)
    private func add(_ counter: inout HotKeyCounter, read: Bool, write: Bool, hits: Int, misses: Int) {
        if read { counter.reads &+= 1 }
        if write { counter.writes &+= 1 }
        counter.hits &+= UInt64(truncatingIfNeeded: hits)
        counter.misses &+= UInt64(truncatingIfNeeded: misses)
    }

    /// Empties `slot`, moving later entries of its probe chain back (no tombstones).
    private mutating func remove(slot: Int) {
        var hole = slot
        slots[hole] = 0
        var next = (hole &+ 1) & mask
        while slots[next] != 0 {
            let index = Int(slots[next]) &- 1
            let home = Int(truncatingIfNeeded: heap[index].fingerprint) & mask
            // Move the entry into the hole unless its home lies cyclically in (hole, next].
            let stays = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next)
            if !stays {
                slots[hole] = slots[next]
                heap[index].slot = hole
                slots[next] = 0
                hole = next
            }
            next = (next &+ 1) & mask
        }
    }

    private mutating func siftDown(_ start: Int) {
        var index = start
        while true {
            let left = 2 &* index &+ 1
            guard left < count else { return }
            let right = left &+ 1
            let child = right < count && heap[right].counter.count < heap[left].counter.count ? right : left
            guard heap[child].counter.count < heap[index].counter.count else { return }
            swapAt(index, child)
            index = child
        }
    }

    private mutating func siftUp(_ start: Int) {
        var index = start
        while index > 0 {
            let parent = (index &- 1) >> 1
            guard heap[index].counter.count < heap[parent].counter.count else { return }
            swapAt(index, parent)
            index = parent
        }
    }

    private mutating func swapAt(_ first: Int, _ second: Int) {
        let moved = heap[first]
        heap[first] = heap[second]
        heap[second] = moved
        slots[heap[first].slot] = Int32(truncatingIfNeeded: first &+ 1)
        slots[heap[second].slot] = Int32(truncatingIfNeeded: second &+ 1)
    }
}
