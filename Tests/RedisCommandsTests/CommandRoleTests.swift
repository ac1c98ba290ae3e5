import RESP
import RedisCommands
import TestSupport
import Testing

@Suite struct CommandRoleTests {
    @Test(arguments: [
        (["get", "k"], CommandRole.ordinary),
        (["SUBSCRIBE", "a"], .subscribe(.channel)),
        (["psubscribe", "a*"], .subscribe(.pattern)),
        (["SSubscribe", "a"], .subscribe(.shard)),
        (["UNSUBSCRIBE"], .unsubscribe(.channel)),
        (["punsubscribe"], .unsubscribe(.pattern)),
        (["SUNSUBSCRIBE", "x"], .unsubscribe(.shard)),
        (["monitor"], .monitor),
        (["reset"], .reset),
        (["QUIT"], .quit),
        (["client", "reply", "off"], .clientReplyOff),
        (["CLIENT", "REPLY", "skip"], .clientReplySkip),
        (["CLIENT", "REPLY", "ON"], .clientReplyOn),
        (["CLIENT", "SETNAME", "off"], .clientSetName),
        (["CLIENT", "REPLY"], .ordinary),
        (["multi"], .multi),
        (["EXEC"], .endTransaction),
        (["discard"], .endTransaction),
        (["SYNC"], .replication),
        (["psync", "?", "-1"], .replication),
        (["SUBSCRIBEX", "a"], .ordinary),
        (["CLIENT", "NO-EVICT", "on"], .unresettable),
        (["client", "no-touch", "on"], .unresettable),
        (["CLIENT", "SETINFO", "LIB-NAME", "x"], .clientSetInfo),
        (["CLIENT", "SETINFO", "LIB-NAME"], .unresettable),
        (["client", "setname", "web"], .clientSetName),
        (["CLIENT", "SETNAME"], .ordinary),
        (["HELLO", "3", "SETNAME", "web"], .hello),
        (["HELLO", "3"], .ordinary),
    ])
    func role(arguments: [String], expected: CommandRole) {
        #expect(CommandRole(request: Frames.request(arguments)) == expected)
        if expected != .ordinary {
            #expect(CommandRole.mayApply(toNameLength: arguments[0].utf8.count))
        }
    }
}
