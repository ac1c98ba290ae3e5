/// Appends JSON tokens to one growing buffer: escaped strings, decimal and lowercase-hex
/// numbers. Hand-written so the OTLP encoding allocates one buffer per batch and writes
/// through a pointer: appending to an array byte by byte (a capacity and uniqueness check
/// per byte) was most of the encoder's time (`docs/decisions/0011-span-export-throughput.md`).
/// Noncopyable, so the buffer has exactly one owner and is freed with it.
struct JSONBytes: ~Copyable, CommandTextSink {
    private var storage: GrowingBytes

    init(capacity: Int) {
        storage = GrowingBytes(capacity: capacity)
    }

    /// The last byte written (0 when none).
    var lastByte: UInt8 { storage.lastByte }

    /// A copy of what was appended.
    var bytes: [UInt8] { storage.bytes }

    /// Reads what was appended, in place.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes(body)
    }

    /// Forgets what was appended; the buffer stays, for the next text.
    mutating func removeAll() { storage.removeAll() }

    /// Appends literal JSON text (punctuation, field names already quoted).
    @inline(__always)
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { storage.append($0) }
    }

    /// Appends `text` as a JSON string, escaping `"`, `\` and control characters.
    mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            storage.reserve(utf8.count + 2)
            storage.put(UInt8(ascii: "\""))
            if utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
                storage.append(utf8)
            } else {
                storage.reserve(utf8.count * 6 + 1)  // `\u00XX` at most per byte
                for byte in utf8 { escaped(byte) }
            }
            storage.reserve(1)
            storage.put(UInt8(ascii: "\""))
        }
    }

    /// Appends a command's text as a JSON string, written from its parts.
    mutating func text(_ text: CommandText) {
        storage.reserve(1)
        storage.put(UInt8(ascii: "\""))
        text.write(into: &self)
        storage.reserve(1)
        storage.put(UInt8(ascii: "\""))
    }

    /// Appends an unsigned integer in decimal, quoted (OTLP/JSON writes 64-bit integers as strings).
    mutating func quotedDecimal(_ value: UInt64) {
        storage.reserve(22)
        storage.put(UInt8(ascii: "\""))
        decimal(value)
        storage.put(UInt8(ascii: "\""))
    }

    /// Appends a signed integer in decimal, quoted.
    mutating func quotedDecimal(_ value: Int64) {
        storage.reserve(23)
        storage.put(UInt8(ascii: "\""))
        if value < 0 { storage.put(UInt8(ascii: "-")) }
        decimal(value.magnitude)
        storage.put(UInt8(ascii: "\""))
    }

    /// Appends an unsigned integer in decimal, unquoted (enums).
    mutating func decimal(_ value: UInt64) {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        storage.append(length: digits) { start in
            var rest = value
            var index = digits
            repeat {
                index -= 1
                start[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0
        }
    }

    /// Appends 16 lowercase hex digits (no quotes).
    mutating func hex(_ value: UInt64) {
        storage.append(length: 16) { start in
            for index in 0..<16 {
                start[index] = Self.hexDigit(UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * index)) & 0xF)
            }
        }
    }

    /// One byte of a ``CommandText``, escaped if JSON needs it.
    @inline(__always)
    mutating func appendText(_ byte: UInt8) {
        if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
            storage.reserve(1)
            storage.put(byte)
        } else {
            storage.reserve(6)  // `\u00XX` at most
            escaped(byte)
        }
    }

    /// One byte of a string, escaped if JSON needs it; room was reserved.
    private mutating func escaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"):
            storage.put(UInt8(ascii: "\\"))
            storage.put(byte)
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        case 0..<0x20:
            raw("\\u00")
            storage.put(Self.hexDigit(byte >> 4))
            storage.put(Self.hexDigit(byte & 0xF))
        default:
            storage.put(byte)
        }
    }

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
