import RESP

/// What the proxy knows about one command id.
public struct CommandDescriptor: Sendable {
    /// Redis's commandstats name: lower case, subcommands as `config|get`; `other` for id 0.
    public let label: String
    /// The category.
    public let category: CommandCategory
    /// How to count hits and misses.
    public let hitRule: HitRule
    /// Argument index of the first key (1 for `GET key`), 0 when the command takes none.
    public let firstKey: Int
    /// Whether the command takes subcommands (`CONFIG GET`).
    public let isContainer: Bool
}

/// Maps a command name (and subcommand) to a small integer id without allocating.
///
/// Built from `COMMAND` specs; immutable, so every event loop reads it without a lock.
/// Names Redis does not know map to id 0, `other`, so a client sending random names
/// cannot create label values. Ids of a rebuilt table extend the previous one's: a label
/// keeps its id, new labels are appended, so per-id counters stay valid.
public final class CommandTable: Sendable {
    /// The id of every unknown command.
    public static let otherID = 0

    /// Descriptors by id; index 0 is `other`.
    public let commands: [CommandDescriptor]
    /// Hit rules by id (the hot path reads these instead of whole descriptors).
    public let hitRules: [HitRule]
    /// First-key positions by id.
    public let firstKeys: [Int]
    /// Whether each id takes subcommands (read per request, so kept apart from descriptors).
    private let containers: [Bool]
    private let slots: [Int32]
    private let keys: [[UInt8]]
    private let mask: Int

    /// The table of redis-server's built-in commands (the fallback).
    public static let builtin = CommandTable(specs: BuiltinCommands.all)

    /// Builds a table; labels already in `previous` keep their ids.
    public init(specs: [CommandSpec], previous: CommandTable? = nil) {
        var descriptors =
            previous?.commands ?? [
                CommandDescriptor(
                    label: "other", category: .unclassified, hitRule: .none, firstKey: 0, isContainer: false)
            ]
        var index: [String: Int] = [:]
        for (id, descriptor) in descriptors.enumerated() { index[descriptor.label] = id }
        let containers = Set(specs.filter(\.isSubcommand).compactMap { $0.name.split(separator: "|").first })
        for spec in specs {
            let descriptor = CommandDescriptor(
                label: spec.name, category: CommandCategory(spec: spec), hitRule: HitRule(label: spec.name),
                firstKey: spec.firstKey > 0 ? spec.firstKey : 0,
                isContainer: containers.contains(Substring(spec.name)))
            if let id = index[spec.name] {
                descriptors[id] = descriptor
            } else {
                index[spec.name] = descriptors.count
                descriptors.append(descriptor)
            }
        }
        var capacity = 16
        while capacity < descriptors.count * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        for (id, descriptor) in descriptors.enumerated() where id != Self.otherID {
            var slot = Int(truncatingIfNeeded: Self.hash(Array(descriptor.label.utf8))) & (capacity - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(id)
        }
        self.commands = descriptors
        self.hitRules = descriptors.map(\.hitRule)
        self.firstKeys = descriptors.map(\.firstKey)
        self.containers = descriptors.map(\.isContainer)
        self.slots = slots
        self.keys = descriptors.map { Array($0.label.utf8) }
        self.mask = capacity - 1
    }

    /// The id of a request: its name, or `name|subcommand` for containers (an unknown
    /// subcommand is `other`, as Redis counts it nowhere either).
    public func identify(name: ByteHead, subcommand: ByteHead, argumentCount: Int) -> Int {
        lookUp(name: name, subcommand: subcommand, argumentCount: argumentCount).id
    }

    /// The id, and whether the name alone decides it (false for containers).
    @usableFromInline
    func lookUp(name: ByteHead, subcommand: ByteHead, argumentCount: Int) -> (id: Int, byNameAlone: Bool) {
        guard !name.isTruncated else { return (Self.otherID, true) }
        var hash = Self.offsetBasis
        var hasSeparator = false
        name.withUnsafeBytes {
            for byte in $0 {
                hash = Self.mix(hash, Self.lower(byte))
                hasSeparator = hasSeparator || byte == UInt8(ascii: "|")
            }
        }
        // `config|get` sent as a name is no command to Redis (labels only join with `|`).
        guard !hasSeparator else { return (Self.otherID, true) }
        let id = find(hash: hash, name: name, subcommand: nil)
        guard id != Self.otherID, containers[id] else { return (id, true) }
        guard argumentCount > 1 else { return (id, false) }
        guard !subcommand.isTruncated else { return (Self.otherID, false) }
        hash = Self.mix(hash, UInt8(ascii: "|"))
        subcommand.withUnsafeBytes { for byte in $0 { hash = Self.mix(hash, Self.lower(byte)) } }
        return (find(hash: hash, name: name, subcommand: subcommand), false)
    }

    /// The id of a label such as `get` or `config|get`, or `otherID`.
    public func id(of label: String) -> Int {
        commands.firstIndex { $0.label == label } ?? Self.otherID
    }

    private func find(hash: UInt64, name: ByteHead, subcommand: ByteHead?) -> Int {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let id = slots[slot]
            if id < 0 { return Self.otherID }
            if matches(keys[Int(id)], name: name, subcommand: subcommand) { return Int(id) }
            slot = (slot + 1) & mask
        }
    }

    private func matches(_ key: [UInt8], name: ByteHead, subcommand: ByteHead?) -> Bool {
        let expectedLength = name.count + (subcommand.map { $0.count + 1 } ?? 0)
        guard key.count == expectedLength else { return false }
        var position = 0
        var equal = true
        name.withUnsafeBytes { bytes in
            for byte in bytes where equal {
                equal = Self.lower(byte) == key[position]
                position += 1
            }
        }
        guard equal, let subcommand else { return equal }
        guard key[position] == UInt8(ascii: "|") else { return false }
        position += 1
        subcommand.withUnsafeBytes { bytes in
            for byte in bytes where equal {
                equal = Self.lower(byte) == key[position]
                position += 1
            }
        }
        return equal
    }

    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    private static func mix(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }

    @inline(__always)
    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    private static func hash(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(offsetBasis) { mix($0, $1) }
    }
}
