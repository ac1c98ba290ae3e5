import Testing

@testable import ServerStats

@Suite("INFO parser")
struct RedisInfoTests {
    @Test func redis70CapturedOutput() {
        let info = RedisInfo(parsing: InfoFixtures.crlf(InfoFixtures.redis70))
        #expect(info["redis_version"] == "7.0.15")
        #expect(info.number("used_memory") == 966_440)
        #expect(info.number("maxmemory") == 0)
        #expect(info["maxmemory_policy"] == "noeviction")
        #expect(info.number("mem_fragmentation_ratio") != nil)
        #expect(info.sections["used_memory"] == "memory")
        #expect(info.sections["keyspace_hits"] == "stats")
        #expect(info.databases[0] == KeyspaceEntry("keys=2,expires=1,avg_ttl=0"))
        #expect(info.databases[3]?.keys == 1)
        #expect(info.databases.count == 2)
        #expect(info.section("memory").keys.contains("used_memory_vm_eval"))
    }

    @Test func redis62DocumentedOutput() {
        let info = RedisInfo(parsing: InfoFixtures.crlf(InfoFixtures.redis62))
        #expect(info["redis_version"] == "6.2.14")
        #expect(info.number("used_memory") == 104_857_600)
        #expect(info.number("used_memory_lua") == 37_888)
        #expect(info.number("used_memory_vm_eval") == nil)
        #expect(info.number("maxmemory") == 268_435_456)
        #expect(info["maxmemory_policy"] == "allkeys-lru")
        #expect(info.number("used_memory_peak_perc") == nil, "'50.00%' is not a number")
        #expect(info.number("evicted_keys") == 5)
        #expect(info.databases[0] == KeyspaceEntry("keys=1500,expires=20,avg_ttl=3600000"))
        #expect(info.databases[2]?.expires == 0)
    }

    @Test func bareNewlinesParseLikeCRLF() {
        let crlf = RedisInfo(parsing: InfoFixtures.crlf(InfoFixtures.redis62))
        let lf = RedisInfo(parsing: Array(InfoFixtures.redis62.utf8))
        #expect(crlf == lf)
    }

    @Test func unknownAndMalformedLinesAreSkipped() {
        let text =
            "# Memory\r\nused_memory:100\r\nno colon here\r\n:empty key\r\nkey with space:1\r\n"
            + "future_field:abc\r\ndb:keys=1\r\ndbx:keys=1\r\ndb4:expires=1\r\ndb-1:keys=3\r\n"
        let info = RedisInfo(parsing: Array(text.utf8))
        #expect(info.fields.keys.sorted() == ["db", "db-1", "db4", "dbx", "future_field", "used_memory"])
        #expect(info.number("future_field") == nil)
        #expect(info.number("used_memory") == 100)
        #expect(info.databases.isEmpty, "no db line has a valid index and a keys count")
    }

    @Test func truncatedInputDropsTheCutLine() {
        let full = InfoFixtures.crlf(InfoFixtures.redis70)
        let marker = Array("used_memory:966440".utf8)
        let start = full.firstRange(of: marker)!.lowerBound
        // Cut inside the number: the partial line must not read as a smaller value.
        let cut = RedisInfo(parsing: full[..<(start + marker.count - 2)])
        #expect(cut.number("used_memory") == nil)
        #expect(cut["redis_version"] == "7.0.15")
        // Every prefix parses without trapping and never invents a field.
        let whole = RedisInfo(parsing: full)
        for end in stride(from: 0, through: full.count, by: 7) {
            let partial = RedisInfo(parsing: full[..<end])
            for (key, value) in partial.fields { #expect(whole[key] == value, "\(key) at \(end)") }
        }
    }

    @Test func garbageNeverTraps() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 0..<2000, using: &generator)).map { _ in
                [UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: ":"), UInt8(ascii: "#")].randomElement()!
                    ^ (Bool.random() ? UInt8.random(in: 0...255, using: &generator) : 0)
            }
            let info = RedisInfo(parsing: bytes)
            #expect(info.fields.count <= bytes.count)
        }
        #expect(RedisInfo(parsing: [UInt8]()).fields.isEmpty)
        #expect(RedisInfo(parsing: Array("-ERR unknown command\r\n".utf8)).fields.isEmpty)
    }

    @Test func overlongLinesAreCapped() {
        let long = "big:" + String(repeating: "9", count: 100_000) + "\r\nused_memory:5\r\n"
        let info = RedisInfo(parsing: Array(long.utf8))
        #expect((info["big"]?.count ?? 0) < 5000)
        #expect(info.number("used_memory") == 5)
    }
}
