import RESP
import TestSupport

/// A reply value as a test builds it: encodes itself and predicts the scanner's summary.
indirect enum RESPValue {
    /// `+`, `-`, `,`, `(` or `#` with its line text.
    case line(RESPType, [UInt8])
    case integer(Int64)
    /// `$`, `!` or `=` with its payload.
    case blob(RESPType, [UInt8])
    case nullBulk
    case nullArray
    case null
    /// `$?` with its non-empty chunks.
    case streamedString([[UInt8]])
    /// `*`, `~`, `>` or `%` (a map's keys and values flattened) with its elements.
    case aggregate(RESPType, [RESPValue])
    /// `*?`, `~?` or `%?` with its elements.
    case streamedAggregate(RESPType, [RESPValue])
    /// An attribute (keys and values flattened) and the value it describes.
    case attributed([RESPValue], RESPValue)

    var encoded: [UInt8] {
        var bytes: [UInt8] = []
        encode(into: &bytes)
        return bytes
    }

    func encode(into bytes: inout [UInt8]) {
        switch self {
        case .line(let type, let text):
            bytes.append(type.rawValue)
            bytes += text + crlf
        case .integer(let value):
            bytes += wire(":\(value)\r\n")
        case .blob(let type, let payload):
            bytes.append(type.rawValue)
            bytes += wire("\(payload.count)\r\n") + payload + crlf
        case .nullBulk:
            bytes += wire("$-1\r\n")
        case .nullArray:
            bytes += wire("*-1\r\n")
        case .null:
            bytes += wire("_\r\n")
        case .streamedString(let chunks):
            bytes += wire("$?\r\n")
            for chunk in chunks { bytes += wire(";\(chunk.count)\r\n") + chunk + crlf }
            bytes += wire(";0\r\n")
        case .aggregate(let type, let elements):
            bytes.append(type.rawValue)
            bytes += wire("\(type == .map ? elements.count / 2 : elements.count)\r\n")
            for element in elements { element.encode(into: &bytes) }
        case .streamedAggregate(let type, let elements):
            bytes.append(type.rawValue)
            bytes += wire("?\r\n")
            for element in elements { element.encode(into: &bytes) }
            bytes += wire(".\r\n")
        case .attributed(let attribute, let value):
            bytes += wire("|\(attribute.count / 2)\r\n")
            for element in attribute { element.encode(into: &bytes) }
            value.encode(into: &bytes)
        }
    }

    /// The value with any leading attributes removed.
    var described: RESPValue {
        if case .attributed(_, let value) = self { return value.described }
        return self
    }

    var isNull: Bool {
        switch self {
        case .nullBulk, .nullArray, .null: return true
        default: return false
        }
    }

    /// The head the scanner keeps for this value when it is a string, else nil.
    var stringHead: ByteHead? {
        switch self {
        case .line(_, let text): return ByteHead(text)
        case .blob(_, let payload): return ByteHead(payload)
        case .nullBulk: return ByteHead()
        case .streamedString(let chunks): return ByteHead(chunks.joined())
        default: return nil
        }
    }

    /// The summary the scanner must report for this value as a top-level frame.
    var expectedSummary: RESPFrame {
        var frame = RESPFrame()
        frame.byteCount = encoded.count
        let value = described
        if let head = value.stringHead { frame.first = head }
        switch value {
        case .line(let type, _):
            frame.type = type
        case .integer(let number):
            frame.type = .integer
            frame.integer = number
        case .blob(let type, let payload):
            frame.type = type
            frame.count = payload.count
        case .nullBulk:
            frame.type = .bulkString
            frame.count = -1
        case .nullArray:
            frame.type = .array
            frame.count = -1
        case .null:
            frame.type = .null
        case .streamedString(let chunks):
            frame.type = .bulkString
            frame.count = chunks.reduce(0) { $0 + $1.count }
        case .aggregate(let type, let elements), .streamedAggregate(let type, let elements):
            frame.type = type
            frame.count = type == .map ? elements.count / 2 : elements.count
            for (index, element) in elements.enumerated() {
                let child = element.described
                frame.childCount += 1
                if child.isNull { frame.nullChildren += 1 }
                if case .integer(let number) = child { frame.integer = number }
                if index < 3, let head = child.stringHead { frame[head: index] = head }
            }
        case .attributed:
            preconditionFailure("described never returns an attribute")
        }
        return frame
    }
}

private let crlf: [UInt8] = [0x0D, 0x0A]

/// Builds random valid replies.
struct ReplyGenerator {
    var random: SplitMix64
    /// Deepest aggregate nesting generated (attributes count as a level).
    var maxDepth = 5

    mutating func value(depth: Int = 0) -> RESPValue {
        if depth < maxDepth && random.chance(6) {
            let pairs = random.int(0...2)
            let attribute = (0..<(pairs * 2)).map { _ in value(depth: depth + 1) }
            return .attributed(attribute, value(depth: depth))
        }
        if depth < maxDepth && random.chance(max(5, 40 - depth * 8)) {
            return aggregate(depth: depth)
        }
        return scalar()
    }

