/// The first bytes of a value, copied into inline storage so that a frame's command
/// name or key can be inspected after its bytes were forwarded, without allocating.
public struct ByteHead: Sendable, Hashable {
    /// How many leading bytes are kept.
    public static let capacity = 32

    @usableFromInline var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    /// How many bytes are stored (at most ``capacity``).
    public private(set) var count: Int = 0
    /// The full length of the value the bytes came from.
    public private(set) var totalLength: Int = 0

    /// An empty head.
    public init() {}

    /// A head holding the first bytes of `bytes` (for tests and lookups).
    public init(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { append(byte) }
    }

    /// Whether the value was longer than what is stored.
    public var isTruncated: Bool { totalLength > count }

    /// Adds one byte of the value.
    public mutating func append(_ byte: UInt8) {
        if count < Self.capacity {
            withUnsafeMutableBytes(of: &storage) { $0[count] = byte }
            count += 1
        }
        totalLength += 1
    }

    /// Adds a run of the value's bytes, keeping the first ``capacity``.
    @inline(__always)
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        let room = Self.capacity - count
        if room > 0 && !bytes.isEmpty {
            let take = min(room, bytes.count)
            withUnsafeMutableBytes(of: &storage) {
                Self.copy(take, from: bytes.baseAddress!, to: $0.baseAddress! + count)
            }
            count += take
        }
        totalLength += bytes.count
    }

    /// Fills an empty head with the first bytes of a value of `length` bytes at `source`.
    /// Cheaper than ``append(_:)-(UnsafeRawBufferPointer)``, which must allow for bytes
    /// already stored.
    @inline(__always)
    mutating func fillEmpty(from source: UnsafeRawPointer, length: Int) {
        assert(count == 0 && totalLength == 0, "fillEmpty on a head that holds bytes")
        let take = Swift.min(length, Self.capacity)
        withUnsafeMutableBytes(of: &storage) { Self.copy(take, from: source, to: $0.baseAddress!) }
        count = take
        totalLength = length
    }

    /// Copies at most 32 bytes in word-sized moves. Hand-written: `copyMemory` calls
    /// `memmove`, whose call cost dominates at the few bytes of a command name or key.
    @inline(__always)
    private static func copy(_ length: Int, from source: UnsafeRawPointer, to target: UnsafeMutableRawPointer) {
        // Unrolled (no loop the optimizer would turn back into a `memmove` call).
        if length >= 8 { word(at: 0) }
        if length >= 16 { word(at: 8) }
        if length >= 24 { word(at: 16) }
        if length >= 32 { word(at: 24) }
        // Wrapping arithmetic: `done` stays within 0...length.
        var done = length & ~7
        if length &- done >= 4 {
            target.storeBytes(
                of: source.loadUnaligned(fromByteOffset: done, as: UInt32.self), toByteOffset: done, as: UInt32.self)
            done &+= 4
        }
        if length &- done >= 2 {
            target.storeBytes(
                of: source.loadUnaligned(fromByteOffset: done, as: UInt16.self), toByteOffset: done, as: UInt16.self)
            done &+= 2
        }
        if length > done {
            target.storeBytes(of: source.load(fromByteOffset: done, as: UInt8.self), toByteOffset: done, as: UInt8.self)
        }

        @inline(__always)
        func word(at offset: Int) {
            target.storeBytes(
                of: source.loadUnaligned(fromByteOffset: offset, as: UInt64.self), toByteOffset: offset, as: UInt64.self
            )
        }
    }

    /// Empties the head.
    public mutating func reset() {
        storage = (0, 0, 0, 0)
        count = 0
        totalLength = 0
    }

    /// The stored byte at `index` (`index < count`).
    public subscript(index: Int) -> UInt8 {
        precondition(index < count)
        return Swift.withUnsafeBytes(of: storage) { $0[index] }
    }

    /// Calls `body` with the stored bytes.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: storage) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }

    /// Whether the whole value equals `name`, ignoring ASCII case of letters.
    public func equalsCaseInsensitive(_ name: StaticString) -> Bool {
        guard totalLength == name.utf8CodeUnitCount, count == totalLength else { return false }
        return withUnsafeBytes { mine in
            let other = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            for index in 0..<mine.count where !Self.asciiCaseInsensitiveEqual(mine[index], other[index]) {
                return false
            }
            return true
        }
    }

    /// The stored bytes as an array.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// The stored bytes as text (invalid UTF-8 repaired); allocates, for logs and tests.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Equal when the stored bytes and the full lengths are equal. Compares whole words:
    /// storage past `count` is always zero.
    @inlinable
    public static func == (lhs: ByteHead, rhs: ByteHead) -> Bool {
        lhs.totalLength == rhs.totalLength && lhs.count == rhs.count && lhs.storage == rhs.storage
    }

    /// The first eight stored bytes as one word (zero-padded), for cheap hashing.
    @inlinable
    public var firstWord: UInt64 { storage.0 }

    /// Hashes the stored bytes and the full length.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(totalLength)
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    @inline(__always)
    static func asciiCaseInsensitiveEqual(_ lhs: UInt8, _ rhs: UInt8) -> Bool {
        if lhs == rhs { return true }
        let lower = lhs | 0x20
        return lower == (rhs | 0x20) && lower >= 0x61 && lower <= 0x7A
    }
}
