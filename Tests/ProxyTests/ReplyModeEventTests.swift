import Proxy
import RedisCommands
import TestSupport
import Testing

extension Integration {
    @Suite struct ReplyModeEvents {
        @Test(arguments: PoolMode.allCases) func clientReplyOffSuppressesRepliesAndEvents(mode: PoolMode) async throws {
            try await withRedisAndProxy(mode: mode) { redis, proxy in
                let client = try await proxy.connect()
                defer { client.close() }
                let requests = [
                    Frames.command(["CLIENT", "REPLY", "OFF"]),
                    Frames.command(["SET", "a", "1"]),
                    Frames.command(["SET", "b", "2"]),
                    Frames.command(["SET", "c", "3"]),
                    Frames.command(["CLIENT", "REPLY", "ON"]),
                    Frames.command(["PING"]),
                ]
                let reply = try await client.request(requests.flatMap { $0 }, frames: 2)
                #expect(Wire(reply) == Wire("+OK\r\n+PONG\r\n"))
                let events = proxy.sink.events
                #expect(
                    events.map(\.summary) == [
                        "CLIENT suppressed", "SET suppressed", "SET suppressed", "SET suppressed", "CLIENT replied",
                        "PING replied",
                    ])
                #expect(events.map(\.firstArgument.text) == ["REPLY", "a", "b", "c", "REPLY", ""])
                #expect(events.filter { $0.outcome == .suppressed }.allSatisfy { $0.replyBytes == 0 })
                #expect(events[4].replyType == .simpleString)
                // The suppressed commands did run.
                #expect(
                    Wire(try await redis.call(Frames.command(["MGET", "a", "b", "c"])))
                        == Wire("*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"))
            }
        }

        /// RESET turns replies back on and is answered itself (`+RESET`), even after CLIENT REPLY OFF.
        @Test(arguments: PoolMode.allCases) func resetAfterClientReplyOffIsAnswered(mode: PoolMode) async throws {
            try await withRedisAndProxy(mode: mode) { redis, proxy in
                let requests =
                    Frames.command(["CLIENT", "REPLY", "OFF"]) + Frames.command(["SET", "a", "1"])
                    + Frames.command(["RESET"])
                    + Frames.command(["GET", "a"])
                let direct = try await RawConnection.connect(port: redis.port)
                defer { direct.close() }
                let expected = try await direct.request(requests, frames: 2)
                #expect(Wire(expected) == Wire("+RESET\r\n$1\r\n1\r\n"))

                let client = try await proxy.connect()
                defer { client.close() }
                #expect(Wire(try await client.request(requests, frames: 2)) == Wire(expected))
                #expect(Wire(try await client.request(Frames.command(["PING"]))) == Wire("+PONG\r\n"))
                #expect(
                    proxy.sink.events.map(\.summary) == [
                        "CLIENT suppressed", "SET suppressed", "RESET replied", "GET replied", "PING replied",
                    ])
            }
        }

        /// After the same sequence, a command sent just before the client's EOF is still answered
        /// (Redis answers what it read before closing, and so does the proxy when it knows a reply
        /// is owed).
        @Test(arguments: PoolMode.allCases) func halfCloseAfterResetStillGetsTheReply(mode: PoolMode) async throws {
            try await withRedisAndProxy(mode: mode) { redis, proxy in
                let requests =
                    Frames.command(["CLIENT", "REPLY", "OFF"]) + Frames.command(["SET", "a", "1"])
                    + Frames.command(["RESET"])
                // Keeps Redis busy for 100 ms, so the client's EOF reaches the proxy before the reply.
                let slowScript = """
                    local t = redis.call('TIME')
                    local start = t[1] * 1000000 + t[2]
                    repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - start > 100000
                    return redis.call('GET', 'a')
                    """
                let last = Frames.command(["EVAL", slowScript, "0"])
                for port in [redis.port, proxy.port] {
                    let client = try await RawConnection.connect(port: port)
                    defer { client.close() }
                    #expect(Wire(try await client.request(requests)) == Wire("+RESET\r\n"), "port \(port)")
                    try await client.send(last)
                    client.shutdownOutput()
                    let rest = try await client.readToEnd(timeout: .seconds(5))
                    #expect(Wire(rest) == Wire("$1\r\n1\r\n"), port == proxy.port ? "through the proxy" : "direct")
                }
            }
        }

        @Test(arguments: PoolMode.allCases) func clientReplySkipSuppressesOnlyTheNextCommand(mode: PoolMode)
            async throws
        {
            try await withRedisAndProxy(mode: mode) { _, proxy in
                let client = try await proxy.connect()
                defer { client.close() }
                let requests = [
                    Frames.command(["CLIENT", "REPLY", "SKIP"]), Frames.command(["SET", "a", "1"]),
                    Frames.command(["GET", "a"]),
                ]
                let reply = try await client.request(requests.flatMap { $0 }, frames: 1)
                #expect(Wire(reply) == Wire("$1\r\n1\r\n"))
                #expect(proxy.sink.events.map(\.summary) == ["CLIENT suppressed", "SET suppressed", "GET replied"])
            }
        }
    }
}
