/// Who produced the spans: the OTLP resource (`service.name`, ...) and the
/// instrumentation scope (`redis-lens` and its version).
public struct OTLPResource: Sendable {
    /// Resource attributes, `service.name` first.
    public var attributes: [SpanAttribute]
    /// The instrumentation scope's name.
    public var scopeName: String
    /// The instrumentation scope's version.
    public var scopeVersion: String

    /// Creates a resource.
    public init(attributes: [SpanAttribute], scopeName: String, scopeVersion: String) {
        self.attributes = attributes
        self.scopeName = scopeName
        self.scopeVersion = scopeVersion
    }
}

/// Encodes spans as one OTLP `ExportTraceServiceRequest` in the OTLP/JSON encoding:
/// lowerCamelCase field names, trace and span ids as lowercase hex, enums as integers,
/// 64-bit integers as decimal strings, default values left out.
public enum OTLPJSONEncoder {
    /// `SPAN_KIND_CLIENT`.
    static let clientKind: UInt64 = 3
    /// `STATUS_CODE_ERROR`.
    static let errorStatus: UInt64 = 2

    /// The request body for `spans`, as UTF-8 bytes (no trailing newline).
    public static func encode(_ spans: [SpanRecord], resource: OTLPResource) -> [UInt8] {
        var json = JSONBytes(capacity: 256 + spans.count * 900)
        encode(spans, resource: resource, into: &json)
        return json.bytes
    }

    /// Appends the request body for `spans` to `json`.
    static func encode(_ spans: [SpanRecord], resource: OTLPResource, into json: inout JSONBytes) {
        json.raw("{\"resourceSpans\":[{\"resource\":{\"attributes\":")
        attributes(resource.attributes, into: &json)
        json.raw("},\"scopeSpans\":[{\"scope\":{\"name\":")
        json.string(resource.scopeName)
        json.raw(",\"version\":")
        json.string(resource.scopeVersion)
        json.raw("},\"spans\":[")
        // By index: the records are read in place (a `for` loop copied each one).
        for index in spans.indices {
            if index > 0 { json.raw(",") }
            encode(spans[index], into: &json)
        }
        json.raw("]}]}]}")
    }

    private static func encode(_ span: SpanRecord, into json: inout JSONBytes) {
        json.raw("{\"traceId\":\"")
        json.hex(span.traceIDHigh)
        json.hex(span.traceIDLow)
        json.raw("\",\"spanId\":\"")
        json.hex(span.spanID)
        json.raw("\"")
        if span.parentSpanID != 0 {
            json.raw(",\"parentSpanId\":\"")
            json.hex(span.parentSpanID)
            json.raw("\"")
        }
        json.raw(",\"name\":")
        switch span.content {
        case .text(let name, let attributes):
            json.string(name)
            times(of: span, into: &json)
            Self.attributes(attributes, into: &json)
        case .command(let source):
            let name = source.name
            json.text(name)
            times(of: span, into: &json)
            json.raw("[")
            source.write(name: name, into: &json)
            json.raw("]")
        }
        if span.isError {
            json.raw(",\"status\":{\"code\":")
            json.decimal(errorStatus)
            json.raw("}")
        }
        json.raw("}")
    }

    /// The kind, the times, and the opening of the attributes.
    private static func times(of span: SpanRecord, into json: inout JSONBytes) {
        json.raw(",\"kind\":")
        json.decimal(clientKind)
        json.raw(",\"startTimeUnixNano\":")
        json.quotedDecimal(span.startUnixNanos)
        json.raw(",\"endTimeUnixNano\":")
        json.quotedDecimal(span.endUnixNanos)
        json.raw(",\"attributes\":")
    }

    private static func attributes(_ attributes: [SpanAttribute], into json: inout JSONBytes) {
        json.raw("[")
        for (index, attribute) in attributes.enumerated() {
            if index > 0 { json.raw(",") }
            json.raw("{\"key\":")
            json.string(attribute.key)
            switch attribute.value {
            case .string(let text):
                json.raw(",\"value\":{\"stringValue\":")
                json.string(text)
            case .int(let number):
                json.raw(",\"value\":{\"intValue\":")
                json.quotedDecimal(number)
            case .bool(let flag):
                json.raw(",\"value\":{\"boolValue\":")
                if flag { json.raw("true") } else { json.raw("false") }
            }
            json.raw("}}")
        }
        json.raw("]")
    }
}

/// Writes attributes as OTLP JSON `KeyValue`s, straight from a span's plain values (the
/// caller writes the brackets). Keys are literals that need no escaping.
extension JSONBytes: SpanAttributeWriter {
    mutating func string(_ key: StaticString, _ value: String) {
        beginAttribute(key, Self.stringValue)
        string(value)
        raw("}}")
    }

    mutating func string(_ key: StaticString, _ value: CommandText) {
        beginAttribute(key, Self.stringValue)
        text(value)
        raw("}}")
    }

    mutating func string(_ key: StaticString, decimal value: Int) {
        beginAttribute(key, Self.stringValue)
        quotedDecimal(Int64(value))  // a JSON string of the digits
        raw("}}")
    }

    mutating func int(_ key: StaticString, _ value: Int64) {
        beginAttribute(key, Self.intValue)
        quotedDecimal(value)
        raw("}}")
    }

    mutating func bool(_ key: StaticString, _ value: Bool) {
        beginAttribute(key, Self.boolValue)
        if value { raw("true") } else { raw("false") }
        raw("}}")
    }

    private static let stringValue: StaticString = "\",\"value\":{\"stringValue\":"
    private static let intValue: StaticString = "\",\"value\":{\"intValue\":"
    private static let boolValue: StaticString = "\",\"value\":{\"boolValue\":"

    /// `{"key":"KEY` and `kind` (the key's closing quote and the value's opening), after a
    /// comma unless it is the list's first.
    private mutating func beginAttribute(_ key: StaticString, _ kind: StaticString) {
        if lastByte != UInt8(ascii: "[") { raw(",") }
        raw("{\"key\":\"")
        raw(key)
        raw(kind)
    }
}
