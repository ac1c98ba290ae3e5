import RedisCommands

/// One activity-log line: a JSON object (optionally after a fixed prefix and a space)
/// with the command, its category, the sanitised key and text, duration, cache result
/// and error. Never a value or a password: only what ``TelemetryHub/sanitized(_:label:showKey:)`` shows.
public enum ActivityLine {
    /// The `logger` field of every activity line.
    public static let logger = "redis-lens.activity"

    /// Formats one command; `client` is the client's `host:port` when known.
    public static func format(
        _ event: CommandEvent, summary: CommandSummary, client: String?, unixNanos: UInt64, prefix: String?
    ) -> String {
        let showKey = summary.firstArgumentIsKey && !summary.label.contains("|") && event.argumentCount > 1
        var line = prefix.map { $0 + " " } ?? ""
        line += "{\"timestamp\":\"\(Timestamps.rfc3339(unixNanos: unixNanos))\",\"level\":\"info\""
        line += ",\"logger\":\"\(logger)\",\"event\":\"command\""
        line += ",\"command\":" + JSONText.quoted(summary.label)
        line += ",\"category\":\"\(summary.category.label)\""
        line += ",\"key\":" + (showKey ? JSONText.quoted(event.firstArgument.printable) : "null")
        line += ",\"query\":" + JSONText.quoted(TelemetryHub.sanitized(event, label: summary.label, showKey: showKey))
        line += ",\"duration_seconds\":" + JSONText.number(Double(event.durationNanos) / 1e9)
        line += ",\"cache\":" + cacheResult(summary, event)
        line += ",\"hits\":\(summary.hits),\"misses\":\(summary.misses)"
        line += ",\"error\":" + (event.error.map { "\"\($0.label)\"" } ?? "null")
        line += ",\"outcome\":\"\(outcome(event.outcome))\",\"slow\":\(summary.slow)"
        line += ",\"client\":" + (client.map(JSONText.quoted) ?? "null") + "}"
        return line
    }

    /// `hit`, `miss`, `partial` (multi-key, some missing), or `null` (no hit rule, error, no reply).
    static func cacheResult(_ summary: CommandSummary, _ event: CommandEvent) -> String {
        guard summary.hasHitRule, event.outcome == .replied, event.error == nil,
            summary.hits + summary.misses > 0
        else { return "null" }
        if summary.misses == 0 { return "\"hit\"" }
        return summary.hits == 0 ? "\"miss\"" : "\"partial\""
    }

    static func outcome(_ outcome: CommandOutcome) -> String {
        switch outcome {
        case .replied: "replied"
        case .suppressed: "no_reply"
        case .aborted: "aborted"
        case .discarded: "discarded"
        }
    }
}
