/// Encodes spans as one OTLP `ExportTraceServiceRequest` in protobuf's binary wire format
/// (OTLP/HTTP `application/x-protobuf`, OpenTelemetry's default protocol): the same
/// request, field for field, as ``OTLPJSONEncoder`` writes, in under half the bytes and
/// with no hex or decimal text to make.
enum OTLPProtobufEncoder {
    // Field numbers, from opentelemetry-proto's `trace/v1/trace.proto`,
    // `collector/trace/v1/trace_service.proto`, `common/v1/common.proto` and `resource/v1/resource.proto`.
    private enum Field {
        static let resourceSpans: UInt64 = 1  // ExportTraceServiceRequest
        static let resource: UInt64 = 1  // ResourceSpans
        static let scopeSpans: UInt64 = 2  // ResourceSpans
        static let resourceAttributes: UInt64 = 1  // Resource
        static let scope: UInt64 = 1  // ScopeSpans
        static let spans: UInt64 = 2  // ScopeSpans
        static let scopeName: UInt64 = 1  // InstrumentationScope
        static let scopeVersion: UInt64 = 2  // InstrumentationScope
        static let traceID: UInt64 = 1  // Span
        static let spanID: UInt64 = 2
        static let parentSpanID: UInt64 = 4
        static let name: UInt64 = 5
        static let kind: UInt64 = 6
        static let startTime: UInt64 = 7
        static let endTime: UInt64 = 8
        static let spanAttributes: UInt64 = 9
        static let status: UInt64 = 15
        static let statusCode: UInt64 = 3  // Status
    }

    /// The request body for `spans`.
    static func encode(_ spans: [SpanRecord], resource: OTLPResource) -> [UInt8] {
        var body = ProtobufBytes(capacity: 256 + spans.count * 400)
        encode(spans, resource: resource, into: &body)
        return body.bytes
    }

    /// Appends the request body for `spans` to `body`.
    static func encode(_ spans: [SpanRecord], resource: OTLPResource, into body: inout ProtobufBytes) {
        // Lengths kept for a batch's worth (3 bytes: up to 2 MiB); a larger one is moved once.
        let resourceSpans = body.beginMessage(Field.resourceSpans, lengthBytes: 3)
        let resourceMessage = body.beginMessage(Field.resource, lengthBytes: 1)
        attributes(resource.attributes, field: Field.resourceAttributes, into: &body)
        body.endMessage(resourceMessage)
        let scopeSpans = body.beginMessage(Field.scopeSpans, lengthBytes: 3)
        let scope = body.beginMessage(Field.scope, lengthBytes: 1)
        body.stringField(Field.scopeName, resource.scopeName)
        body.stringField(Field.scopeVersion, resource.scopeVersion)
        body.endMessage(scope)
        // By index: the records are read in place (a `for` loop copied each one).
        for index in spans.indices {
            encode(spans[index], into: &body)
        }
        body.endMessage(scopeSpans)
        body.endMessage(resourceSpans)
    }

    private static func encode(_ span: SpanRecord, into body: inout ProtobufBytes) {
        let message = body.beginMessage(Field.spans, lengthBytes: 2)
        body.idField(Field.traceID, span.traceIDHigh, span.traceIDLow)
        body.idField(Field.spanID, span.spanID)
        if span.parentSpanID != 0 { body.idField(Field.parentSpanID, span.parentSpanID) }
        switch span.content {
        case .text(let name, let attributes):
            if !name.isEmpty { body.stringField(Field.name, name) }
            times(of: span, into: &body)
            Self.attributes(attributes, field: Field.spanAttributes, into: &body)
        case .command(let source):
            let name = source.name
            body.textField(Field.name, name)
            times(of: span, into: &body)
            source.write(name: name, into: &body)
        }
        if span.isError {
            let status = body.beginMessage(Field.status, lengthBytes: 1)
            body.varintField(Field.statusCode, OTLPJSONEncoder.errorStatus)
            body.endMessage(status)
        }
        body.endMessage(message)
    }

