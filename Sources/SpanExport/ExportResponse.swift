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
