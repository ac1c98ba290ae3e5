import Proxy
import RESP
import RedisCommands
import TestSupport
import Testing

extension Integration {
    @Suite struct ReplyEvents {
        @Test(arguments: PoolMode.allCases) func mgetCountsMissesAndErrorsCarryTheirPrefix(mode: PoolMode) async throws
        {
            try await withRedisAndProxy(mode: mode) { _, proxy in
                let client = try await proxy.connect()
                defer { client.close() }
                let requests = [
                    Frames.command(["SET", "k1", "v1"]),
                    Frames.command(["MGET", "k1", "k2", "k3"]),
                    Frames.command(["LPUSH", "list", "a"]),
                    Frames.command(["GET", "list"]),
                    Frames.command(["GET"]),
                    Frames.command(["INCRBY", "n", "7"]),
                ]
                _ = try await client.request(requests.flatMap { $0 }, frames: requests.count)
                let events = proxy.sink.events
                try #require(events.count == requests.count)
                #expect(events.map(\.name.text) == ["SET", "MGET", "LPUSH", "GET", "GET", "INCRBY"])
                #expect(events.allSatisfy { $0.outcome == .replied })

                let mget = events[1]
                #expect(mget.replyType == .array)
                #expect(mget.replyNullChildren == 2)
                #expect(mget.argumentCount == 4)
                #expect(mget.firstArgument.text == "k1")
                #expect(mget.error == nil)

                #expect(events[3].replyType == .simpleError)
                #expect(events[3].error == .wrongtype)
                #expect(events[4].error == .err)
                #expect(events[5].replyType == .integer)
                #expect(events[5].replyInteger == 7)
                #expect(events[0].error == nil && events[0].replyType == .simpleString)
            }
        }

        @Test(arguments: PoolMode.allCases) func transactionGivesOneEventPerCommand(mode: PoolMode) async throws {
            try await withRedisAndProxy(mode: mode) { _, proxy in
                let client = try await proxy.connect()
                defer { client.close() }
                let requests = [
                    Frames.command(["MULTI"]), Frames.command(["SET", "a", "1"]), Frames.command(["INCR", "a"]),
                    Frames.command(["EXEC"]),
                ]
                let reply = try await client.request(requests.flatMap { $0 }, frames: 4)
                #expect(Wire(reply) == Wire("+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n:2\r\n"))
                let events = proxy.sink.events
                #expect(events.map(\.summary) == ["MULTI replied", "SET replied", "INCR replied", "EXEC replied"])
                // Queued commands carry their own element of EXEC's reply.
                #expect(events.map(\.replyType) == [.simpleString, .simpleString, .integer, .array])
                #expect(events[2].replyInteger == 2 && events[2].queued)
                #expect(events.last?.replyCount == 2)
            }
        }
    }
}
