import Proxy
import RESP
import RedisCommands
import TestSupport
import Testing

extension Integration {
    /// `CommandEvent.sentNanos` through a real proxy and redis-server: the split of a
    /// command's time between the proxy and Redis.
    @Suite struct SentTimestamps {
        /// `DEBUG SLEEP` needs the command enabled (Redis 7 refuses it by default).
        static let debugArguments = ["--enable-debug-command", "yes"]

        @Test(arguments: PoolMode.allCases) func redisSleepingIsUpstreamTimeAndTheProxyShareIsSmall(mode: PoolMode)
            async throws
        {
            try await withRedisAndProxy(mode: mode, redisArguments: Self.debugArguments) { _, proxy in
                let client = try await proxy.connect()
                defer { client.close() }
                // The proxy's share includes any time its thread waited for a core: on a busy
                // machine one run can be preempted, so the best of a few runs is judged.
                var shares: [UInt64] = []
                for run in 1...5 {
                    let reply = try await client.request(Frames.command(["DEBUG", "SLEEP", "0.05"]))
                    #expect(Wire(reply) == Wire("+OK\r\n"))
                    let events = try await proxy.sink.waitForEvents(run)
                    let sleep = try #require(events.last)
                    #expect(sleep.name.text == "DEBUG")
                    #expect(sleep.sentNanos >= sleep.startNanos)
                    #expect(sleep.upstreamNanos >= 50_000_000, "upstream \(sleep.upstreamNanos) ns")
                    shares.append(sleep.durationNanos - sleep.upstreamNanos)
                    if shares.last! < 1_000_000 { break }
                }
                #expect(shares.min()! < 1_000_000, "proxy shares \(shares) ns")
            }
        }

        @Test func aRequestHeldWhileThePoolConnectsIsStampedWhenItLeaves() async throws {
            var pool = PoolConfiguration()
            pool.minIdle = 0  // no connection waits ready: the client's is opened for it
            try await RedisServer.with { redis in
                try await ProxyHarness.with(upstreamPort: redis.port, pool: pool) { proxy in
                    #expect(proxy.pool.snapshot.created == 0)
                    // Sent at once: the pool has no connection yet, so the request waits for it.
                    let client = try await proxy.connect()
                    defer { client.close() }
                    _ = try await client.request(Frames.command(["PING"]))
                    #expect(proxy.pool.snapshot.created == 1)
                    let ping = try #require(try await proxy.sink.waitForEvents(1).first)
                    #expect(ping.sentNanos > 0)
                    #expect(ping.startNanos <= ping.sentNanos && ping.sentNanos <= ping.endNanos)
                }
            }
        }

        @Test(arguments: PoolMode.allCases) func pipelinedBlockingAndLargeRequestsAreEachStamped(mode: PoolMode)
            async throws
        {
            try await withRedisAndProxy(mode: mode) { _, proxy in
                let client = try await proxy.connect()
                defer { client.close() }
                var pipeline: [UInt8] = []
                for index in 0..<2_000 { pipeline += Frames.command(["SET", "key:\(index)", "value:\(index)"]) }
                _ = try await client.request(pipeline, frames: 2_000, timeout: .seconds(30))
                // Larger than the kernel takes in one write: its tail leaves on a later EPOLLOUT.
                let big = [UInt8](repeating: UInt8(ascii: "x"), count: 8 << 20)
                _ = try await client.request(Frames.command([Array("SET".utf8), Array("big".utf8), big]))
                _ = try await client.request(Frames.command(["BLPOP", "empty", "0.1"]))
                let events = try await proxy.sink.waitForEvents(2_002)
                #expect(events.count == 2_002)
                #expect(events.allSatisfy { $0.sentNanos >= $0.startNanos && $0.sentNanos <= $0.endNanos })
                #expect(events.allSatisfy { $0.sentNanos > 0 })
                #expect(zip(events, events.dropFirst()).allSatisfy { $0.sentNanos <= $1.sentNanos })
                let large = events[2_000]
                #expect(large.requestBytes > 8 << 20)
                #expect(large.sentNanos > large.startNanos)
                let blocking = events[2_001]
                #expect(blocking.name.text == "BLPOP" && blocking.replyIsNull)
                #expect(blocking.upstreamNanos >= 100_000_000)
            }
        }
    }
}

extension Integration.TLSProxy {
    /// With TLS to Redis, a request is stamped when `SSL_write` took its last byte.
    @Test func aTLSUpstreamSplitsTheTimeAsAPlaintextOneDoes() async throws {
        let redis = try await offload {
            try RedisServer.start(
                Integration.SentTimestamps.debugArguments,
                tls: RedisTLSConfiguration(certificates: TLSCertificates.shared()))
        }
        defer { redis.kill() }
        let (sides, _) = try sides()
        try await ProxyHarness.with(upstreamPort: redis.port, tls: sides) { proxy in
            let client = try await proxy.connect()
            defer { client.close() }
            // As above: the best of a few runs (a preempted thread adds to the proxy's share).
            var shares: [UInt64] = []
            for run in 1...5 {
                let reply = try await client.request(
                    Frames.command(["PING"]) + Frames.command(["DEBUG", "SLEEP", "0.05"]), frames: 2)
                #expect(Wire(reply) == Wire("+PONG\r\n+OK\r\n"))
                let events = try await proxy.sink.waitForEvents(2 * run)
                #expect(events.allSatisfy { $0.sentNanos >= $0.startNanos && $0.sentNanos <= $0.endNanos })
                let sleep = events[2 * run - 1]
                #expect(sleep.upstreamNanos >= 50_000_000, "upstream \(sleep.upstreamNanos) ns")
                shares.append(sleep.durationNanos - sleep.upstreamNanos)
                if shares.last! < 1_000_000 { break }
            }
            #expect(shares.min()! < 1_000_000, "proxy shares \(shares) ns")
        }
    }
}
