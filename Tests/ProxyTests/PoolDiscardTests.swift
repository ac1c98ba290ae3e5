import Proxy
import TestSupport
import Testing

extension Integration {
    @Suite struct PoolDiscard {
        /// A client that leaves while a reply is still coming must not hand the rest of that
        /// reply to the next client: its connection is closed, and B gets a fresh one.
        @Test func connectionLeftMidReplyIsNotReused() async throws {
            var pool = PoolConfiguration()
            pool.minIdle = 1
            pool.maxIdle = 1
            try await RedisServer.with { redis in
                let value = [UInt8](repeating: UInt8(ascii: "x"), count: 16 << 20)  // beyond what socket buffers absorb
                _ = try await redis.call(Frames.command([Array("SET".utf8), Array("big".utf8), value]))
                try await ProxyHarness.with(upstreamPort: redis.port, pool: pool, threads: 1) { proxy in
                    try await waitUntil("a warm connection") { proxy.pool.snapshot.idle == 1 }
                    let clientA = try await proxy.connect(receiveBuffer: 16 * 1024)
                    let idA = try #require(integerValue(try await clientA.request(Frames.command(["CLIENT", "ID"]))))
                    try await clientA.send(Frames.command(["GET", "big"]) + Frames.command(["GET", "big"]))
                    try await waitUntil("Redis to hold back part of the reply", timeout: .seconds(10)) {
                        try await redis.largestOutputBuffer() > 0
                    }
                    clientA.close()
                    try await waitUntil("the pool to settle") {
                        let snapshot = proxy.pool.snapshot
                        return snapshot.used == 0 && snapshot.idle == 1
                    }

                    let clientB = try await proxy.connect()
                    defer { clientB.close() }
                    let reply = try await clientB.request(
                        Frames.command(["PING"]) + Frames.command(["CLIENT", "ID"]), frames: 2)
                    let parts = try frames(in: reply)
                    #expect(parts.first == Wire("+PONG\r\n"))
                    #expect(parts.count == 2 && integerValue(parts[1].bytes) != idA)
                    #expect(proxy.sink.events.filter { $0.outcome == .aborted }.count >= 1)
                }
            }
        }
    }
}
