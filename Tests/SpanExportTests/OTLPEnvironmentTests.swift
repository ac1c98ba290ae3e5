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
}