    private static func times(of span: SpanRecord, into body: inout ProtobufBytes) {
        body.varintField(Field.kind, OTLPJSONEncoder.clientKind)
        body.fixed64Field(Field.startTime, span.startUnixNanos)
        body.fixed64Field(Field.endTime, span.endUnixNanos)
    }

    private static func attributes(_ attributes: [SpanAttribute], field: UInt64, into body: inout ProtobufBytes) {
        for attribute in attributes {
            let keyValue = body.beginKeyValue(field: field, key: attribute.key)
            switch attribute.value {
            case .string(let text): body.stringField(AnyValueField.string, text)
            case .int(let number): body.varintField(AnyValueField.int, UInt64(bitPattern: number))
            case .bool(let flag): body.varintField(AnyValueField.bool, flag ? 1 : 0)
            }
            body.endKeyValue(keyValue)
        }
    }
}

/// `AnyValue`'s fields.
private enum AnyValueField {
    static let string: UInt64 = 1
    static let bool: UInt64 = 2
    static let int: UInt64 = 3
}

/// `KeyValue`'s fields.
private enum KeyValueField {
    static let key: UInt64 = 1
    static let value: UInt64 = 2
}

/// Writes a command span's attributes as `Span.attributes` (field 9) `KeyValue`s, straight
/// from its plain values.
extension ProtobufBytes: SpanAttributeWriter {
    /// An opened `KeyValue` and its `AnyValue`.
    fileprivate struct OpenKeyValue {
        var keyValue: MessageStart
        var value: MessageStart
    }

    private static let spanAttributes: UInt64 = 9

    mutating func string(_ key: StaticString, _ value: String) {
        let open = beginKeyValue(field: Self.spanAttributes, key: key)
        stringField(AnyValueField.string, value)
        endKeyValue(open)
    }

    mutating func string(_ key: StaticString, _ value: CommandText) {
        let open = beginKeyValue(field: Self.spanAttributes, key: key)
        textField(AnyValueField.string, value)
        endKeyValue(open)
    }

    mutating func string(_ key: StaticString, decimal value: Int) {
        let open = beginKeyValue(field: Self.spanAttributes, key: key)
        let text = beginMessage(AnyValueField.string, lengthBytes: 1)
        decimalText(value)
        endMessage(text)
        endKeyValue(open)
    }

    mutating func int(_ key: StaticString, _ value: Int64) {
        let open = beginKeyValue(field: Self.spanAttributes, key: key)
        varintField(AnyValueField.int, UInt64(bitPattern: value))
        endKeyValue(open)
    }

    mutating func bool(_ key: StaticString, _ value: Bool) {
        let open = beginKeyValue(field: Self.spanAttributes, key: key)
        varintField(AnyValueField.bool, value ? 1 : 0)
        endKeyValue(open)
    }

    /// `value`'s decimal digits, as string bytes.
    private mutating func decimalText(_ value: Int) {
        if value < 0 { appendText(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        var divisor: UInt = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            appendText(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude / divisor % 10))
            divisor /= 10
        }
    }

    @inline(__always)
    fileprivate mutating func beginKeyValue(field: UInt64, key: StaticString) -> OpenKeyValue {
        let keyValue = beginMessage(field, lengthBytes: 1)
        stringField(KeyValueField.key, key)
        return OpenKeyValue(keyValue: keyValue, value: beginMessage(KeyValueField.value, lengthBytes: 1))
    }

    fileprivate mutating func beginKeyValue(field: UInt64, key: String) -> OpenKeyValue {
        let keyValue = beginMessage(field, lengthBytes: 1)
        stringField(KeyValueField.key, key)
        return OpenKeyValue(keyValue: keyValue, value: beginMessage(KeyValueField.value, lengthBytes: 1))
    }

    @inline(__always)
    fileprivate mutating func endKeyValue(_ open: OpenKeyValue) {
        endMessage(open.value)
        endMessage(open.keyValue)
    }
}
