import LokiPush
import Proxy

/// The activity log's settings: which share of commands, the line prefix, and where the
/// lines go (standard output, or Loki with `--loki-url`).
struct ActivityLogSettings: Sendable {
    var ratio: Double
    var prefix: String?
    var loki: LokiURL?
}

extension RedisLensCommand {
    /// `--activity-log`, `--activity-log-prefix`, `--loki-url`; nil when the activity log is off.
    func activityLogSettings(
        _ values: OptionValues, telemetry: Bool
    ) throws(ConfigurationError) -> ActivityLogSettings? {
        let ratio = try values.parse(activityLog, "activity-log", "0") { text throws(ConfigurationError) in
            guard let value = Double(text), value >= 0, value <= 1 else {
                throw ConfigurationError("'\(text)' is not a sample ratio from 0 (off) to 1 (every command)")
            }
            return value
        }
        let prefix = try values.parse(activityLogPrefix, "activity-log-prefix", "") { text throws(ConfigurationError) in
            guard text.utf8.count <= 64, text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
                throw ConfigurationError("'\(text)' is not a prefix (up to 64 printable ASCII characters, no spaces)")
            }
            return text.isEmpty ? nil : text
        }
        let loki = try values.parse(lokiUrl, "loki-url", "") { text throws(ConfigurationError) -> LokiURL? in
            if text.isEmpty { return nil }
            guard let url = LokiURL(parsing: text) else {
                // Never echo a value that may hold a password.
                let shown = text.contains("@") ? "the value" : "'\(text)'"
                throw ConfigurationError(
                    "\(shown) is not an http:// or https:// URL with a host (and no user:password@)")
            }
            return url
        }
        guard ratio > 0 else {
            if loki != nil { throw ConfigurationError("--loki-url needs --activity-log (a sample ratio above 0)") }
            return nil
        }
        guard telemetry else {
            throw ConfigurationError("--activity-log needs telemetry (it is off with --no-telemetry)")
        }
        return ActivityLogSettings(ratio: ratio, prefix: prefix, loki: loki)
    }
}
