import Telemetry

/// The JSON body of `POST /loki/api/v1/push`: one stream with fixed labels, its values
/// as `["<unix nanoseconds>", "<line>"]` pairs, oldest first.
enum LokiPushBody {
    static func encode(_ entries: [LokiQueue.Entry], labels: [(String, String)]) -> String {
        var body = "{\"streams\":[{\"stream\":{"
        body += labels.map { JSONText.quoted($0.0) + ":" + JSONText.quoted($0.1) }.joined(separator: ",")
        body += "},\"values\":["
        for (index, entry) in entries.sorted(by: { $0.unixNanos < $1.unixNanos }).enumerated() {
            if index > 0 { body += "," }
            body += "[\"\(entry.unixNanos)\"," + JSONText.quoted(entry.line) + "]"
        }
        return body + "]}]}"
    }
}
