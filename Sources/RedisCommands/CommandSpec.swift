/// What Redis says about one command or subcommand (`COMMAND` reply fields the proxy uses).
public struct CommandSpec: Sendable, Hashable {
    /// The name in lower case; `parent|sub` for a container's subcommand (`config|get`).
    public var name: String
    /// Argument count including the name: positive means exactly, negative means at least `-arity`.
    public var arity: Int
    /// Command flags without decoration, e.g. `readonly`, `write`, `admin`, `pubsub`, `noscript`.
    public var flags: Set<String>
    /// ACL categories without the leading `@`, e.g. `read`, `write`, `keyspace`, `stream`.
    public var aclCategories: Set<String>
    /// Position of the first key argument (the name is 0); 0 when the command takes no key.
    public var firstKey: Int
    /// Position of the last key argument; negative counts from the end (-1 is the last argument).
    public var lastKey: Int
    /// Distance between key arguments (`MSET k v k v` has 2).
    public var keyStep: Int

    /// Creates a spec from the fields of a `COMMAND` reply entry.
    public init(
        name: String,
        arity: Int,
        flags: Set<String>,
        aclCategories: Set<String>,
        firstKey: Int,
        lastKey: Int,
        keyStep: Int
    ) {
        self.name = name
        self.arity = arity
        self.flags = flags
        self.aclCategories = aclCategories
        self.firstKey = firstKey
        self.lastKey = lastKey
        self.keyStep = keyStep
    }

    /// Whether this is a container's subcommand (`config|get`) rather than a top-level command.
    public var isSubcommand: Bool { name.contains("|") }
}
