import RedisCommands
import Testing

@testable import Telemetry

/// The resource and the one span both encodings' exact-bytes tests encode.
enum EncodingFixtures {
    static let resource = OTLPResource(
        attributes: [SpanAttribute("service.name", .string("redis-lens"))], scopeName: "redis-lens",
        scopeVersion: "0.1.0")

    static let oneSpan = SpanRecord(
        traceIDHigh: 0x0123_4567_89ab_cdef, traceIDLow: 0xfedc_ba98_7654_3210, spanID: 0x0a0b_0c0d_0e0f_1011,
        name: "GET", startUnixNanos: 1_700_000_000_000_000_001, endUnixNanos: 1_700_000_000_000_250_001,
        attributes: [
            SpanAttribute("db.system.name", .string("redis")),
            SpanAttribute("server.port", .int(6379)),
            SpanAttribute("redis.cache.hit", .bool(false)),
        ])
}

@Suite struct OTLPJSONEncoding {
    let resource = EncodingFixtures.resource

    @Test func encodesOneSpanExactly() {
        let json = String(
            decoding: OTLPJSONEncoder.encode([EncodingFixtures.oneSpan], resource: resource), as: UTF8.self)
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

    /// The exporter's kept buffer: each body replaces the last one, byte for byte what a
    /// fresh encoding gives, whether the next batch is larger or smaller, in either encoding.
    @Test(arguments: OTLPEncoding.allCases)
    func requestBufferHoldsExactlyTheLastBody(encoding: OTLPEncoding) {
        let spans = (0..<300).map { index in
            SpanRecord(
                traceIDHigh: 1, traceIDLow: UInt64(index), spanID: UInt64(index) + 1, name: "GET",
                startUnixNanos: 10, endUnixNanos: 20, attributes: [SpanAttribute("db.namespace", .string("0"))])
        }
        var request = OTLPRequestBuffer(encoding: encoding)
        for batch in [Array(spans), Array(spans.prefix(2)), [], Array(spans.suffix(100))] {
            request.encode(batch, resource: resource)
            let fresh =
                encoding == .json
                ? OTLPJSONEncoder.encode(batch, resource: resource)
                : OTLPProtobufEncoder.encode(batch, resource: resource)
            #expect(request.withUnsafeBytes { Array($0) } == fresh)
        }
    }

    @Test func encodesAnEmptyBatch() {
        let json = String(decoding: OTLPJSONEncoder.encode([SpanRecord](), resource: resource), as: UTF8.self)
        #expect(json.hasSuffix(#""spans":[]}]}]}"#))
    }

    /// A command's span is encoded straight from its plain values; the JSON is the same as
    /// that of the same span made of text (its `name` and `attributes`).
    @Test func commandSpansEncodeAsTheirText() throws {
        for mode in QueryTextMode.allCases {
            let sink = CollectingSink()
            let shard = makeSpanShard(sink, queryText: mode)
            shard.record(Events.make(["GET", "user:1"], reply: "$-1\r\n", nanos: 250_000))
            shard.record(Events.make(["SET", "k\"\\", "v"], reply: "+OK\r\n"))
            shard.record(Events.make(["config", "get", "maxmemory"], reply: "*0\r\n"))
            shard.record(Events.make(["AUTH", "user", "secret"], reply: "+OK\r\n"))
            shard.record(Events.make(["LPUSH", "a", "x"], reply: "-WRONGTYPE Operation against a key\r\n"))
            shard.record(Events.make(["GET", "a"], reply: "", outcome: .aborted))
            shard.record(Events.make(["SELECT", "5"], reply: "+OK\r\n"))
            shard.record(Events.make(["MULTI"], reply: "+OK\r\n"))
            shard.record(Events.make(["INCR", "n"], reply: "+QUEUED\r\n", queued: true))
            shard.record(Events.make(["EXEC"], reply: "*1\r\n:1\r\n"))
            shard.connectionOpened(id: 2, address: "[::1]:6000")
            shard.record(Events.make(["GET", "b"], reply: "$1\r\nx\r\n", connection: 2))
            shard.record(Events.make(["GET", "k\u{01}\u{7F}é"], reply: "$-1\r\n"))
            shard.record(Events.make(["GET", String(repeating: "long:", count: 10)], reply: "$-1\r\n"))
            shard.record(Events.make(["NOSUCHCOMMAND", "x", "y"], reply: "-ERR unknown command\r\n"))
            let spans = sink.all
            try #require(spans.count == 14)
            let text = spans.map {
                SpanRecord(
                    traceIDHigh: $0.traceIDHigh, traceIDLow: $0.traceIDLow, spanID: $0.spanID,
                    parentSpanID: $0.parentSpanID, name: $0.name, startUnixNanos: $0.startUnixNanos,
                    endUnixNanos: $0.endUnixNanos, attributes: $0.attributes, isError: $0.isError)
            }
            #expect(spans == text)
            let encoded = String(decoding: OTLPJSONEncoder.encode(spans, resource: resource), as: UTF8.self)
            let expected = String(decoding: OTLPJSONEncoder.encode(text, resource: resource), as: UTF8.self)
            #expect(encoded == expected)
            #expect(encoded.contains(#""attributes":[{"key":"db.system.name""#))
            // The same both ways in protobuf (its own paths: CommandText, db.namespace's digits).
            #expect(
                OTLPProtobufEncoder.encode(spans, resource: resource)
                    == OTLPProtobufEncoder.encode(text, resource: resource))
        }
    }
}
