/// The fields of a protobuf message, one at a time; stops at the first malformed one.
struct ProtobufFields {
    /// A field's value: a varint, or the bytes of a length-delimited field (fixed-width
    /// fields are skipped over and read as 0).
    enum Value {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
    }

    private var rest: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { rest = bytes }

    /// The next field, or nil at the end or on malformed input.
    mutating func next() -> (number: UInt64, value: Value)? {
        guard let key = varint() else { return nil }
        switch key & 7 {
        case 0:
            guard let value = varint() else { return nil }
            return (key >> 3, .varint(value))
        case 1, 5:
            let width = key & 7 == 1 ? 8 : 4
            guard rest.count >= width else { return end() }
            rest = rest.dropFirst(width)
            return (key >> 3, .varint(0))
        case 2:
            guard let length = varint(), length <= UInt64(rest.count) else { return end() }
            let bytes = rest.prefix(Int(length))
            rest = rest.dropFirst(Int(length))
            return (key >> 3, .bytes(bytes))
        default:
            return end()
        }
    }

    private mutating func end() -> (number: UInt64, value: Value)? {
        rest = []
        return nil
    }

    private mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while let byte = rest.first, shift < 64 {
            rest = rest.dropFirst()
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        rest = []
        return nil
    }
}
