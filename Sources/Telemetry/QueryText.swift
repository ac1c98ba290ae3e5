import RESP
import RedisCommands

/// Builds `db.query.text` and span names from a command, never showing a secret.
public enum QueryText {
    /// The text for `mode`, or nil for ``QueryTextMode/none``.
    public static func render(_ event: CommandEvent, summary: CommandSummary, mode: QueryTextMode) -> String? {
        text(event, summary: summary, mode: mode)?.description
    }

    /// The text for `mode` in its parts, or nil for ``QueryTextMode/none``.
    static func text(_ event: CommandEvent, summary: CommandSummary, mode: QueryTextMode) -> CommandText? {
        switch mode {
        case .none:
            return nil
        case .sanitized:
            return sanitized(event, label: summary.label, showKey: summary.firstArgumentIsKey)
        case .full:
            return full(event, summary: summary)
        }
    }

    /// The span name: the command as Redis names it, upper case (`GET`, `CONFIG GET`);
    /// `OTHER` for a name the table does not know (it could be a password sent by mistake).
    public static func spanName(_ event: CommandEvent, label: String) -> String {
        name(label: label).description
    }

    /// The span name in its parts.
    static func name(label: String) -> CommandText {
        label == "other" ? CommandText(head: .word("OTHER")) : CommandText(head: .command(label))
    }

    /// The command as Redis names it, the first key if the command's first argument is a
    /// key, and `?` for every other argument, so values and secrets never show:
    /// `SET user:1 ?`, `CONFIG SET ? ?`, `AUTH ?`; an unknown command is all `?`.
    static func sanitized(_ event: CommandEvent, label: String, showKey: Bool) -> CommandText {
        let unknown = label == "other"
        let words = unknown ? 1 : CommandText.words(in: label)
        var text = CommandText(head: unknown ? .word("?") : .command(label))
        var remaining = max(event.argumentCount - words, 0)
        if showKey && remaining > 0 && !label.utf8.contains(UInt8(ascii: "|")) {
            text.argument = event.firstArgument
            remaining -= 1
        }
        text.placeholders = remaining
        return text
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

    private static func full(_ event: CommandEvent, summary: CommandSummary) -> CommandText {
        let label = summary.label
        if label == "other" {
            // An unknown command may be a mistyped credential command: nothing of it shows.
            return sanitized(event, label: label, showKey: false)
        }
        var text = name(label: label)
        let subcommand = label.utf8.contains(UInt8(ascii: "|"))
        if mayCarrySecret(event, label: label) {
            text.placeholders = max(event.argumentCount - (subcommand ? 2 : 1), 0)
            return text
        }
        var remaining = event.argumentCount - 1
        if subcommand {
            remaining -= 1
        } else if remaining > 0 {
            text.argument = event.firstArgument
            remaining -= 1
        }
        text.placeholders = max(remaining, 0)
        return text
    }
}