    private mutating func aggregate(depth: Int) -> RESPValue {
        let type = random.element([RESPType.array, .array, .map, .set, .push])
        let streamed = type != .push && random.chance(15)
        var count = random.int(0...4)
        if type == .map { count *= 2 }
        let elements = (0..<count).map { _ in value(depth: depth + 1) }
        return streamed ? .streamedAggregate(type, elements) : .aggregate(type, elements)
    }

    private mutating func textLength() -> Int {
        random.chance(20) ? random.int(30...80) : random.int(0...12)
    }

    private mutating func scalar() -> RESPValue {
        switch random.int(0...15) {
        case 0: return .line(.simpleString, random.text(textLength()))
        case 1: return .line(.simpleError, wire("ERR ") + random.text(textLength()))
        case 2:
            let extremes: [Int64] = [.min, .max, 0, -1]
            return .integer(random.chance(10) ? random.element(extremes) : Int64(bitPattern: random.next()))
        case 3: return .integer(Int64(random.int(-1000...1000)))
        case 4, 5:
            let length = random.chance(5) ? random.int(100...3000) : random.int(0...40)
            return .blob(.bulkString, random.bytes(length))
        case 6: return .blob(.blobError, wire("SYNTAX ") + random.text(textLength()))
        case 7: return .blob(.verbatimString, wire("txt:") + random.text(textLength()))
        case 8: return .nullBulk
        case 9: return .nullArray
        case 10: return .null
        case 11: return .line(.boolean, [random.chance(50) ? UInt8(ascii: "t") : UInt8(ascii: "f")])
        case 12:
            let double = Double(random.int(-1_000_000...1_000_000)) / Double(random.int(1...1000))
            return .line(.double, wire(random.chance(10) ? random.element(["inf", "-inf", "nan"]) : "\(double)"))
        case 13: return .line(.bigNumber, (0..<random.int(1...60)).map { _ in UInt8(random.int(0x30...0x39)) })
        default:
            let chunks = (0..<random.int(0...4)).map { _ in random.bytes(random.int(1...20)) }
            return .streamedString(chunks)
        }
    }
}

/// Builds random valid requests, with their expected summaries.
struct RequestGenerator {
    var random: SplitMix64

    mutating func request() -> (bytes: [UInt8], summary: RESPFrame) {
        switch random.int(0...9) {
        case 0...5: return multibulk()
        case 6: return random.chance(50) ? (wire("*0\r\n"), summary(.array, bytes: 4)) : blankLine()
        default: return inline()
        }
    }

    private mutating func multibulk() -> (bytes: [UInt8], summary: RESPFrame) {
        let name = wire(random.element(["GET", "SET", "hset", "ZADD", "Ping", "CLIENT"]))
        let arguments =
            [name]
            + (0..<random.int(0...6)).map { _ in
                random.bytes(random.chance(5) ? random.int(100...5000) : random.int(0...40))
            }
        var bytes = wire("*\(arguments.count)\r\n")
        for argument in arguments { bytes += wire("$\(argument.count)\r\n") + argument + crlf }
        let heads = arguments.prefix(3).enumerated().map {
            $0.offset == 1 ? ByteHead(hashingTail: $0.element) : ByteHead($0.element)
        }
        let frame = summary(.array, count: arguments.count, bytes: bytes.count, children: arguments.count, heads: heads)
        return (bytes, frame)
    }

    private mutating func blankLine() -> (bytes: [UInt8], summary: RESPFrame) {
        let bytes = wire(String(repeating: " ", count: random.int(0...3)) + (random.chance(50) ? "\r\n" : "\n"))
        return (bytes, summary(.inlineCommand, bytes: bytes.count))
    }

    private mutating func inline() -> (bytes: [UInt8], summary: RESPFrame) {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_-.{}")
        let tokens = (0..<random.int(1...6)).map { _ in
            String((0..<random.int(1...40)).map { _ in random.element(alphabet) })
        }
        var line = random.chance(20) ? " " : ""
        var arguments: [String] = []
        for (index, token) in tokens.enumerated() {
            if index > 0 { line += String(repeating: random.chance(80) ? " " : "\t", count: random.int(1...3)) }
            if index > 0 && random.chance(15) {
                let quote = random.chance(50) ? "\"" : "'"
                let spaced = token + " " + token
                line += quote + spaced + quote
                arguments.append(spaced)
            } else {
                line += token
                arguments.append(token)
            }
        }
        line += random.chance(70) ? "\r\n" : "\n"
        let bytes = wire(line)
        let frame = summary(
            .inlineCommand,
            count: arguments.count,
            bytes: bytes.count,
            heads: arguments.prefix(3).enumerated().map {
                $0.offset == 1 ? ByteHead(hashingTail: $0.element.utf8) : head($0.element)
            }
        )
        return (bytes, frame)
    }
}
