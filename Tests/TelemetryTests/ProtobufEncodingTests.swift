import Testing

@testable import Telemetry

@Suite struct OTLPProtobufEncoding {
    let resource = EncodingFixtures.resource

    /// The bytes python's protobuf (opentelemetry-proto's `ExportTraceServiceRequest`)
    /// serializes for `EncodingFixtures.oneSpan`.
    @Test func encodesOneSpanAsProtobufDoes() {
        let expected =
            "0ab5010a1e0a1c0a0c736572766963652e6e616d65120c0a0a72656469732d6c656e731292010a130a0a72656469732d6c656e"
            + "731205302e312e30127b0a100123456789abcdeffedcba987654321012080a0b0c0d0e0f10112a034745543003390100"
            + "2a36fe9c97174191d02d36fe9c97174a190a0e64622e73797374656d2e6e616d6512070a0572656469734a120a0b73657276"
            + "65722e706f7274120318eb314a150a0f72656469732e63616368652e68697412021000"
        #expect(hex(OTLPProtobufEncoder.encode([EncodingFixtures.oneSpan], resource: resource)) == expected)
    }

    /// A parent, an error status and a negative integer (ten varint bytes); a long text
    /// makes its `KeyValue`, `AnyValue` and span lengths take more bytes than were kept.
    @Test func encodesParentStatusAndLongValues() throws {
        let long = String(repeating: "x", count: 20_000)
        let span = SpanRecord(
            traceIDHigh: 0, traceIDLow: 1, spanID: 2, parentSpanID: 0xff, name: "a\"é", startUnixNanos: 0,
            endUnixNanos: UInt64.max,
            attributes: [SpanAttribute("n", .int(Int64.min)), SpanAttribute("s", .string(long))], isError: true)
        let body = OTLPProtobufEncoder.encode([span, span], resource: resource)
        var fields = Fields(body[...])
        let resourceSpans = try fields.required(1)
        #expect(fields.isAtEnd)
        var inResourceSpans = Fields(resourceSpans)
        _ = try inResourceSpans.required(1)  // the resource
        var scopeSpans = Fields(try inResourceSpans.required(2))
        _ = try scopeSpans.required(1)  // the scope
        for _ in 0..<2 {
            var inSpan = Fields(try scopeSpans.required(2))
            #expect(inSpan.message(1).map(Array.init) == [UInt8](repeating: 0, count: 15) + [1])
            #expect(inSpan.message(2).map(Array.init) == [0, 0, 0, 0, 0, 0, 0, 2])
            #expect(inSpan.message(4).map(Array.init) == [0, 0, 0, 0, 0, 0, 0, 0xff])
            #expect(inSpan.message(5).map { String(decoding: $0, as: UTF8.self) } == "a\"é")
            #expect(inSpan.varint(6) == 3)
            #expect(inSpan.fixed64(7) == 0 && inSpan.fixed64(8) == UInt64.max)
            var number = Fields(try inSpan.required(9))
            #expect(number.message(1).map(Array.init) == Array("n".utf8))
            var numberValue = Fields(try number.required(2))
            #expect(numberValue.varint(3) == UInt64(bitPattern: Int64.min))
            var text = Fields(try inSpan.required(9))
            #expect(text.message(1).map(Array.init) == Array("s".utf8))
            var textValue = Fields(try text.required(2))
            #expect(textValue.message(1)?.count == 20_000)
            var status = Fields(try inSpan.required(15))
            #expect(status.varint(3) == 2)
            #expect(inSpan.isAtEnd && status.isAtEnd && textValue.isAtEnd)
        }
        #expect(scopeSpans.isAtEnd)
    }

    /// A length written where room was kept for fewer or more bytes: the content moves,
    /// the length is minimal (as protobuf writes it).
    @Test(arguments: [0, 1, 127, 128, 300, 16_383, 16_384, 2_097_152])
    func lengthsAreMinimalWhateverWasKept(length: Int) {
        for kept in 1...4 {
            var bytes = ProtobufBytes(capacity: 0)
            let start = bytes.beginMessage(1, lengthBytes: kept)
            for index in 0..<length { bytes.appendText(UInt8(truncatingIfNeeded: index)) }
            bytes.endMessage(start)
            let encoded = bytes.bytes
            var fields = Fields(encoded[...])
            let content = fields.message(1)
            #expect(content.map(Array.init) == (0..<length).map { UInt8(truncatingIfNeeded: $0) })
            #expect(fields.isAtEnd)
            #expect(encoded.count == 1 + ProtobufBytes.varintSize(UInt64(length)) + length)
        }
    }

    @Test func varintSizes() {
        let cases: [(UInt64, Int)] = [(0, 1), (127, 1), (128, 2), (16_383, 2), (16_384, 3), (UInt64.max, 10)]
        for (value, size) in cases { #expect(ProtobufBytes.varintSize(value) == size) }
    }

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}

/// Reads fields in order for the tests: each call expects the named field next.
private struct Fields {
    private var rest: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { rest = bytes }

    var isAtEnd: Bool { rest.isEmpty }

    struct Missing: Error {}

    /// The next field's bytes, which must be length-delimited field `field`.
    mutating func required(_ field: UInt64) throws -> ArraySlice<UInt8> {
        guard let bytes = message(field) else { throw Missing() }
        return bytes
    }

    mutating func message(_ field: UInt64) -> ArraySlice<UInt8>? {
        guard key() == field << 3 | 2, let length = varintValue(), length <= rest.count else { return nil }
        defer { rest = rest.dropFirst(Int(length)) }
        return rest.prefix(Int(length))
    }

    mutating func varint(_ field: UInt64) -> UInt64? {
        guard key() == field << 3 else { return nil }
        return varintValue()
    }

    mutating func fixed64(_ field: UInt64) -> UInt64? {
        guard key() == field << 3 | 1, rest.count >= 8 else { return nil }
        defer { rest = rest.dropFirst(8) }
        return rest.prefix(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    private mutating func key() -> UInt64? { varintValue() }

    private mutating func varintValue() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while let byte = rest.popFirst(), shift < 64 {
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }
}
