import RESP
import TestSupport
import Testing

@testable import RedisCommands

/// The per-connection cache gives exactly the ids the table gives, whatever it saw before.
@Suite struct CommandIDCacheIdentify {
    let table = CommandTable.builtin

    func cached(_ cache: inout CommandIDCache, _ arguments: [String]) -> String {
        let frame = Frames.request(arguments)
        let id = cache.identify(in: table, name: frame.first, subcommand: frame.second, argumentCount: frame.count)
        let direct = table.identify(name: frame.first, subcommand: frame.second, argumentCount: frame.count)
        #expect(id == direct, "\(arguments)")
        return table.commands[id].label
    }

    @Test func repeatedNamesKeepTheirIds() {
        var cache = CommandIDCache()
        for _ in 0..<3 {
            #expect(cached(&cache, ["GET", "k"]) == "get")
            #expect(cached(&cache, ["SET", "k", "v"]) == "set")
            #expect(cached(&cache, ["get", "k"]) == "get")
            #expect(cached(&cache, ["FOO", "k"]) == "other")
        }
    }

    /// A container's id depends on its subcommand, so the name alone is never cached.
    @Test func containersFollowTheirSubcommand() {
        var cache = CommandIDCache()
        #expect(cached(&cache, ["CONFIG", "NOPE"]) == "other")
        #expect(cached(&cache, ["CONFIG", "GET", "maxmemory"]) == "config|get")
        #expect(cached(&cache, ["CONFIG"]) == "config")
        #expect(cached(&cache, ["CONFIG", "SET", "maxmemory", "1"]) == "config|set")
        #expect(cached(&cache, ["CLIENT", "ID"]) == "client|id")
        #expect(cached(&cache, ["CLIENT", "INFO"]) == "client|info")
    }

    /// A cache's usual commands take a slot each: repeated, they all come from the cache
    /// (checked through a table whose ids the cache must not give: it is not consulted).
    @Test func usualCommandsTakeASlotEach() {
        for names in [
            ["GET", "SET", "DEL", "EXPIRE"], ["get", "set", "del", "expire"], ["GET", "SET", "DEL", "INCR"],
        ] {
            var cache = CommandIDCache()
            for name in names { _ = cached(&cache, [name, "k"]) }
            let empty = CommandTable(specs: [])
            for name in names {
                let id = cache.identify(
                    in: empty, name: ByteHead(Array(name.utf8)), subcommand: ByteHead(Array("k".utf8)), argumentCount: 2
                )
                #expect(id == table.id(of: name.lowercased()), "\(name) was evicted")
            }
        }
    }

    /// More names than slots: evicted names are looked up again, with the same answer.
    @Test func manyNamesShareFourSlots() {
        var cache = CommandIDCache()
        let names = ["GET", "SET", "DEL", "INCR", "HGET", "HSET", "LPUSH", "RPOP", "MGET", "EXPIRE", "get"]
        for _ in 0..<3 {
            for name in names { #expect(cached(&cache, [name, "k"]) == name.lowercased()) }
        }
    }

    /// Names longer than a head, or sharing their first bytes, are told apart.
    @Test func namesSharingTheirFirstBytesAreDistinct() {
        var cache = CommandIDCache()
        let long = "get" + String(repeating: "x", count: 30)
        #expect(cached(&cache, ["GETDEL", "k"]) == "getdel")
        #expect(cached(&cache, ["GETEX", "k"]) == "getex")
        #expect(cached(&cache, [long, "k"]) == "other")
        #expect(cached(&cache, ["GETDEL", "k"]) == "getdel")
        #expect(cached(&cache, ["GETRANGE", "k", "0", "1"]) == "getrange")
    }
}
