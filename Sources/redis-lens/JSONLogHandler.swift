import Logging
import Telemetry

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes one JSON object per line to standard output: `timestamp` (RFC 3339, UTC),
/// `level`, `logger`, `event`, then the metadata as string fields.
///
/// Hand-written: swift-log ships no JSON handler, and none in the allowed package set does
/// this without pulling in Foundation's encoder per line.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String) { self.label = label }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = "{\"timestamp\":\"\(Self.timestamp())\",\"level\":\"\(event.level.rawValue)\""
        line += ",\"logger\":" + Self.quoted(label) + ",\"event\":" + Self.quoted("\(event.message)")
        let merged = self.metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in merged.sorted(by: { $0.key < $1.key })
        where !["timestamp", "level", "logger", "event"].contains(key) {
            line += "," + Self.quoted(key) + ":" + Self.quoted("\(value)")
        }
        line += "}\n"
        FileOutput.write(line, to: STDOUT_FILENO)
    }

    static func quoted(_ text: String) -> String { JSONText.quoted(text) }

    static func timestamp() -> String { Timestamps.rfc3339(unixNanos: Timestamps.nowUnixNanos()) }
}
