import RedisCommands
import Testing

@Suite struct HitRules {
    /// Hits and misses of a command answered by `reply`, by the rule of its table entry.
    func count(
        _ arguments: [String], _ reply: String, outcome: CommandOutcome = .replied, queued: Bool = false
    ) -> [Int] {
        let event = Events.make(arguments, reply: reply, outcome: outcome, queued: queued)
        let (hits, misses) = CommandTable.builtin.commands[event.commandID].hitRule.count(event)
        return [hits, misses]
    }

    @Test func getNullIsAMissInBothProtocols() {
        #expect(count(["GET", "k"], "$-1\r\n") == [0, 1])
        #expect(count(["GET", "k"], "_\r\n") == [0, 1])
        #expect(count(["HGET", "h", "f"], "_\r\n") == [0, 1])
        #expect(count(["ZSCORE", "z", "m"], "$-1\r\n") == [0, 1])
    }

    @Test func getValueIsAHit() {
        #expect(count(["GET", "k"], "$3\r\nbar\r\n") == [1, 0])
        #expect(count(["GET", "k"], "$0\r\n\r\n") == [1, 0])
        #expect(count(["ZSCORE", "z", "m"], ",1.5\r\n") == [1, 0])
        #expect(count(["GETEX", "k"], "$1\r\nv\r\n") == [1, 0])
    }

    @Test func errorsAreNeitherHitNorMissButWrongTypeIsAHit() {
        #expect(count(["GET", "k"], "-WRONGTYPE Operation against a key\r\n") == [1, 0])
        #expect(count(["GET", "k"], "!9\r\nERR boom!\r\n") == [0, 0])
        #expect(count(["MGET", "a", "b"], "-ERR oops\r\n") == [0, 0])
        #expect(count(["EXISTS", "a", "b"], "-ERR oops\r\n") == [0, 0])
        // WRONGTYPE: the key was found (of another type), and Redis counts a keyspace hit.
        #expect(count(["HEXISTS", "h", "f"], "-WRONGTYPE no\r\n") == [1, 0])
    }

    @Test func unansweredCommandsAreNeitherHitNorMiss() {
        #expect(count(["GET", "k"], "", outcome: .aborted) == [0, 0])
        #expect(count(["GET", "k"], "", outcome: .suppressed) == [0, 0])
    }

    /// A command queued in `MULTI` is recorded with its own element of `EXEC`'s reply, and
    /// judged by the same rules as outside a transaction.
    @Test func queuedCommandsAreJudgedByTheirExecElement() {
        #expect(count(["GET", "k"], "$1\r\nv\r\n", queued: true) == [1, 0])
        #expect(count(["GET", "k"], "$-1\r\n", queued: true) == [0, 1])
        #expect(count(["MGET", "a", "b"], "*2\r\n$1\r\nv\r\n$-1\r\n", queued: true) == [1, 1])
        #expect(count(["EXISTS", "a", "b"], ":1\r\n", queued: true) == [1, 1])
        #expect(count(["HEXISTS", "h", "f"], "-WRONGTYPE no\r\n", queued: true) == [1, 0])
    }

    @Test func mgetAndHmgetCountEachElement() {
        #expect(count(["MGET", "a", "b", "c"], "*3\r\n$1\r\nx\r\n$-1\r\n$1\r\ny\r\n") == [2, 1])
        #expect(count(["MGET", "a", "b", "c"], "*3\r\n_\r\n$1\r\nx\r\n_\r\n") == [1, 2])
        #expect(count(["MGET", "a"], "*1\r\n$-1\r\n") == [0, 1])
        #expect(count(["HMGET", "h", "f", "g"], "*2\r\n$1\r\nx\r\n$-1\r\n") == [1, 1])
        #expect(count(["HMGET", "h", "f", "g"], "*2\r\n_\r\n_\r\n") == [0, 2])
        #expect(count(["ZMSCORE", "z", "a", "b"], "*2\r\n,1\r\n_\r\n") == [1, 1])
    }

    @Test func existsCountsKeys() {
        #expect(count(["EXISTS", "a", "b", "c"], ":2\r\n") == [2, 1])
        #expect(count(["EXISTS", "a"], ":0\r\n") == [0, 1])
        #expect(count(["EXISTS", "a", "a"], ":2\r\n") == [2, 0])
        #expect(count(["EXISTS", "a"], ":5\r\n") == [1, 0])
    }

    @Test func hexistsAndSismemberAreOneOrZero() {
        #expect(count(["HEXISTS", "h", "f"], ":1\r\n") == [1, 0])
        #expect(count(["HEXISTS", "h", "f"], ":0\r\n") == [0, 1])
        #expect(count(["SISMEMBER", "s", "m"], ":1\r\n") == [1, 0])
        #expect(count(["SISMEMBER", "s", "m"], ":0\r\n") == [0, 1])
    }

    @Test func commandsWithoutARuleCountNothing() {
        #expect(count(["SET", "k", "v"], "+OK\r\n") == [0, 0])
        #expect(count(["LRANGE", "l", "0", "-1"], "*0\r\n") == [0, 0])
        #expect(count(["HGETALL", "h"], "*0\r\n") == [0, 0])
        #expect(count(["FOO", "k"], "$-1\r\n") == [0, 0])
    }

    @Test func shardAccumulatesHitsAndMisses() {
        let hub = makeHub()
        let shard = hub.makeShard()
        shard.record(Events.make(["GET", "a"], reply: "$1\r\nx\r\n"))
        shard.record(Events.make(["GET", "b"], reply: "_\r\n"))
        shard.record(Events.make(["MGET", "a", "b", "c"], reply: "*3\r\n$1\r\nx\r\n$-1\r\n_\r\n"))
        let snapshot = shard.snapshot()
        let get = CommandTable.builtin.id(of: "get")
        let mget = CommandTable.builtin.id(of: "mget")
        #expect(snapshot.hits[get] == 1 && snapshot.misses[get] == 1)
        #expect(snapshot.hits[mget] == 1 && snapshot.misses[mget] == 2)
    }
}
