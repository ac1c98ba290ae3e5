import RESP
import RedisCommands
import TestSupport
import Testing

/// `COMMAND` replies written by hand in the shape redis-server 7 sends.
@Suite struct CommandSpecParse {
    /// RESP2: `GET` with a key spec, and `CONFIG` with its `GET` subcommand.
    static let resp2Reply =
        "*2\r\n"
        + "*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
        + "*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n"
        + "*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n"
        + "$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n"
        + "$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n"
        + "*6\r\n$7\r\nlastkey\r\n:0\r\n$4\r\nstep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n"
        + "*0\r\n"
        + "*10\r\n$6\r\nCONFIG\r\n:-2\r\n*0\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@slow\r\n*0\r\n*0\r\n"
        + "*1\r\n*10\r\n$10\r\nconfig|get\r\n:-3\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n"
        + ":0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n"
        + "*2\r\n+request_policy:all_nodes\r\n+response_policy:all_succeeded\r\n*0\r\n*0\r\n"

    /// RESP3: flags and categories as sets, key specs as maps, docs-free.
    static let resp3Reply =
        "*1\r\n"
        + "*10\r\n$6\r\nconfig\r\n:-2\r\n~0\r\n:0\r\n:0\r\n:0\r\n~1\r\n+@slow\r\n*0\r\n*0\r\n"
        + "*1\r\n*10\r\n$10\r\nconfig|get\r\n:-3\r\n~2\r\n+admin\r\n+noscript\r\n"
        + ":0\r\n:0\r\n:0\r\n~2\r\n+@admin\r\n+@slow\r\n*0\r\n%0\r\n*0\r\n"

    static func decode(_ text: String) throws -> RESPValue {
        let bytes = Array(text.utf8)
        var offset = 0
        let value = try RESPValue.decode(bytes, offset: &offset)
        #expect(offset == bytes.count)
        return value
    }

    @Test func parsesCommandsAndSubcommandsFromRESP2() throws {
        let specs = CommandSpec.parse(commandReply: try Self.decode(Self.resp2Reply))
        #expect(specs.map(\.name) == ["config", "config|get", "get"])
        #expect(
            specs[2]
                == CommandSpec(
                    name: "get", arity: 2, flags: ["readonly", "fast"], aclCategories: ["read", "string", "fast"],
                    firstKey: 1, lastKey: 1, keyStep: 1))
        #expect(
            specs[1]
                == CommandSpec(
                    name: "config|get", arity: -3, flags: ["admin", "noscript", "loading", "stale"],
                    aclCategories: ["admin", "slow", "dangerous"], firstKey: 0, lastKey: 0, keyStep: 0))
        #expect(
            specs[0]
                == CommandSpec(
                    name: "config", arity: -2, flags: [], aclCategories: ["slow"], firstKey: 0, lastKey: 0,
                    keyStep: 0))
        #expect(specs[1].isSubcommand && !specs[0].isSubcommand)
    }

    @Test func parsesSetsAndMapsFromRESP3() throws {
        let specs = CommandSpec.parse(commandReply: try Self.decode(Self.resp3Reply))
        #expect(specs.map(\.name) == ["config", "config|get"])
        #expect(specs[1].flags == ["admin", "noscript"])
        #expect(specs[1].aclCategories == ["admin", "slow"])
        #expect(specs[1].arity == -3)
    }

    @Test func parsedSpecsBuildATableWithTheirCategories() throws {
        let table = CommandTable(specs: CommandSpec.parse(commandReply: try Self.decode(Self.resp2Reply)))
        #expect(table.commands.map(\.label) == ["other", "config", "config|get", "get"])
        let get = table.commands[table.id(of: "get")]
        #expect(get.category == .read && get.hitRule == .nullIsMiss && get.firstKey == 1 && !get.isContainer)
        let config = table.commands[table.id(of: "config")]
        #expect(config.isContainer && config.category == .admin)
        #expect(table.commands[table.id(of: "config|get")].category == .admin)
        let frame = Frames.request(["CONFIG", "Get"])
        #expect(table.identify(name: frame.first, subcommand: frame.second, argumentCount: 2) == 2)
    }

    @Test func olderOrBrokenRepliesDoNotCrash() throws {
        // Redis 6: six fields, no ACL categories, no subcommands.
        let redis6 = "*1\r\n*6\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
        let specs = CommandSpec.parse(commandReply: try Self.decode(redis6))
        #expect(specs.map(\.name) == ["get"])
        #expect(specs.first?.aclCategories == [])
        #expect(CommandSpec.parse(commandReply: try Self.decode("-ERR unknown command\r\n")).isEmpty)
        #expect(CommandSpec.parse(commandReply: try Self.decode("*1\r\n*2\r\n$3\r\nget\r\n:2\r\n")).isEmpty)
    }
}
