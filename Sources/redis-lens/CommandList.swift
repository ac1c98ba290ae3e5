import RedisCommands

/// `--list-commands`: the built-in classification as a Markdown table.
enum CommandList {
    static func markdown() -> String {
        var lines = [
            "| command | category | hit/miss |",
            "| --- | --- | --- |",
        ]
        for descriptor in CommandTable.builtin.commands.dropFirst().sorted(by: { $0.label < $1.label }) {
            let rule: String
            switch descriptor.hitRule {
            case .none: rule = ""
            case .nullIsMiss: rule = "null reply is a miss"
            case .nullElementsAreMisses: rule = "per element: null is a miss"
            case .existsCount: rule = "reply counts hits"
            case .oneIsHit: rule = "1 is a hit, 0 a miss"
            }
            let label = descriptor.label.split(separator: "|").joined(separator: "\\|")
            lines.append("| `\(label)` | \(descriptor.category.label) | \(rule) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
