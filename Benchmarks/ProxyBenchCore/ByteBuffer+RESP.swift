import NIOCore

extension ByteBuffer {
    /// Writes a non-negative integer in decimal, without allocating.
    @inline(__always)
    mutating func writeDecimal(_ value: Int) {
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        writeWithUnsafeMutableBytes(minimumWritableBytes: digits) { bytes in
            var rest = value
            for index in stride(from: digits - 1, through: 0, by: -1) {
                bytes[index] = UInt8(truncatingIfNeeded: 48 + rest % 10)
                rest /= 10
            }
            return digits
        }
    }

    /// Writes a bulk string `$N\r\n<prefix><number>\r\n`, the form of every key.
    @inline(__always)
    mutating func writeKey(_ prefix: StaticString, _ number: Int) {
        var digits = 1
        var rest = number
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        writeInteger(UInt8(ascii: "$"))
        writeDecimal(prefix.utf8CodeUnitCount + digits)
        writeStaticString("\r\n")
        writeStaticString(prefix)
        writeDecimal(number)
        writeStaticString("\r\n")
    }

    /// Writes a bulk string of `count` filler bytes.
    mutating func writeValue(count: Int) {
        writeInteger(UInt8(ascii: "$"))
        writeDecimal(count)
        writeStaticString("\r\n")
        writeRepeatingByte(UInt8(ascii: "x"), count: count)
        writeStaticString("\r\n")
    }

    /// Writes an array header `*N\r\n`.
    mutating func writeArrayHeader(_ count: Int) {
        writeInteger(UInt8(ascii: "*"))
        writeDecimal(count)
        writeStaticString("\r\n")
    }
}
