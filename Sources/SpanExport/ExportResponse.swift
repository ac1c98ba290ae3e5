/// What an OTLP/HTTP response body says (JSON or protobuf): an `ExportTraceServiceResponse`
/// whose `partialSuccess` names rejected spans, or a `Status` with a `message` on errors.
public struct ExportResponse: Sendable, Equatable {
    /// Spans the endpoint rejected (`partialSuccess.rejectedSpans`), 0 when none.
    public var rejectedSpans: Int64
    /// `partialSuccess.errorMessage` or a `Status.message`, cut to 200 characters.
    public var message: String?

    /// Reads the fields it needs from a JSON body; anything unreadable counts as empty.
    public init(body: [UInt8]) {
        let text = String(decoding: body.prefix(64 * 1024), as: UTF8.self)
        rejectedSpans = Self.number(after: "\"rejectedSpans\"", in: text) ?? 0
        message = (Self.string(after: "\"errorMessage\"", in: text) ?? Self.string(after: "\"message\"", in: text))
            .map { String($0.prefix(200)) }
    }

    /// Reads the same fields from a protobuf body: an `ExportTraceServiceResponse`
    /// (`partial_success` = 1: `rejected_spans` = 1, `error_message` = 2), or on errors
    /// (`isStatus`) a `google.rpc.Status` (`message` = 2). Anything unreadable counts as empty.
    public init(protobuf body: [UInt8], isStatus: Bool) {
        rejectedSpans = 0
        message = nil
        var fields = ProtobufFields(body[...])
        if isStatus {
            while let field = fields.next() {
                if field.number == 2, case .bytes(let text) = field.value { message = Self.text(text) }
            }
            return
        }
        while let field = fields.next() {
            guard field.number == 1, case .bytes(let partial) = field.value else { continue }
            var inner = ProtobufFields(partial)
            while let field = inner.next() {
                switch (field.number, field.value) {
                case (1, .varint(let count)): rejectedSpans = Int64(bitPattern: count)
                case (2, .bytes(let text)): message = Self.text(text)
                default: continue
                }
            }
        }
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String? {
        bytes.isEmpty ? nil : String(String(decoding: bytes, as: UTF8.self).prefix(200))
    }

    private static func valueStart(after key: String, in text: String) -> Substring? {
        guard let range = text.range(of: key) else { return nil }
        var rest = text[range.upperBound...].drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        return rest
    }

    private static func number(after key: String, in text: String) -> Int64? {
        guard var rest = valueStart(after: key, in: text) else { return nil }
        if rest.first == "\"" { rest = rest.dropFirst() }
        return Int64(rest.prefix { $0.isNumber })
    }

    private static func string(after key: String, in text: String) -> String? {
        guard let rest = valueStart(after: key, in: text), rest.first == "\"" else { return nil }
        var result = ""
        var escaped = false
        for character in rest.dropFirst() {
            if escaped {
                result.append(character == "n" ? " " : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                return result
            } else {
                result.append(character)
            }
        }
        return nil
    }
}

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
