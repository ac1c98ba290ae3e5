/// One growing byte buffer with exactly one owner, written through a pointer: the storage
/// under ``JSONBytes`` and ``ProtobufBytes``. Kept from body to body (``removeAll()``), so
/// a steady encoder allocates nothing (`docs/decisions/0011-span-export-throughput.md`).
struct GrowingBytes: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    /// Bytes written.
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The last byte written (0 when none).
    var lastByte: UInt8 { count > 0 ? base[count - 1] : 0 }

    /// A copy of what was written.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Reads what was written, in place.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Forgets what was written; the memory stays, for the next body.
    mutating func removeAll() { count = 0 }

    /// Makes room for `more` bytes behind the written ones.
    @inline(__always)
    mutating func reserve(_ more: Int) {
        if count + more > capacity { grow(to: count + more) }
    }

    /// Appends one byte; room was reserved.
    @inline(__always)
    mutating func put(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    /// Appends `length` bytes written by `body` at the pointer it is given.
    @inline(__always)
    mutating func append(length: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) {
        reserve(length)
        body(base + count)
        count += length
    }

    /// Appends `bytes`.
    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress else { return }
        reserve(bytes.count)
        (base + count).update(from: start, count: bytes.count)
        count += bytes.count
    }

    /// Overwrites the written byte at `offset`.
    @inline(__always)
    mutating func set(_ byte: UInt8, at offset: Int) {
        precondition(offset >= 0 && offset < count)
        base[offset] = byte
    }

    /// Moves the bytes written from `offset` on by `distance` (later when positive, earlier
    /// when negative, over bytes given up); what opens up in between is the caller's to fill.
    mutating func shift(from offset: Int, by distance: Int) {
        precondition(offset >= 0 && offset <= count && offset + distance >= 0)
        guard distance != 0 else { return }
        if distance > 0 { reserve(distance) }
        (base + offset + distance).update(from: base + offset, count: count - offset)  // memmove
        count += distance
    }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = newCapacity
    }
}
