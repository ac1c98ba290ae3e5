import RESP

extension CommandSpec {
    /// The specs in a `COMMAND` reply: every command and its subcommands (Redis 7 shape:
    /// name, arity, flags, first key, last key, step, ACL categories, tips, key specs,
    /// subcommands). Older servers without ACL categories or subcommands still parse.
    public static func parse(commandReply: RESPValue) -> [CommandSpec] {
        guard let entries = commandReply.elements else { return [] }
        var specs: [CommandSpec] = []
        func add(_ entry: RESPValue) {
            guard let fields = entry.elements, fields.count >= 6, let name = fields[0].text else { return }
            func words(_ value: RESPValue?) -> [String] {
                (value?.elements ?? []).compactMap { $0.text.map { $0.hasPrefix("@") ? String($0.dropFirst()) : $0 } }
            }
            specs.append(
                CommandSpec(
                    name: name.lowercased(), arity: Int(fields[1].integer ?? 0), flags: Set(words(fields[2])),
                    aclCategories: Set(words(fields.count > 6 ? fields[6] : nil)),
                    firstKey: Int(fields[3].integer ?? 0),
                    lastKey: Int(fields[4].integer ?? 0), keyStep: Int(fields[5].integer ?? 0)))
            if fields.count > 9 { for sub in fields[9].elements ?? [] { add(sub) } }
        }
        for entry in entries { add(entry) }
        return specs.sorted { $0.name < $1.name }
    }
}
