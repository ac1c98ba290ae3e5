/// The common frames in one pass: when a frame starts at a boundary and lies wholly in
/// the bytes at hand, these read it without the resumable state machine. They cover
/// what a proxy sees most (a request's array of bulk strings; a reply that is a simple
/// string, an error, an integer or a bulk string) and give up, changing nothing, on
/// anything else: an incomplete frame, another type, or any irregularity, which the
/// general scanner then reads (and rejects with the right error, if need be).
extension RESPScanner {
    /// Writes the frame at `index` into `frame` and moves `index` past it if it is a
    /// common one; else returns false with `index` unchanged (and `frame` unspecified).
    ///
    /// The scanners below are static, given only the limits: as methods they made the
    /// caller copy the whole scanner per frame (`docs/decisions/0002-hand-written-epoll-data-path.md`).
    @inlinable @inline(__always)
    func fastFrame(_ bytes: UnsafeRawBufferPointer, _ index: inout Int, into frame: inout RESPFrame) -> Bool {
        let bulk = limits.maxBulkLength
        return mode == .request
            ? Self.fastRequest(bytes, &index, &frame, maxBulk: bulk, maxCount: limits.maxAggregateLength)
            : Self.fastReply(bytes, &index, &frame, maxBulk: bulk)
    }

    @usableFromInline
    static func fastRequest(
        _ bytes: UnsafeRawBufferPointer, _ index: inout Int, _ frame: inout RESPFrame, maxBulk: Int, maxCount: Int
    ) -> Bool {
        guard let base = bytes.baseAddress, bytes[index] == Byte.asterisk else { return false }
        let end = bytes.count
        var position = index &+ 1
        guard let count = Self.length(bytes, &position), count > 0, count <= maxCount else {
            return false
        }
        frame = RESPFrame()
        frame.type = .array
        frame.count = count
        frame.childCount = count
        for element in 0..<count {
            guard position < end, bytes[position] == Byte.dollar else { return false }
            position &+= 1
            guard let length = Self.length(bytes, &position), length <= maxBulk, end &- position >= length &+ 2
            else { return false }
            // The heads are empty: `frame` was just reset.
            switch element {
            case 0: frame.first.fillEmpty(from: base + position, length: length)
            case 1: frame.second.fillEmptyHashingTail(from: base + position, length: length)
            case 2: frame.third.fillEmpty(from: base + position, length: length)
            default: break
            }
            // Redis skips the two bytes after a request payload unchecked; so does the scanner.
            position &+= length &+ 2
        }
        frame.byteCount = position &- index
        index = position
        return true
    }

    @usableFromInline
    static func fastReply(
        _ bytes: UnsafeRawBufferPointer, _ index: inout Int, _ frame: inout RESPFrame, maxBulk: Int
    ) -> Bool {
        // Wrapping arithmetic: every position stays within `bytes`, checked before use.
        guard let base = bytes.baseAddress else { return false }
        let end = bytes.count
        var position = index &+ 1
        switch bytes[index] {
        case Byte.plus, Byte.minus:
            var stop = position
            while stop < end && bytes[stop] != Byte.cr { stop &+= 1 }
            guard stop &+ 1 < end, bytes[stop &+ 1] == Byte.lf else { return false }
            frame = RESPFrame()
            frame.type = bytes[index] == Byte.plus ? .simpleString : .simpleError
            frame.first.fillEmpty(from: base + position, length: stop &- position)
            position = stop &+ 2
        case Byte.colon:
            guard let value = Self.integer(bytes, &position) else { return false }
            frame = RESPFrame()
            frame.type = .integer
            frame.integer = value
        case Byte.dollar:
            if end &- position >= 4 && bytes[position] == Byte.minus {
                guard bytes[position &+ 1] == UInt8(ascii: "1"), bytes[position &+ 2] == Byte.cr,
                    bytes[position &+ 3] == Byte.lf
                else { return false }
                frame = RESPFrame()
                frame.type = .bulkString
                frame.count = -1
                position &+= 4
            } else {
                guard let length = Self.length(bytes, &position), length <= maxBulk,
                    end &- position >= length &+ 2, bytes[position &+ length] == Byte.cr,
                    bytes[position &+ length &+ 1] == Byte.lf
                else { return false }
                frame = RESPFrame()
                frame.type = .bulkString
                frame.count = length
                frame.first.fillEmpty(from: base + position, length: length)
                position &+= length &+ 2
            }
        default:
            return false
        }
        frame.byteCount = position &- index
        index = position
        return true
    }

    /// Reads `digits\r\n` (1 to 18 digits, no sign) at `position`, moving past it. One or
    /// two digits (most lengths and counts) are read from one 4-byte load.
    @inline(__always)
    private static func length(_ bytes: UnsafeRawBufferPointer, _ position: inout Int) -> Int? {
        if bytes.count &- position >= 4 {
            let word = bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian
            let first = (word & 0xFF) &- 0x30
            if first < 10 {
                if word >> 8 & 0xFFFF == 0x0A0D {
                    position &+= 3
                    return Int(first)
                }
                let second = (word >> 8 & 0xFF) &- 0x30
                if second < 10 && word >> 16 == 0x0A0D {
                    position &+= 4
                    return Int(first &* 10 &+ second)
                }
            }
        }
        var value = 0
        var cursor = position
        let end = bytes.count
        while cursor < end {
            let byte = bytes[cursor]
            if byte == Byte.cr {
                let digits = cursor - position
                guard digits > 0, digits <= 18, cursor + 1 < end, bytes[cursor + 1] == Byte.lf else { return nil }
                position = cursor + 2
                return value
            }
            guard byte >= Byte.zero && byte <= Byte.nine else { return nil }
            value = value &* 10 &+ Int(byte &- Byte.zero)
            cursor += 1
        }
        return nil
    }

    /// Reads an integer line (optional sign, digits, `\r\n`) at `position`, moving past it.
    private static func integer(_ bytes: UnsafeRawBufferPointer, _ position: inout Int) -> Int64? {
        var cursor = position
        let end = bytes.count
        var negative = false
        if cursor < end && (bytes[cursor] == Byte.minus || bytes[cursor] == Byte.plus) {
            negative = bytes[cursor] == Byte.minus
            cursor += 1
        }
        let start = cursor
        var value: Int64 = 0
        while cursor < end && bytes[cursor] >= Byte.zero && bytes[cursor] <= Byte.nine {
            let digit = Int64(bytes[cursor] &- Byte.zero)
            let (scaled, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) =
                negative ? scaled.subtractingReportingOverflow(digit) : scaled.addingReportingOverflow(digit)
            guard !overflow && !carry else { return nil }
            value = sum
            cursor += 1
        }
        guard cursor > start, cursor + 1 < end, bytes[cursor] == Byte.cr, bytes[cursor + 1] == Byte.lf else {
            return nil
        }
        position = cursor + 2
        return value
    }
}
