import Foundation
import Testing

@testable import LokiPush

/// The push body parsed back as JSON: one stream, its labels, `[timestamp, line]` pairs.
struct ParsedPush {
    var labels: [String: String]
    var values: [[String]]

    init(json: String) throws {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8))
        let top = try #require(object as? [String: Any])
        #expect(top.keys.sorted() == ["streams"])
        let streams = try #require(top["streams"] as? [[String: Any]])
        try #require(streams.count == 1, "one stream per push")
        #expect(streams[0].keys.sorted() == ["stream", "values"])
        labels = try #require(streams[0]["stream"] as? [String: String])
        let values = try #require(streams[0]["values"] as? [Any])
        // Each value is a pair of JSON strings (the timestamp too: it does not fit a double).
        self.values = try values.map { try #require($0 as? [String]) }
        #expect(self.values.allSatisfy { $0.count == 2 })
    }

    var timestamps: [String] { values.map { $0[0] } }
    var lines: [String] { values.map { $0[1] } }
}

@Suite struct LokiPushBodyShape {
    @Test func oneStreamWithTheLabelsAndTheValuesOldestFirst() throws {
        let entries: [LokiQueue.Entry] = [
            .init(unixNanos: 1_700_000_000_000_000_300, line: "third"),
            .init(unixNanos: 1_700_000_000_000_000_100, line: "first"),
            .init(unixNanos: 1_700_000_000_000_000_200, line: "second"),
        ]
        let body = LokiPushBody.encode(entries, labels: [("service", "svc"), ("level", "info")])
        let push = try ParsedPush(json: body)
        #expect(push.labels == ["service": "svc", "level": "info"])
        #expect(push.lines == ["first", "second", "third"])
        #expect(
            push.timestamps == ["1700000000000000100", "1700000000000000200", "1700000000000000300"],
            "nanoseconds as decimal strings, digit for digit")
    }

    @Test func theExtremeTimestampsAreDecimalStrings() throws {
        let entries: [LokiQueue.Entry] = [.init(unixNanos: .max, line: "max"), .init(unixNanos: 0, line: "zero")]
        let push = try ParsedPush(json: LokiPushBody.encode(entries, labels: []))
        #expect(push.timestamps == ["0", "18446744073709551615"])
        #expect(push.labels.isEmpty)
    }

    @Test func linesAndLabelsSurviveJSONEscaping() throws {
        let awkward = "{\"key\":\"a\\\"b\"}\n\ttab\r\u{01}\u{1F} é 🔑 </script>"
        let entries: [LokiQueue.Entry] = [.init(unixNanos: 1, line: awkward), .init(unixNanos: 2, line: "")]
        let body = LokiPushBody.encode(entries, labels: [("we\"ird\\", "new\nline")])
        #expect(!body.contains("\n") && !body.contains("\t"), "one line of JSON: control characters escaped")
        let push = try ParsedPush(json: body)
        #expect(push.lines == [awkward, ""])
        #expect(push.labels == ["we\"ird\\": "new\nline"])
    }

    @Test func noEntriesIsAStreamWithNoValues() throws {
        let push = try ParsedPush(json: LokiPushBody.encode([], labels: [("service", "svc")]))
        #expect(push.values.isEmpty)
        #expect(push.labels == ["service": "svc"])
    }

    @Test func thePushersLabelsAreTheActivityLogsStream() {
        let labels = Dictionary(uniqueKeysWithValues: LokiPusher.labels)
        #expect(labels.keys.sorted() == ["level", "logger", "service"], "low cardinality: no per-line labels")
    }
}
