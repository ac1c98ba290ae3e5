import Proxy
import RESP
import RedisCommands
import TestSupport
import Testing

extension Integration {
    @Suite struct UpstreamFailure {
        static let answered = 500
        static let pipelineSize = 1_000

        /// The client sees what it would see talking to Redis: the replies Redis sent, then
        /// its connection closing; nothing the proxy made up. The owed commands are aborted.
        @Test(arguments: PoolMode.allCases) func killedRedisClosesTheClientWithRepliesOwedThenRecovers(mode: PoolMode)
            async throws
        {
            try await withRedisAndProxy(mode: mode) { redis, proxy in
                // 500 INCRs are answered, then BLPOP blocks and holds back the 499 GETs behind it.
                var requests: [UInt8] = []
                for _ in 0..<Self.answered { requests += Frames.command(["INCR", "counter"]) }
                requests += Frames.command(["BLPOP", "never", "30"])
                for _ in (Self.answered + 1)..<Self.pipelineSize { requests += Frames.command(["GET", "counter"]) }

                let client = try await proxy.connect()
                defer { client.close() }
                let replies = try await client.request(requests, frames: Self.answered)
                let expected = (1...Self.answered).flatMap { Array(":\($0)\r\n".utf8) }
                #expect(replies == expected)
                try await redis.waitForBlockedClients(1)
                try await proxy.sink.waitForEvents(Self.answered)

                redis.kill()
                let rest = try await client.readToEnd(timeout: .seconds(10))
                #expect(rest.isEmpty, "the proxy sent \(Wire(rest)) instead of closing")

                let events = try await proxy.sink.waitForEvents(Self.pipelineSize)
                #expect(events.count == Self.pipelineSize)
                #expect(events.prefix(Self.answered).allSatisfy { $0.summary == "INCR replied" })
                #expect(events.dropFirst(Self.answered).first?.summary == "BLPOP aborted")
                #expect(events.dropFirst(Self.answered + 1).allSatisfy { $0.summary == "GET aborted" })
                #expect(events.dropFirst(Self.answered).allSatisfy { $0.replyBytes == 0 })

                // Redis comes back on the same port: new clients get through the same proxy.
                try await redis.launch()
                try await waitUntil("a client through the proxy to get PONG", timeout: .seconds(15)) {
                    guard let client = try? await proxy.connect() else { return false }
                    defer { client.close() }
                    return (try? await client.request(Frames.command(["PING"]), timeout: .seconds(2)))
                        == Array("+PONG\r\n".utf8)
                }
                let again = try await proxy.connect()
                defer { again.close() }
                #expect(Wire(try await again.request(Frames.command(["INCR", "counter"]))) == Wire(":1\r\n"))
            }
        }

        @Test(arguments: PoolMode.allCases) func killedRedisInTheMiddleOfLargeRepliesNeverHangsTheClient(mode: PoolMode)
            async throws
        {
            try await withRedisAndProxy(mode: mode) { redis, proxy in
                let value = [UInt8](repeating: UInt8(ascii: "v"), count: 20_000)
                _ = try await redis.call(Frames.command([Array("SET".utf8), Array("big".utf8), value]))
                let reply = Array("$\(value.count)\r\n".utf8) + value + [0x0D, 0x0A]
                let requests = (0..<Self.pipelineSize).flatMap { _ in Frames.command(["GET", "big"]) }

                let client = try await proxy.connect()
                defer { client.close() }
                let first = try await client.request(requests, frames: 50)
                redis.kill()
                let rest = try await client.readToEnd(timeout: .seconds(10))

                // Complete replies, then at most a cut-off one, then the close.
                var scanner = RESPScanner(mode: .reply)
                let received = first + rest
                var complete = 0
                try received.withUnsafeBytes { bytes in
                    var offset = 0
                    var start = 0
                    while try scanner.next(bytes, offset: &offset) != nil {
                        #expect(Array(received[start..<offset]) == reply, "frame \(complete) is not Redis's reply")
                        complete += 1
                        start = offset
                    }
                    if start < received.count {
                        #expect(reply.starts(with: received[start...]), "the cut-off reply is a prefix of a real one")
                    }
                }
                // Shared mode reads every reply off the shared connection (a slow client must
                // not stall the others), so all of them may have arrived before the kill.
                #expect(complete >= 50 && (complete < Self.pipelineSize || mode == .shared))

                let events = try await proxy.sink.waitForEvents(Self.pipelineSize)
                #expect(events.filter { $0.outcome == .replied }.count == complete)
                #expect(events.filter { $0.outcome == .aborted }.count == Self.pipelineSize - complete)
            }
        }

        /// As a refused connect looks: the connection closes with no reply.
        @Test func unreachableRedisClosesClientsWithoutAReply() async throws {
            let closedPort = try freePort()
            var pool = PoolConfiguration()
            pool.minIdle = 0
            pool.connectTimeoutSeconds = 2
            pool.waitTimeoutSeconds = 0.5  // how long connecting is retried for the client
            try await ProxyHarness.with(upstreamPort: closedPort, pool: pool) { proxy in
                let client = try await proxy.connect()
                defer { client.close() }
                let received = Wire(try await client.readToEnd(timeout: .seconds(10)))
                #expect(received.bytes.isEmpty, "\(received)")
                #expect(proxy.sink.count == 0)
                #expect(!proxy.pool.isUpstreamUp)
            }
        }
    }
}
