import RedisCommands
import Testing

@Suite struct CommandCategories {
    static let expected: [(String, String)] = [
        ("get", "read"), ("hgetall", "read"), ("mget", "read"), ("set", "write"), ("hset", "write"),
        ("lpop", "write"), ("del", "delete"), ("unlink", "delete"), ("expire", "delete"), ("flushall", "delete"),
        ("ltrim", "delete"), ("xtrim", "delete"), ("getdel", "delete"), ("multi", "transaction"),
        ("exec", "transaction"), ("watch", "transaction"), ("publish", "pubsub"), ("subscribe", "pubsub"),
        ("xadd", "stream"), ("xread", "stream"), ("config|get", "admin"), ("config", "admin"), ("ping", "admin"),
        ("eval", "write"), ("evalsha", "write"), ("fcall", "write"), ("eval_ro", "read"), ("evalsha_ro", "read"),
        ("fcall_ro", "read"),
    ]

    @Test(arguments: expected)
    func builtinCategory(label: String, category: String) throws {
        let table = CommandTable.builtin
        let id = table.id(of: label)
        try #require(id != CommandTable.otherID, "\(label) is not a built-in command")
        #expect(table.commands[id].category.label == category)
    }

    @Test func otherIsUnclassified() {
        let other = CommandTable.builtin.commands[CommandTable.otherID]
        #expect(other.category == .unclassified)
        #expect(other.category.label == "other")
    }

    @Test func labelsAreDistinct() {
        let labels = CommandCategory.allCases.map(\.label)
        #expect(Set(labels).count == labels.count)
        #expect(labels == ["read", "write", "delete", "admin", "transaction", "pubsub", "stream", "other"])
    }

    @Test func rulesApplyInOrder() {
        func category(_ name: String, flags: Set<String> = [], acl: Set<String> = []) -> CommandCategory {
            CommandCategory(
                spec: CommandSpec(
                    name: name, arity: -1, flags: flags, aclCategories: acl, firstKey: 0, lastKey: 0, keyStep: 0))
        }
        // The deletion list wins over stream and write.
        #expect(category("xtrim", flags: ["write"], acl: ["write", "stream"]) == .delete)
        #expect(category("x", flags: ["write"], acl: ["transaction"]) == .transaction)
        #expect(category("x", flags: ["write"], acl: ["pubsub"]) == .pubsub)
        #expect(category("x", flags: ["readonly"], acl: ["stream", "read"]) == .stream)
        #expect(category("x", acl: ["write"]) == .write)
        #expect(category("x", flags: ["write"]) == .write)
        #expect(category("x", flags: ["readonly"]) == .read)
        #expect(category("x", acl: ["read"]) == .read)
        #expect(category("x", flags: ["readonly", "write"]) == .write)
        #expect(category("x", acl: ["connection", "slow"]) == .admin)
        // Subcommands of script containers are not scripts.
        #expect(category("eval|x", acl: ["scripting"]) == .write)
        #expect(category("function|list", acl: ["scripting"]) == .admin)
    }
}
