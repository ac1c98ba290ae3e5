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
    /// A hash of the bytes past ``capacity`` (at most ``tailHashLimit`` of them), so values
    /// longer than what is stored still tell apart; 0 when not computed. Only the scanner's
    /// first-argument head (a command's key) computes it, with the `…HashingTail` methods.
    ///
    /// The sum over the tail's 8-byte words of word × an odd constant per word position:
    /// linear, so a value that arrives in several runs hashes as one that arrives whole,
    /// and a word at a time (the products are independent: a few cycles per 8 bytes).
    public private(set) var tailHash: UInt64 = 0

    /// Bytes past ``capacity`` that ``tailHash`` covers: keys that agree on their first
    /// `capacity + tailHashLimit` bytes and their length are one key to telemetry.
    public static let tailHashLimit = 480

    /// An empty head.
    public init() {}

    /// A head holding the first bytes of `bytes` (for tests and lookups).
    public init(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { append(byte) }
    }

    /// A head holding the first bytes of `bytes` and the ``tailHash`` of the rest, as the
    /// scanner fills a command's first argument (for tests and lookups).
    public init(hashingTail bytes: some Sequence<UInt8>) {
        for byte in bytes { appendHashingTail(byte) }
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

    /// Adds one byte of the value, hashing it into ``tailHash`` when past ``capacity``.
    public mutating func appendHashingTail(_ byte: UInt8) {
        let offset = totalLength
        append(byte)
        if offset >= Self.capacity && offset < Self.capacity + Self.tailHashLimit {
            tailHash &+= Self.tailTerm(byte, at: offset &- Self.capacity)
        }
    }

    /// Adds a run of the value's bytes, hashing those past ``capacity`` into ``tailHash``.
    @inline(__always)
    public mutating func appendHashingTail(_ bytes: UnsafeRawBufferPointer) {
        let offset = totalLength
        append(bytes)
        let end = Swift.min(totalLength, Self.capacity + Self.tailHashLimit)
        let start = Swift.max(offset, Self.capacity)
        if start < end {
            hashTail(bytes.baseAddress! + (start &- offset), count: end &- start, at: start &- Self.capacity)
        }
    }

    /// ``fillEmpty(from:length:)``, also hashing the bytes past ``capacity`` into ``tailHash``
    /// (one branch for values that fit).
    @inline(__always)
    mutating func fillEmptyHashingTail(from source: UnsafeRawPointer, length: Int) {
        fillEmpty(from: source, length: length)
        if length > Self.capacity {
            hashTail(source + Self.capacity, count: Swift.min(length &- Self.capacity, Self.tailHashLimit), at: 0)
        }
    }

    /// Adds `count` tail bytes at `source`, the first at tail position `position`: whole
    /// words at once, the bytes of a word cut by a run's edge one by one (the same terms).
    private mutating func hashTail(_ source: UnsafeRawPointer, count: Int, at position: Int) {
        var hash = tailHash
        var index = 0
        var position = position
        while index < count && position & 7 != 0 {
            hash &+= Self.tailTerm(source.load(fromByteOffset: index, as: UInt8.self), at: position)
            index &+= 1
            position &+= 1
        }
        while count &- index >= 8 {
            let word = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            hash &+= word &* Self.wordConstant(position &>> 3)
            index &+= 8
            position &+= 8
        }
        while index < count {
            hash &+= Self.tailTerm(source.load(fromByteOffset: index, as: UInt8.self), at: position)
            index &+= 1
            position &+= 1
        }
        tailHash = hash
    }

    /// One byte's term: the byte in its place within its word, times the word's constant.
    @inline(__always)
    private static func tailTerm(_ byte: UInt8, at position: Int) -> UInt64 {
        (UInt64(byte) &<< UInt64((position & 7) &* 8)) &* wordConstant(position &>> 3)
    }

    /// The odd multiplier of the tail's `word`-th 8-byte word.
    @inline(__always)
    private static func wordConstant(_ word: Int) -> UInt64 {
        (UInt64(truncatingIfNeeded: word) &<< 1 | 1) &* 0x9E37_79B9_7F4A_7C15
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
        tailHash = 0
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

    /// Equal when the stored bytes, the full lengths and the tail hashes are equal. Compares
    /// whole words: storage past `count` is always zero.
    @inlinable
    public static func == (lhs: ByteHead, rhs: ByteHead) -> Bool {
        lhs.totalLength == rhs.totalLength && lhs.count == rhs.count && lhs.storage == rhs.storage
            && lhs.tailHash == rhs.tailHash
    }

    /// A 64-bit fingerprint of the value (stored words, length, tail hash), for hash tables
    /// on the data path; equal heads have equal fingerprints.
    @inlinable
    public var fingerprint: UInt64 {
        var hash = UInt64(truncatingIfNeeded: totalLength) &* 0x9E37_79B9_7F4A_7C15
        hash = (hash ^ storage.0) &* 0xBF58_476D_1CE4_E5B9
        hash = (hash ^ storage.1) &* 0x94D0_49BB_1331_11EB
        hash = (hash ^ storage.2) &* 0xBF58_476D_1CE4_E5B9
        hash = (hash ^ storage.3 ^ tailHash) &* 0x94D0_49BB_1331_11EB
        return hash ^ (hash >> 31)
    }

    /// The first eight stored bytes as one word (zero-padded), for cheap hashing.
    @inlinable
    public var firstWord: UInt64 { storage.0 }

    /// Hashes the stored bytes and the full length.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(totalLength)
        hasher.combine(tailHash)
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    @inline(__always)
    static func asciiCaseInsensitiveEqual(_ lhs: UInt8, _ rhs: UInt8) -> Bool {
        if lhs == rhs { return true }
        let lower = lhs | 0x20
        return lower == (rhs | 0x20) && lower >= 0x61 && lower <= 0x7A
    }
}
