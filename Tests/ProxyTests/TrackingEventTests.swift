import Proxy
import RESP
import RedisCommands
import TestSupport
import Testing

extension Integration {
    @Suite struct TrackingEvents {
        @Test(arguments: PoolMode.allCases) func invalidationPushIsNotMatchedToAPendingCommand(mode: PoolMode)
            async throws
        {
            try await withRedisAndProxy(mode: mode) { redis, proxy in
                let client = try await proxy.connect()
                defer { client.close() }
                #expect(Wire(try await client.request(Frames.command(["HELLO", "3"]))).hasPrefix("%7\r\n"))
                #expect(
                    Wire(try await client.request(Frames.command(["CLIENT", "TRACKING", "ON"]))) == Wire("+OK\r\n"))
                #expect(Wire(try await client.request(Frames.command(["GET", "tracked"]))) == Wire("_\r\n"))

                // The push arrives while BLPOP waits for its reply.
                try await client.send(Frames.command(["BLPOP", "queue", "10"]))
                try await redis.waitForBlockedClients(1)
                #expect(Wire(try await redis.call(Frames.command(["SET", "tracked", "x"]))) == Wire("+OK\r\n"))
                #expect(integerValue(try await redis.call(Frames.command(["LPUSH", "queue", "item"]))) == 1)
                let push = Wire(">2\r\n$10\r\ninvalidate\r\n*1\r\n$7\r\ntracked\r\n")
                let blpopReply = Wire("*2\r\n$5\r\nqueue\r\n$4\r\nitem\r\n")
                #expect(Wire(try await client.read(frames: 2)) == Wire(push.bytes + blpopReply.bytes))

                #expect(Wire(try await client.request(Frames.command(["GET", "tracked"]))) == Wire("$1\r\nx\r\n"))
                #expect(Wire(try await client.request(Frames.command(["INCR", "counter"]))) == Wire(":1\r\n"))

                let events = proxy.sink.events
                #expect(
                    events.map(\.summary) == [
                        "HELLO replied", "CLIENT replied", "GET replied", "BLPOP replied", "GET replied",
                        "INCR replied",
                    ])
                #expect(events.map(\.replyType) == [.map, .simpleString, .null, .array, .bulkString, .integer])
                #expect(events[3].replyBytes == blpopReply.bytes.count)
                #expect(events[5].replyInteger == 1)
            }
        }
    }
}
