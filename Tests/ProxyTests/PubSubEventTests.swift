import Proxy
import RESP
import RedisCommands
import TestSupport
import Testing

extension Integration {
    @Suite struct PubSubEvents {
        @Test(arguments: PoolMode.allCases) func subscribeCompletesAfterAllConfirmationsAndMessagesAreNotCommands(
            mode: PoolMode
        ) async throws {
            try await withRedisAndProxy(mode: mode) { redis, proxy in
                let subscriber = try await proxy.connect()
                defer { subscriber.close() }
                let confirmations = try await subscriber.request(Frames.command(["SUBSCRIBE", "a", "b"]), frames: 2)
                #expect(
                    Wire(confirmations)
                        == Wire("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n"))
                #expect(proxy.sink.events.map(\.summary) == ["SUBSCRIBE replied"])
                #expect(proxy.sink.events.first?.replyBytes == confirmations.count)

                // Published by a client that does not go through the proxy.
                #expect(integerValue(try await redis.call(Frames.command(["PUBLISH", "a", "one"]))) == 1)
                #expect(integerValue(try await redis.call(Frames.command(["PUBLISH", "b", "two"]))) == 1)
                #expect(integerValue(try await redis.call(Frames.command(["PUBLISH", "a", "three"]))) == 1)
                let messages = try await subscriber.read(frames: 3)
                #expect(
                    Wire(messages)
                        == Wire(
                            "*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$3\r\none\r\n*3\r\n$7\r\nmessage\r\n$1\r\nb\r\n$3\r\ntwo\r\n"
                                + "*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nthree\r\n"))

                let pong = try await subscriber.request(Frames.command(["PING"]))
                #expect(Wire(pong) == Wire("*2\r\n$4\r\npong\r\n$0\r\n\r\n"))
                let unsubscribed = try await subscriber.request(Frames.command(["UNSUBSCRIBE"]), frames: 2)
                #expect(Wire(unsubscribed).hasPrefix("*3\r\n$11\r\nunsubscribe\r\n"))
                let get = try await subscriber.request(Frames.command(["GET", "nothing"]))
                #expect(Wire(get) == Wire("$-1\r\n"))

                let events = proxy.sink.events
                #expect(
                    events.map(\.summary) == [
                        "SUBSCRIBE replied", "PING replied", "UNSUBSCRIBE replied", "GET replied",
                    ])
                #expect(events.map(\.replyType) == [.array, .array, .array, .bulkString])
                #expect(events[2].replyBytes == unsubscribed.count)
            }
        }

        @Test(arguments: PoolMode.allCases) func resp3SubscriberInterleavesCommandsWithPushedMessages(mode: PoolMode)
            async throws
        {
            try await withRedisAndProxy(mode: mode) { redis, proxy in
                let client = try await proxy.connect()
                defer { client.close() }
                #expect(Wire(try await client.request(Frames.command(["HELLO", "3"]))).hasPrefix("%7\r\n"))
                let confirmations = try await client.request(Frames.command(["SUBSCRIBE", "a", "b"]), frames: 2)
                #expect(
                    Wire(confirmations)
                        == Wire(">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n>3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n"))

                // A message published while GET waits for Redis, both in one exchange.
                try await client.send(
                    Frames.command(["GET", "k"])
                        + Frames.command(["EVAL", "return redis.call('PUBLISH', 'a', 'hi')", "0"]))
                let replies = try frames(in: try await client.read(frames: 3))
                #expect(replies[0] == Wire("_\r\n"))
                #expect(replies[1] == Wire(">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n"))
                #expect(replies[2] == Wire(":1\r\n"))
                #expect(integerValue(try await redis.call(Frames.command(["PUBLISH", "b", "x"]))) == 1)
                #expect(Wire(try await client.read()) == Wire(">3\r\n$7\r\nmessage\r\n$1\r\nb\r\n$1\r\nx\r\n"))
                #expect(Wire(try await client.request(Frames.command(["INCR", "n"]))) == Wire(":1\r\n"))

                let events = proxy.sink.events
                #expect(
                    events.map(\.summary) == [
                        "HELLO replied", "SUBSCRIBE replied", "GET replied", "EVAL replied", "INCR replied",
                    ])
                #expect(events.map(\.replyType) == [.map, .push, .null, .integer, .integer])
            }
        }

        @Test(arguments: PoolMode.allCases) func monitorLinesAreNotCommands(mode: PoolMode) async throws {
            try await withRedisAndProxy(mode: mode) { redis, proxy in
                let monitor = try await proxy.connect()
                defer { monitor.close() }
                #expect(Wire(try await monitor.request(Frames.command(["MONITOR"]))) == Wire("+OK\r\n"))
                _ = try await redis.call(Frames.command(["SET", "watched", "1"]))
                _ = try await redis.call(Frames.command(["GET", "watched"]))
                let lines = try await monitor.read(frames: 2)
                #expect(Wire(lines).text.contains("\"SET\" \"watched\" \"1\""))
                #expect(Wire(lines).text.contains("\"GET\" \"watched\""))
                // A monitoring client's own command: its reply, then its monitor line.
                let ping = try await monitor.request(Frames.command(["PING"]), frames: 2)
                #expect(Wire(ping).hasPrefix("+PONG\r\n+"))
                #expect(Wire(try await monitor.request(Frames.command(["RESET"]))) == Wire("+RESET\r\n"))
                #expect(Wire(try await monitor.request(Frames.command(["GET", "watched"]))) == Wire("$1\r\n1\r\n"))

                #expect(
                    proxy.sink.events.map(\.summary) == [
                        "MONITOR replied", "PING replied", "RESET replied", "GET replied",
                    ])
                #expect(
                    proxy.sink.events.map(\.replyType) == [.simpleString, .simpleString, .simpleString, .bulkString])
            }
        }
    }
}
