import RESP
import RedisCommands

/// Builds `db.query.text` and span names from a command, never showing a secret.
public enum QueryText {
    /// The text for `mode`, or nil for ``QueryTextMode/none``.
    public static func render(_ event: CommandEvent, summary: CommandSummary, mode: QueryTextMode) -> String? {
        switch mode {
        case .none:
            return nil
        case .sanitized:
            return TelemetryHub.sanitized(event, label: summary.label, showKey: summary.firstArgumentIsKey)
        case .full:
            return full(event, summary: summary)
        }
    }

    /// The span name: the command as Redis names it, upper case (`GET`, `CONFIG GET`);
    /// `OTHER` for a name the table does not know (it could be a password sent by mistake).
    public static func spanName(_ event: CommandEvent, label: String) -> String {
        if label == "other" { return "OTHER" }
        return label.utf8.contains(UInt8(ascii: "|"))
            ? label.split(separator: "|").joined(separator: " ").uppercased() : label.uppercased()
    }

    /// Whether a command may carry a credential in its arguments: `AUTH`, `HELLO`
    /// (`... AUTH user pass`), `MIGRATE` (`... AUTH pass`, `AUTH2 user pass`), any
    /// `ACL` subcommand (`SETUSER ... >pass`), `CONFIG SET` (`requirepass`, `masterauth`,
    /// `tls-key-file-pass`). Their arguments always show as `?`.
    public static func mayCarrySecret(_ event: CommandEvent, label: String) -> Bool {
        let name = event.name
        if name.equalsCaseInsensitive("AUTH") || name.equalsCaseInsensitive("HELLO")
            || name.equalsCaseInsensitive("MIGRATE") || name.equalsCaseInsensitive("ACL")
        {
            return true
        }
        return name.equalsCaseInsensitive("CONFIG") && event.firstArgument.equalsCaseInsensitive("SET")
            || label.hasPrefix("acl|") || label == "config|set"
    }

    private static func full(_ event: CommandEvent, summary: CommandSummary) -> String {
        let label = summary.label
        if label == "other" {
            // An unknown command may be a mistyped credential command: nothing of it shows.
            return TelemetryHub.sanitized(event, label: label, showKey: false)
        }
        if mayCarrySecret(event, label: label) {
            var words = [spanName(event, label: label)]
            let shown = label.utf8.contains(UInt8(ascii: "|")) ? 2 : 1
            words += Array(repeating: "?", count: max(event.argumentCount - shown, 0))
            return words.joined(separator: " ")
        }
        var words = [spanName(event, label: label)]
        var remaining = event.argumentCount - 1
        if label.utf8.contains(UInt8(ascii: "|")) {
            remaining -= 1
        } else if remaining > 0 {
            words.append(event.firstArgument.printable)
            remaining -= 1
        }
        words += Array(repeating: "?", count: max(remaining, 0))
        return words.joined(separator: " ")
    }
}
