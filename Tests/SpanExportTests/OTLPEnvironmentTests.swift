import Telemetry
import Testing

@testable import SpanExport

@Suite struct OTLPEnvironmentParsing {
    @Test func keyValueListsArePercentDecodedAndTrimmed() throws {
        let parsed = try #require(OTLPEnvironment.keyValueList("api-key=abc%20def, x-tenant = t1 ,,empty="))
        #expect(parsed.map(\.0) == ["api-key", "x-tenant", "empty"])
        #expect(parsed.map(\.1) == ["abc def", "t1", ""])
        #expect(OTLPEnvironment.keyValueList("novalue") == nil)
        #expect(OTLPEnvironment.keyValueList("=v") == nil)
        #expect(OTLPEnvironment.keyValueList("")?.isEmpty == true)
    }

    @Test func tracesURLAppendsThePath() {
        #expect(OTLPEnvironment.tracesURL(base: "http://127.0.0.1:4318") == "http://127.0.0.1:4318/v1/traces")
        #expect(OTLPEnvironment.tracesURL(base: "https://h/otlp/") == "https://h/otlp/v1/traces")
    }

    @Test func onlyHTTPURLsWithAHost() {
        #expect(OTLPEnvironment.isHTTPURL("http://127.0.0.1:4318/v1/traces"))
        #expect(OTLPEnvironment.isHTTPURL("HTTPS://collector"))
        #expect(!OTLPEnvironment.isHTTPURL("grpc://127.0.0.1:4317"))
        #expect(!OTLPEnvironment.isHTTPURL("http://"))
        #expect(!OTLPEnvironment.isHTTPURL("http://:4318"))
        #expect(!OTLPEnvironment.isHTTPURL("127.0.0.1:4318"))
    }

    @Test func redactedDropsCredentialsAndQuery() {
        #expect(OTLPEnvironment.redacted("https://u:p@h:1/v1/traces?token=x") == "https://***@h:1/v1/traces")
        #expect(OTLPEnvironment.redacted("http://h/v1/traces") == "http://h/v1/traces")
    }
}

@Suite struct RetryRules {
    @Test func onlyTheseStatusesAreRetried() {
        #expect([429, 502, 503, 504].allSatisfy(RetryPolicy.isRetryable(status:)))
        #expect(![200, 400, 401, 404, 413, 500, 501].contains(where: RetryPolicy.isRetryable(status:)))
    }

    @Test func retryAfterWinsAndIsCapped() {
        let policy = RetryPolicy()
        #expect(policy.delay(afterAttempt: 3, retryAfter: 1, jitter: 0) == 1)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 3600, jitter: 1) == 60)
        #expect(RetryPolicy.retryAfterSeconds(" 2 ") == 2)
        #expect(RetryPolicy.retryAfterSeconds("Wed, 21 Oct 2015 07:28:00 GMT") == nil)
        #expect(RetryPolicy.retryAfterSeconds("-1") == nil)
    }

    @Test func backoffDoublesWithJitterUpToTheCap() {
        let policy = RetryPolicy()
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, jitter: 1) == 0.5)
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, jitter: 0) == 0.25)
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, jitter: 1) == 2)
        #expect(policy.delay(afterAttempt: 40, retryAfter: nil, jitter: 1) == 30)
        #expect(policy.delay(afterAttempt: 40, retryAfter: nil, jitter: 0) == 15)
    }
}

@Suite struct ExportResponses {
    @Test func readsPartialSuccess() {
        let body = #"{"partialSuccess": {"rejectedSpans": "3", "errorMessage": "span too \"big\""}}"#
        let response = ExportResponse(body: Array(body.utf8))
        #expect(response.rejectedSpans == 3 && response.message == "span too \"big\"")
        #expect(ExportResponse(body: Array(#"{"partialSuccess":{"rejectedSpans":7}}"#.utf8)).rejectedSpans == 7)
        #expect(ExportResponse(body: Array("{}".utf8)) == ExportResponse(body: []))
        #expect(ExportResponse(body: Array(#"{"code":3,"message":"bad json"}"#.utf8)).message == "bad json")
    }

    /// Protobuf answers: `ExportTraceServiceResponse` and `google.rpc.Status`, as python's
    /// protobuf serializes them; fields it does not know are skipped.
    @Test func readsProtobufResponses() {
        // partial_success { rejected_spans: 3, error_message: "too old" }
        let partial: [UInt8] = [0x0a, 0x0b, 0x08, 0x03, 0x12, 0x07] + Array("too old".utf8)
        #expect(
            ExportResponse(protobuf: partial, isStatus: false)
                == ExportResponse(
                    body: Array(#"{"partialSuccess":{"rejectedSpans":"3","errorMessage":"too old"}}"#.utf8)))
        // An unknown fixed64, fixed32 and varint field first, then the same.
        let padded: [UInt8] = [0x11] + [UInt8](repeating: 1, count: 8) + [0x1d, 1, 2, 3, 4, 0x20, 0x96, 0x01] + partial
        #expect(ExportResponse(protobuf: padded, isStatus: false).rejectedSpans == 3)
        // Status { code: 3, message: "bad body" }
        let status: [UInt8] = [0x08, 0x03, 0x12, 0x08] + Array("bad body".utf8)
        #expect(ExportResponse(protobuf: status, isStatus: true).message == "bad body")
        #expect(ExportResponse(protobuf: [], isStatus: false) == ExportResponse(body: []))
    }

    /// Truncated or malformed protobuf reads as what was read before it, never past the end.
    @Test func readsMalformedProtobufAsEmpty() {
        let partial: [UInt8] = [0x0a, 0x0b, 0x08, 0x03, 0x12, 0x07] + Array("too old".utf8)
        for cut in 0..<partial.count {
            #expect(ExportResponse(protobuf: Array(partial.prefix(cut)), isStatus: false).rejectedSpans == 0)
        }
        for bytes: [UInt8] in [
            [0xff], [0x80, 0x80], [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f], [0x0b, 0x00], Array("{}".utf8),
        ] {
            #expect(ExportResponse(protobuf: bytes, isStatus: false) == ExportResponse(body: []))
            #expect(ExportResponse(protobuf: bytes, isStatus: true) == ExportResponse(body: []))
        }
    }

    /// The answer is read in the encoding its Content-Type names, else in the request's.
    @Test func responsesAreReadInTheirOwnEncoding() {
        let json = Array(#"{"partialSuccess":{"rejectedSpans":"2"}}"#.utf8)
        let protobuf: [UInt8] = [0x0a, 0x02, 0x08, 0x02]
        let cases: [([UInt8], String?, OTLPEncoding)] = [
            (json, "application/json", .protobuf), (json, nil, .json), (json, "text/plain", .json),
            (protobuf, "application/x-protobuf", .json), (protobuf, nil, .protobuf),
            (protobuf, "text/plain", .protobuf),
        ]
        for (body, type, encoding) in cases {
            #expect(
                OTLPHTTPSender.response(body, contentType: type, requestEncoding: encoding, isError: false)
                    .rejectedSpans
                    == 2)
        }
    }
}
