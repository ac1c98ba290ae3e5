import Testing

@testable import Telemetry

@Suite struct OTLPJSONEncoding {
    let resource = OTLPResource(
        attributes: [SpanAttribute("service.name", .string("redis-lens"))], scopeName: "redis-lens",
        scopeVersion: "0.1.0")

    @Test func encodesOneSpanExactly() {
        let span = SpanRecord(
            traceIDHigh: 0x0123_4567_89ab_cdef, traceIDLow: 0xfedc_ba98_7654_3210, spanID: 0x0a0b_0c0d_0e0f_1011,
            name: "GET", startUnixNanos: 1_700_000_000_000_000_001, endUnixNanos: 1_700_000_000_000_250_001,
            attributes: [
                SpanAttribute("db.system.name", .string("redis")),
                SpanAttribute("server.port", .int(6379)),
                SpanAttribute("redis.cache.hit", .bool(false)),
            ])
        let json = String(decoding: OTLPJSONEncoder.encode([span], resource: resource), as: UTF8.self)
        #expect(
            json
                == #"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"redis-lens"}}]},"#
                + #""scopeSpans":[{"scope":{"name":"redis-lens","version":"0.1.0"},"spans":[{"#
                + #""traceId":"0123456789abcdeffedcba9876543210","spanId":"0a0b0c0d0e0f1011","name":"GET","kind":3,"#
                + #""startTimeUnixNano":"1700000000000000001","endTimeUnixNano":"1700000000000250001","attributes":["#
                + #"{"key":"db.system.name","value":{"stringValue":"redis"}},"#
                + #"{"key":"server.port","value":{"intValue":"6379"}},"#
                + #"{"key":"redis.cache.hit","value":{"boolValue":false}}]}]}]}]}"#)
    }

    @Test func encodesParentStatusAndEscapes() {
        let span = SpanRecord(
            traceIDHigh: 0, traceIDLow: 1, spanID: 2, parentSpanID: 0xff, name: "a\"b\\c\nd\u{01}é",
            startUnixNanos: 0, endUnixNanos: UInt64.max,
            attributes: [SpanAttribute("n", .int(Int64.min)), SpanAttribute("t", .bool(true))], isError: true)
        let json = String(decoding: OTLPJSONEncoder.encode([span, span], resource: resource), as: UTF8.self)
        let one =
            #"{"traceId":"00000000000000000000000000000001","spanId":"0000000000000002","#
            + #""parentSpanId":"00000000000000ff","name":"a\"b\\c\nd\u0001é","kind":3,"#
            + #""startTimeUnixNano":"0","endTimeUnixNano":"18446744073709551615","attributes":["#
            + #"{"key":"n","value":{"intValue":"-9223372036854775808"}},{"key":"t","value":{"boolValue":true}}],"#
            + #""status":{"code":2}}"#
        #expect(json.contains("\"spans\":[" + one + "," + one + "]"))
    }

    @Test func encodesAnEmptyBatch() {
        let json = String(decoding: OTLPJSONEncoder.encode([SpanRecord](), resource: resource), as: UTF8.self)
        #expect(json.hasSuffix(#""spans":[]}]}]}"#))
    }
}
