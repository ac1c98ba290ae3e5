import Testing

@testable import LokiPush

/// `--loki-url`: which URLs are accepted, and the push URL each becomes.
@Suite struct LokiURLParsing {
    @Test(arguments: [
        ("http://127.0.0.1:3100", "http://127.0.0.1:3100/loki/api/v1/push"),
        ("http://loki:3100/", "http://loki:3100/loki/api/v1/push"),
        ("https://logs.example.com", "https://logs.example.com/loki/api/v1/push"),
        ("http://[::1]:3100", "http://[::1]:3100/loki/api/v1/push"),
        // The scheme is matched case-insensitively and written in lower case; the host as given.
        ("HTTPS://Loki.Example:443", "https://Loki.Example:443/loki/api/v1/push"),
    ])
    func aURLWithoutAPathGetsThePushPath(text: String, url: String) throws {
        #expect(try #require(LokiURL(parsing: text)).url == url)
    }

    @Test(arguments: [
        "http://loki:3100/loki/api/v1/push",
        "https://gateway.example/tenant-a/push",
        "http://loki:3100/loki/api/v1/push?tenant=a",
        "http://loki/x",
    ])
    func anyOtherPathIsUsedAsGiven(text: String) throws {
        #expect(try #require(LokiURL(parsing: text)).url == text)
    }

    @Test(arguments: [
        "",
        "loki:3100",
        "127.0.0.1:3100/loki/api/v1/push",
        "grpc://loki:3100",
        "file:///tmp/loki",
        "http://",
        "https://",
        "http:///loki/api/v1/push",
        "http://:3100",
        "https://user@loki/push",
        "http://lo ki:3100",
        "http://loki:3100/a path",
    ])
    func everythingElseIsRejected(text: String) {
        #expect(LokiURL(parsing: text) == nil)
    }

    @Test func equalURLsCompareEqual() {
        #expect(LokiURL(parsing: "http://loki:3100") == LokiURL(parsing: "http://loki:3100/"))
        #expect(LokiURL(parsing: "http://loki:3100") != LokiURL(parsing: "http://loki:3101"))
    }
}
