import RESP
import TestSupport
import Testing

@testable import RedisCommands

@Suite struct CommandTableIdentify {
    let table = CommandTable.builtin

    func label(_ arguments: [String], in table: CommandTable = .builtin) -> String {
        let frame = Frames.request(arguments)
        return table.commands[table.identify(name: frame.first, subcommand: frame.second, argumentCount: frame.count)]
            .label
    }

    @Test(arguments: ["GET", "get", "Get", "gEt"])
    func nameIsCaseInsensitive(name: String) {
        #expect(label([name, "key"]) == "get")
    }

    @Test func containerSubcommandsAreIdentified() {
        #expect(label(["CONFIG", "GET", "maxmemory"]) == "config|get")
        #expect(label(["config", "set", "maxmemory", "1"]) == "config|set")
        #expect(label(["Client", "Id"]) == "client|id")
    }

    @Test func containerAloneIsTheContainer() {
        #expect(label(["config"]) == "config")
        #expect(label(["CONFIG"]) == "config")
    }

    @Test func unknownSubcommandOfAContainerIsOther() {
        #expect(label(["CONFIG", "NOPE"]) == "other")
        #expect(label(["config", "getx", "maxmemory"]) == "other")
    }

    @Test func subcommandOfANonContainerIsIgnored() {
        #expect(label(["GET", "config"]) == "get")
        #expect(label(["SET", "GET", "x"]) == "set")
    }

    @Test(arguments: ["FOO", "gett", "ge", "", "other", "get\u{0}", "g\u{c9}t"])
    func unknownNamesAreOther(name: String) {
        let id = identify(name, "x")
        #expect(id == CommandTable.otherID)
        #expect(table.commands[id].label == "other")
    }

    /// Redis answers `ERR unknown command` to a command literally named `config|get`.
    @Test func aLabelSentAsACommandNameIsOther() {
        #expect(label(["config|get", "maxmemory"]) == "other")
        #expect(label(["CLIENT|ID"]) == "other")
    }

    @Test func namesLongerThan32BytesAreOther() {
        let long = "get" + String(repeating: "x", count: 30)
        #expect(long.utf8.count == 33)
        #expect(identify(long, "x") == CommandTable.otherID)
        // A registered 33-byte name is still unreachable: only 32 bytes are seen.
        let spec = CommandSpec(
            name: long, arity: 2, flags: ["readonly"], aclCategories: ["read"], firstKey: 1, lastKey: 1, keyStep: 1)
        let extended = CommandTable(specs: [spec], previous: table)
        #expect(label([long, "x"], in: extended) == "other")
    }

    @Test func aLongSubcommandIsOther() {
        #expect(label(["CONFIG", "GET" + String(repeating: "X", count: 40)]) == "other")
    }

    @Test func idOfLabelMatchesIdentify() {
        #expect(table.id(of: "get") == identify("GET", "k"))
        #expect(table.id(of: "config|get") == identify("CONFIG", "GET"))
        #expect(table.id(of: "nope") == CommandTable.otherID)
        #expect(table.commands[CommandTable.otherID].label == "other")
    }

    @Test func everyBuiltinLabelIdentifiesItself() {
        for (id, descriptor) in table.commands.enumerated() where id != CommandTable.otherID {
            let parts = descriptor.label.split(separator: "|").map(String.init)
            let arguments = parts.count == 2 ? parts : descriptor.isContainer ? [parts[0]] : [parts[0], "x"]
            #expect(label(arguments.map { $0.uppercased() }) == descriptor.label)
        }
    }

    @Test func rebuiltTableKeepsIdsAndAppends() {
        let extra = CommandSpec(
            name: "lens.get", arity: 2, flags: ["readonly"], aclCategories: ["read"], firstKey: 1, lastKey: 1,
            keyStep: 1)
        let rebuilt = CommandTable(specs: [extra] + BuiltinCommands.all.reversed(), previous: table)
        #expect(rebuilt.commands.count == table.commands.count + 1)
        for (id, descriptor) in table.commands.enumerated() {
            #expect(rebuilt.commands[id].label == descriptor.label)
        }
        #expect(rebuilt.id(of: "lens.get") == table.commands.count)
        #expect(label(["LENS.GET", "k"], in: rebuilt) == "lens.get")
        #expect(label(["GET", "k"], in: rebuilt) == "get")
        #expect(label(["CONFIG", "GET", "x"], in: rebuilt) == "config|get")
    }

    @Test func rebuiltTableKeepsLabelsTheNewSpecsOmit() {
        let small = CommandTable(specs: BuiltinCommands.all.filter { $0.name != "get" }, previous: table)
        #expect(small.id(of: "get") == table.id(of: "get"))
        #expect(label(["GET", "k"], in: small) == "get")
    }

    private func identify(_ name: String, _ argument: String) -> Int {
        table.identify(name: ByteHead(Array(name.utf8)), subcommand: ByteHead(Array(argument.utf8)), argumentCount: 2)
    }
}
