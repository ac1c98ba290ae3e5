import Proxy
import TestSupport
import Testing

extension Integration {
    @Suite struct PoolReuse {
        static var oneConnection: PoolConfiguration {
            var configuration = PoolConfiguration()
            configuration.minIdle = 1
            configuration.maxIdle = 1
            return configuration
        }

        /// Client A dirties its connection (database, name, subscription) and leaves; client B
        /// gets the same upstream connection back, as new.
        @Test func connectionIsResetBeforeReuse() async throws {
            try await withReusedConnection { clientA in
                let requests =
                    Frames.command(["SELECT", "5"]) + Frames.command(["CLIENT", "SETNAME", "x"])
                    + Frames.command(["SET", "a", "in-db-5"]) + Frames.command(["CLIENT", "INFO"])
                let replies = try frames(in: try await clientA.request(requests, frames: 4))
                #expect(replies[0] == Wire("+OK\r\n"))
                #expect(replies[1] == Wire("+OK\r\n"))
                let info = bulkText(replies[3].bytes)
                #expect(info.contains(" db=5 ") && info.contains(" name=x "), "\(info)")
                let subscribed = try await clientA.request(Frames.command(["SUBSCRIBE", "c"]))
                #expect(Wire(subscribed) == Wire("*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n"))
            } then: { clientB, _ in
                let reply = try await clientB.request(Frames.command(["GET", "a"]))
                #expect(Wire(reply) == Wire("$-1\r\n"), "SET ran in database 5")
            }
        }

        /// RESP3, client tracking, an open transaction and MONITOR are all undone too.
        @Test func protocolTrackingTransactionAndMonitorAreReset() async throws {
            try await withReusedConnection { clientA in
                let requests =
                    Frames.command(["HELLO", "3"]) + Frames.command(["CLIENT", "TRACKING", "ON"])
                    + Frames.command(["GET", "t"]) + Frames.command(["MULTI"]) + Frames.command(["SET", "q", "1"])
                let replies = try frames(in: try await clientA.request(requests, frames: 5))
                #expect(replies.last == Wire("+QUEUED\r\n"))
                #expect(
                    Wire(
                        try await clientA.request(Frames.command(["DISCARD"]) + Frames.command(["MONITOR"]), frames: 2))
                        == Wire("+OK\r\n+OK\r\n"))
            } then: { clientB, redis in
                // Neither an invalidation push nor monitor lines may reach B.
                _ = try await redis.call(Frames.command(["SET", "t", "changed"]))
                let replies = try frames(
                    in: try await clientB.request(Frames.command(["GET", "q"]) + Frames.command(["PING"]), frames: 2))
                #expect(replies == [Wire("$-1\r\n"), Wire("+PONG\r\n")])
            }
        }

        /// Runs `dirty` on client A, waits until the pool took A's connection back, then checks
        /// that client B has the same connection (same CLIENT ID) in its initial state and runs
        /// `check` on it.
        private func withReusedConnection(
            _ dirty: (RawConnection) async throws -> Void,
            then check: (RawConnection, RedisServer) async throws -> Void
        ) async throws {
            try await RedisServer.with { redis in
                // One event loop, so both clients are on the loop of the idle connection.
                try await ProxyHarness.with(upstreamPort: redis.port, pool: Self.oneConnection, threads: 1) { proxy in
                    try await waitForIdle(proxy)
                    // The pool opens a spare connection when A holds the only idle one across its
                    // once-a-second refill; A's connection is then closed, not reused. Retry then.
                    for _ in 1...5 {
                        let created = proxy.pool.snapshot.created
                        let clientA = try await proxy.connect()
                        let idA = try #require(
                            integerValue(try await clientA.request(Frames.command(["CLIENT", "ID"]))))
                        try await dirty(clientA)
                        clientA.close()
                        try await waitForIdle(proxy)
                        guard proxy.pool.snapshot.created == created else { continue }

                        let clientB = try await proxy.connect()
                        defer { clientB.close() }
                        let replies = try frames(
                            in: try await clientB.request(
                                Frames.command(["CLIENT", "ID"]) + Frames.command(["CLIENT", "INFO"]), frames: 2))
                        #expect(integerValue(replies[0].bytes) == idA, "the upstream connection was reused")
                        let info = bulkText(replies[1].bytes)
                        #expect(info.hasPrefix("id=\(idA) "), "\(info)")
                        for field in [" db=0 ", " name= ", " flags=N ", " sub=0 ", " multi=-1 ", " resp=2"] {
                            #expect(info.contains(field), "\(field) in \(info)")
                        }
                        try await check(clientB, redis)
                        return
                    }
                    Issue.record("client A's upstream connection was never reused in 5 attempts")
                }
            }
        }

        /// Waits until the pool holds exactly one idle connection and none in use (so a
        /// departed client's connection was reset and checked in, or dropped).
        private func waitForIdle(_ proxy: ProxyHarness) async throws {
            try await waitUntil("one idle pooled connection and none in use") {
                let snapshot = proxy.pool.snapshot
                return snapshot.idle == 1 && snapshot.used == 0
            }
        }
    }
}
