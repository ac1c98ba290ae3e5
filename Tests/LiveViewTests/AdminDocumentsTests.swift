import LiveView
import Testing

@Suite struct AdminDocumentsTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("/stats: commands, categories, proxy and memory sections")
    func stats() throws {
        let json = """
            {"categories": {"read": {"count": 12, "errors": 1}},
             "commands": {"get": {"count": 12, "errors": 1, "hit_ratio": 0.75, "p50": 0.0001, "p95": 0.0002,
                                  "p99": 0.0003, "p999": 0.0004, "slow": 0}},
             "hit_ratio": 0.75, "proxy": {"uptime_seconds": 3.5, "pool_idle": 4},
             "memory": {"up": 1, "used_memory": 1048576}}
            """
        let stats = try #require(StatsDocument(json: Self.bytes(json)))
        #expect(stats.commands["get"] == .init(count: 12, errors: 1, p50: 0.0001, p99: 0.0003, hitRatio: 0.75))
        #expect(stats.categories == ["read": 12])
        #expect(stats.categoryErrors == ["read": 1])
        #expect(stats.hitRatio == 0.75)
        #expect(stats.proxy["uptime_seconds"] == 3.5)
        #expect(stats.memory?["used_memory"] == 1_048_576)
    }

    @Test("/stats without optional sections, and with fields of the wrong type")
    func missingSections() throws {
        let stats = try #require(StatsDocument(json: Self.bytes(#"{"commands": {"get": {"count": "x"}}}"#)))
        #expect(stats.commands["get"]?.count == 0)
        #expect(stats.memory == nil)
        #expect(stats.hitRatio == nil)
        #expect(StatsDocument(json: Self.bytes("not json")) == nil)
        #expect(StatsDocument(json: Self.bytes("[]")) == nil)
    }

    @Test("/hotkeys: off when disabled, keys when on")
    func hotKeys() throws {
        #expect(HotKeysDocument(json: Self.bytes(#"{"enabled": false, "current": null}"#)) == nil)
        let json = """
            {"enabled": true, "k": 100, "window_seconds": 60,
             "current": {"start": 1, "elapsed_seconds": 12.5, "commands": 130,
                         "keys": [{"key": "user:1", "key_bytes": 6, "truncated": false, "count": 120, "error": 3,
                                   "reads": 100, "writes": 20, "hits": 90, "misses": 10}]},
             "previous": null}
            """
        let hot = try #require(HotKeysDocument(json: Self.bytes(json)))
        #expect(hot.windowSeconds == 60)
        #expect(hot.elapsedSeconds == 12.5)
        #expect(hot.keys == [.init(key: "user:1", count: 120, reads: 100, writes: 20, hits: 90, misses: 10)])
    }

    @Test("/bigkeys and /clients")
    func bigKeysAndClients() throws {
        let big = try #require(
            BigKeysDocument(
                json: Self.bytes(
                    #"{"k": 100, "requests": [{"key": "blob", "truncated": true, "command": "set", "bytes": 104857600}], "replies": []}"#
                )))
        #expect(big.requests == [.init(key: "blob", truncated: true, command: "set", bytes: 104_857_600)])
        #expect(big.replies.isEmpty)
        let clients = try #require(
            ClientsDocument(
                json: Self.bytes(
                    #"{"label_by": "name", "clients": [{"label": "web", "connections": 3, "libraries": ["redis-py 5.0.1"], "commands": 1000, "errors": 2, "hits": 5, "misses": 1}]}"#
                )))
        #expect(clients.labelBy == "name")
        #expect(
            clients.clients == [
                .init(
                    label: "web", connections: 3, libraries: ["redis-py 5.0.1"], commands: 1000, errors: 2, hits: 5,
                    misses: 1)
            ])
    }

    @Test("/slowlog: newest first, as given")
    func slowLog() throws {
        let json =
            #"[{"command": "get", "arguments": "k", "duration_seconds": 0.02, "client": "127.0.0.1:5", "time": 9}]"#
        let entries = try #require(SlowEntry.list(json: Self.bytes(json)))
        #expect(
            entries == [.init(command: "get", arguments: "k", durationSeconds: 0.02, client: "127.0.0.1:5", time: 9)])
        #expect(SlowEntry.list(json: Self.bytes("{}")) == nil)
    }
}
