/// A fully decoded RESP value, for the few replies the proxy reads itself (such as
/// `COMMAND` at start-up). The data path never decodes values; it scans.
public indirect enum RESPValue: Sendable, Hashable {
    /// Simple, bulk or verbatim string (bytes).
    case string([UInt8])
    /// Simple or blob error text.
    case error(String)
    /// Integer.
    case integer(Int64)
    /// Null of any kind.
    case null
    /// Array, set or push elements; map and attribute pairs flattened.
    case array([RESPValue])
    /// Boolean, double or big number, as written.
    case scalar(String)

    /// The string's text, if a string.
    public var text: String? {
        if case .string(let bytes) = self { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }

    /// The elements, if an aggregate.
    public var elements: [RESPValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The integer, if one.
    public var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// Decodes one complete value starting at `offset`, advancing it past the value.
    public static func decode(_ bytes: [UInt8], offset: inout Int) throws(RESPProtocolError) -> RESPValue {
        guard offset < bytes.count else { throw .invalidLength }
        let type = bytes[offset]
        offset += 1
        let line = try readLine(bytes, &offset)
        switch type {
        case UInt8(ascii: "+"): return .string(Array(line))
        case UInt8(ascii: "-"): return .error(String(decoding: line, as: UTF8.self))
        case UInt8(ascii: ":"): return .integer(try number(line))
        case UInt8(ascii: "_"): return .null
        case UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "("):
            return .scalar(String(decoding: line, as: UTF8.self))
        case UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: "!"):
            let length = try number(line)
            if length < 0 { return .null }
            guard length <= bytes.count - offset - 2 else { throw .invalidLength }
            let payload = Array(bytes[offset..<(offset + Int(length))])
            offset += Int(length) + 2
            return type == UInt8(ascii: "!") ? .error(String(decoding: payload, as: UTF8.self)) : .string(payload)
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "|"):
            let count = try number(line)
            if count < 0 { return .null }
            let elements = type == UInt8(ascii: "%") || type == UInt8(ascii: "|") ? count * 2 : count
            guard elements <= bytes.count - offset else { throw .invalidLength }
            var values: [RESPValue] = []
            values.reserveCapacity(Int(elements))
            for _ in 0..<elements { values.append(try decode(bytes, offset: &offset)) }
            return type == UInt8(ascii: "|") ? try decode(bytes, offset: &offset) : .array(values)
        default:
            throw .unknownType(type)
        }
    }

    private static func readLine(_ bytes: [UInt8], _ offset: inout Int) throws(RESPProtocolError) -> ArraySlice<UInt8> {
        var end = offset
        while end + 1 < bytes.count && !(bytes[end] == 0x0D && bytes[end + 1] == 0x0A) { end += 1 }
        guard end + 1 < bytes.count else { throw .malformedLine }
        defer { offset = end + 2 }
        return bytes[offset..<end]
    }

    private static func number(_ line: ArraySlice<UInt8>) throws(RESPProtocolError) -> Int64 {
        guard let value = Int64(String(decoding: line, as: UTF8.self)) else { throw .invalidLength }
        return value
    }
}
