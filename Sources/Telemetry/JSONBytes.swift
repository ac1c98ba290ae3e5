/// Appends JSON tokens to one growing buffer: escaped strings, decimal and lowercase-hex
/// numbers. Hand-written so the OTLP encoding allocates one buffer per batch and writes
/// through a pointer: appending to an array byte by byte (a capacity and uniqueness check
/// per byte) was most of the encoder's time (`docs/decisions/0011-span-export-throughput.md`).
/// Noncopyable, so the buffer has exactly one owner and is freed with it.
struct JSONBytes: ~Copyable, CommandTextSink {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The last byte written (0 when none).
    var lastByte: UInt8 { count > 0 ? base[count - 1] : 0 }

    /// A copy of what was appended.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Reads what was appended, in place.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Forgets what was appended; the buffer stays, for the next text.
    mutating func removeAll() { count = 0 }

    /// Appends literal JSON text (punctuation, field names already quoted).
    @inline(__always)
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { utf8 in
            reserve(utf8.count)
            if let start = utf8.baseAddress { (base + count).update(from: start, count: utf8.count) }
            count += utf8.count
        }
    }

    /// Appends `text` as a JSON string, escaping `"`, `\` and control characters.
    mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            reserve(utf8.count + 2)
            base[count] = UInt8(ascii: "\"")
            count += 1
            if utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
                if let start = utf8.baseAddress { (base + count).update(from: start, count: utf8.count) }
                count += utf8.count
            } else {
                reserve(utf8.count * 6 + 1)  // `\u00XX` at most per byte
                for byte in utf8 { escaped(byte) }
            }
            reserve(1)
            base[count] = UInt8(ascii: "\"")
            count += 1
        }
    }

    /// Appends a command's text as a JSON string, written from its parts.
    mutating func text(_ text: CommandText) {
        reserve(1)
        put(UInt8(ascii: "\""))
        text.write(into: &self)
        reserve(1)
        put(UInt8(ascii: "\""))
    }

    /// Appends an unsigned integer in decimal, quoted (OTLP/JSON writes 64-bit integers as strings).
    mutating func quotedDecimal(_ value: UInt64) {
        reserve(22)
        base[count] = UInt8(ascii: "\"")
        count += 1
        decimal(value)
        base[count] = UInt8(ascii: "\"")
        count += 1
    }

    /// Appends a signed integer in decimal, quoted.
    mutating func quotedDecimal(_ value: Int64) {
        reserve(23)
        base[count] = UInt8(ascii: "\"")
        count += 1
        if value < 0 {
            base[count] = UInt8(ascii: "-")
            count += 1
        }
        decimal(value.magnitude)
        base[count] = UInt8(ascii: "\"")
        count += 1
    }

    /// Appends an unsigned integer in decimal, unquoted (enums).
    mutating func decimal(_ value: UInt64) {
        reserve(20)
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        rest = value
        var index = count + digits
        repeat {
            index -= 1
            base[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        } while rest > 0
        count += digits
    }

    /// Appends 16 lowercase hex digits (no quotes).
    mutating func hex(_ value: UInt64) {
        reserve(16)
        for index in 0..<16 {
            base[count + index] = Self.hexDigit(UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * index)) & 0xF)
        }
        count += 16
    }

    /// One byte of a ``CommandText``, escaped if JSON needs it.
    @inline(__always)
    mutating func appendText(_ byte: UInt8) {
        if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
            reserve(1)
            put(byte)
        } else {
            reserve(6)  // `\u00XX` at most
            escaped(byte)
        }
    }

    /// One byte of a string, escaped if JSON needs it; room was reserved.
    private mutating func escaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"):
            put(UInt8(ascii: "\\"))
            put(byte)
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        case 0..<0x20:
            raw("\\u00")
            put(Self.hexDigit(byte >> 4))
            put(Self.hexDigit(byte & 0xF))
        default:
            put(byte)
        }
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    /// Makes room for `more` bytes behind the written ones.
    @inline(__always)
    private mutating func reserve(_ more: Int) {
        if count + more > capacity { grow(to: count + more) }
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

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
