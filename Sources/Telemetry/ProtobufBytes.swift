/// Appends protobuf wire-format fields to one growing buffer: varints, fixed64, bytes,
/// strings and nested messages. A nested message's length is written in front of it once
/// it is known: ``beginMessage(_:lengthBytes:)`` keeps room for a guessed length, and
/// ``endMessage(_:)`` writes it there, moving the message when the guess was wrong. Only
/// what the OTLP trace request needs; a steady encoder allocates nothing.
struct ProtobufBytes: ~Copyable, CommandTextSink {
    /// Where a nested message's length goes: its offset and the bytes kept for it.
    struct MessageStart {
        fileprivate var offset: Int
        fileprivate var lengthBytes: Int
    }

    private var storage: GrowingBytes

    init(capacity: Int) {
        storage = GrowingBytes(capacity: capacity)
    }

    /// A copy of what was appended.
    var bytes: [UInt8] { storage.bytes }

    /// Reads what was appended, in place.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes(body)
    }

    /// Forgets what was appended; the buffer stays, for the next body.
    mutating func removeAll() { storage.removeAll() }

    /// A `VARINT` field (`int64` as its two's complement, `bool`, an enum).
    @inline(__always)
    mutating func varintField(_ field: UInt64, _ value: UInt64) {
        varint(field << 3)
        varint(value)
    }

    /// A `fixed64` field, little-endian.
    @inline(__always)
    mutating func fixed64Field(_ field: UInt64, _ value: UInt64) {
        varint(field << 3 | 1)
        storage.append(length: 8) { start in
            for index in 0..<8 { start[index] = UInt8(truncatingIfNeeded: value >> UInt64(8 * index)) }
        }
    }

    /// A `bytes` field of 16 bytes: a trace id, `high` then `low`, each big-endian (the
    /// bytes OTLP/JSON shows as hex, in the same order).
    mutating func idField(_ field: UInt64, _ high: UInt64, _ low: UInt64) {
        varint(field << 3 | 2)
        varint(16)
        bigEndian(high)
        bigEndian(low)
    }

    /// A `bytes` field of 8 bytes: a span id, big-endian.
    mutating func idField(_ field: UInt64, _ id: UInt64) {
        varint(field << 3 | 2)
        varint(8)
        bigEndian(id)
    }

    /// A `string` field.
    mutating func stringField(_ field: UInt64, _ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            varint(field << 3 | 2)
            varint(UInt64(utf8.count))
            storage.append(utf8)
        }
    }

    /// A `string` field whose key is a literal.
    @inline(__always)
    mutating func stringField(_ field: UInt64, _ text: StaticString) {
        text.withUTF8Buffer { utf8 in
            varint(field << 3 | 2)
            varint(UInt64(utf8.count))
            storage.append(utf8)
        }
    }

    /// A `string` field written from a command's parts.
    mutating func textField(_ field: UInt64, _ text: CommandText) {
        let start = beginMessage(field, lengthBytes: 1)
        text.write(into: &self)
        endMessage(start)
    }

    /// Opens a length-delimited field (a nested message), keeping `lengthBytes` for its
    /// length; close it with ``endMessage(_:)``.
    @inline(__always)
    mutating func beginMessage(_ field: UInt64, lengthBytes: Int) -> MessageStart {
        varint(field << 3 | 2)
        let start = MessageStart(offset: storage.count, lengthBytes: lengthBytes)
        storage.append(length: lengthBytes) { _ in }
        return start
    }

    /// Writes the length of the field opened at `start`, moving its content when the
    /// length takes more or fewer bytes than were kept.
    @inline(__always)
    mutating func endMessage(_ start: MessageStart) {
        let contentStart = start.offset + start.lengthBytes
        let length = UInt64(storage.count - contentStart)
        let needed = Self.varintSize(length)
        if needed != start.lengthBytes { storage.shift(from: contentStart, by: needed - start.lengthBytes) }
        var rest = length
        for index in 0..<needed {
            storage.set(
                UInt8(truncatingIfNeeded: rest & 0x7F) | (index < needed - 1 ? 0x80 : 0), at: start.offset + index)
            rest >>= 7
        }
    }

    /// One byte of a ``CommandText`` (protobuf strings are UTF-8 as they are).
    @inline(__always)
    mutating func appendText(_ byte: UInt8) {
        storage.reserve(1)
        storage.put(byte)
    }

    @inline(__always)
    private mutating func bigEndian(_ word: UInt64) {
        storage.append(length: 8) { start in
            for index in 0..<8 { start[index] = UInt8(truncatingIfNeeded: word >> UInt64(56 - 8 * index)) }
        }
    }

    @inline(__always)
    private mutating func varint(_ value: UInt64) {
        storage.reserve(10)
        var rest = value
        while rest >= 0x80 {
            storage.put(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        storage.put(UInt8(truncatingIfNeeded: rest))
    }

    /// Bytes of `value` as a varint (1...10).
    @inline(__always)
    static func varintSize(_ value: UInt64) -> Int {
        (63 - (value | 1).leadingZeroBitCount) / 7 + 1
    }
}
