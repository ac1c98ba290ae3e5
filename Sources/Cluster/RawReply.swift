/// One reply decoded just enough to edit a few strings in it and write it back: every
/// value keeps its wire type, so an unedited reply encodes to the very bytes it came from
/// (Redis writes lengths and counts without leading zeros or signs).
///
/// Only the topology replies (`CLUSTER SLOTS`, `SHARDS`, `NODES`, `REPLICAS`) and
/// redirections are decoded this way, never the data path's other replies.
indirect enum RawReply: Equatable {
    /// A one-line value: `+`, `-`, `:`, `_`, `#`, `,`, `(`, and the null `$-1` / `*-1`.
    case line(type: UInt8, text: [UInt8])
    /// A length-prefixed string: `$` (bulk), `=` (verbatim), `!` (blob error).
    case blob(type: UInt8, payload: [UInt8])
    /// An aggregate: `*`, `~`, `>`, and `%` (a map, its keys and values alternating).
    case aggregate(type: UInt8, elements: [RawReply])
    /// A RESP3 attribute (`|`, pairs alternating) and the value it annotates.
    case attributed(attribute: [RawReply], value: RawReply)

    /// Nesting deeper than any topology reply: such a reply is passed on unedited.
    static let maximumDepth = 16

    /// Decodes `bytes`, which must hold exactly one complete reply; nil otherwise.
    init?(decoding bytes: [UInt8]) {
        var offset = 0
        guard let value = Self.decode(bytes, &offset, depth: 0), offset == bytes.count else { return nil }
        self = value
    }

    /// The reply's wire bytes.
    var encoded: [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    /// The string's bytes, for a bulk or simple string.
    var string: [UInt8]? {
        switch self {
        case .blob(UInt8(ascii: "$"), let payload), .line(UInt8(ascii: "+"), let payload): payload
        default: nil
        }
    }

    /// The integer, for an integer.
    var integer: Int? {
        guard case .line(UInt8(ascii: ":"), let text) = self else { return nil }
        return Int(String(decoding: text, as: UTF8.self))
    }

    /// Whether it is a null (`_`, `$-1`, `*-1`).
    var isNull: Bool {
        guard case .line(let type, let text) = self else { return false }
        return type == UInt8(ascii: "_")
            || ((type == UInt8(ascii: "$") || type == UInt8(ascii: "*")) && text == [45, 49])
    }

    private func encode(into out: inout [UInt8]) {
        switch self {
        case .line(let type, let text):
            out.append(type)
            out.append(contentsOf: text)
            out.append(contentsOf: [13, 10])
        case .blob(let type, let payload):
            out.append(type)
            out.append(contentsOf: String(payload.count).utf8)
            out.append(contentsOf: [13, 10])
            out.append(contentsOf: payload)
            out.append(contentsOf: [13, 10])
        case .aggregate(let type, let elements):
            out.append(type)
            out.append(contentsOf: String(type == UInt8(ascii: "%") ? elements.count / 2 : elements.count).utf8)
            out.append(contentsOf: [13, 10])
            for element in elements { element.encode(into: &out) }
        case .attributed(let attribute, let value):
            out.append(UInt8(ascii: "|"))
            out.append(contentsOf: String(attribute.count / 2).utf8)
            out.append(contentsOf: [13, 10])
            for element in attribute { element.encode(into: &out) }
            value.encode(into: &out)
        }
    }

    private static func decode(_ bytes: [UInt8], _ offset: inout Int, depth: Int) -> RawReply? {
        guard depth < maximumDepth, offset < bytes.count else { return nil }
        let type = bytes[offset]
        offset += 1
        guard let line = readLine(bytes, &offset) else { return nil }
        switch type {
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "_"), UInt8(ascii: "#"),
            UInt8(ascii: ","), UInt8(ascii: "("):
            return .line(type: type, text: line)
        case UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: "!"):
            guard let length = count(line) else { return nil }
            if length < 0 { return type == UInt8(ascii: "$") ? .line(type: type, text: line) : nil }
            guard length <= bytes.count - offset - 2, bytes[offset + length] == 13, bytes[offset + length + 1] == 10
            else { return nil }
            let payload = Array(bytes[offset..<(offset + length)])
            offset += length + 2
            return .blob(type: type, payload: payload)
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "|"):
            guard let number = count(line) else { return nil }
            if number < 0 { return type == UInt8(ascii: "*") ? .line(type: type, text: line) : nil }
            let paired = type == UInt8(ascii: "%") || type == UInt8(ascii: "|")
            let total = paired ? number * 2 : number
            // Every element takes at least three bytes: a count beyond that is no reply.
            guard total <= (bytes.count - offset) / 3 else { return nil }
            var elements: [RawReply] = []
            elements.reserveCapacity(total)
            for _ in 0..<total {
                guard let element = decode(bytes, &offset, depth: depth + 1) else { return nil }
                elements.append(element)
            }
            if type == UInt8(ascii: "|") {
                guard let value = decode(bytes, &offset, depth: depth + 1) else { return nil }
                return .attributed(attribute: elements, value: value)
            }
            return .aggregate(type: type, elements: elements)
        default:
            return nil
        }
    }

    private static func readLine(_ bytes: [UInt8], _ offset: inout Int) -> [UInt8]? {
        var end = offset
        while end + 1 < bytes.count && !(bytes[end] == 13 && bytes[end + 1] == 10) { end += 1 }
        guard end + 1 < bytes.count else { return nil }
        defer { offset = end + 2 }
        return Array(bytes[offset..<end])
    }

    /// A length or count as Redis writes it (canonical digits, or `-1`).
    private static func count(_ line: [UInt8]) -> Int? {
        guard !line.isEmpty, line.count <= 18, let value = Int(String(decoding: line, as: UTF8.self)),
            String(value).utf8.elementsEqual(line)
        else { return nil }
        return value
    }
}
