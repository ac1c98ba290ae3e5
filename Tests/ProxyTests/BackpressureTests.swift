import Cluster
import Glibc
import TestSupport
import Testing

extension Integration {
    @Suite struct Backpressure {
        static let chunk: [UInt8] = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 % 251) }
        static let chunks = 64
        static var size: Int { chunk.count * chunks }

        /// Also in Redis Cluster mode, where the session reads Redis into the loop's buffer
        /// and scans replies for topology frames to rewrite: a large value is never held.
        @Test(arguments: [false, true])
        func slowReaderHoldsBackRedisInsteadOfFillingProxyMemory(clusterMode: Bool) async throws {
            try await RedisServer.with { redis in
                let addresses = clusterMode ? ClusterAddressMap() : nil
                try await ProxyHarness.with(upstreamPort: redis.port, clusterAddresses: addresses) { proxy in
                    try await slowReaderHoldsBackRedis(redis, proxy)
                }
            }
        }

        private func slowReaderHoldsBackRedis(_ redis: RedisServer, _ proxy: ProxyHarness) async throws {
            try await storeBigValue(port: redis.port)

            let client = try await proxy.connect(receiveBuffer: 64 * 1024)
            defer { client.close() }
            try await client.send(Frames.command(["GET", "big"]))

            // With backpressure, the proxy stops reading Redis once the client's queue is
            // full, so Redis keeps nearly all of the reply in its own output buffer (`omem`):
            // outside it are only the kernel's socket buffers and the proxy's 64 KiB queue.
            // Without it, the proxy would drain Redis into its own memory. Measured on Redis
            // rather than on this process's RSS, which tests running alongside also move
            // (the proxy's RSS is checked on the real binary in Tests/compat/test_large_values.py).
            let outsideRedis = 24 << 20
            try await waitUntil("Redis to hold back the reply", timeout: .seconds(20)) {
                try await redis.largestOutputBuffer() > Self.size - outsideRedis
            }
            var fewestHeld = Self.size
            let end = ContinuousClock.now + .seconds(1)
            while ContinuousClock.now < end {  // sampled: the proxy must not start draining Redis
                fewestHeld = min(fewestHeld, try await redis.largestOutputBuffer())
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(
                fewestHeld > Self.size - outsideRedis,
                "Redis held as little as \(fewestHeld >> 20) MiB of the 64 MiB reply while the client did not read")

            let reply = try await client.read(timeout: .seconds(60))
            let header = Array("$\(Self.size)\r\n".utf8)
            #expect(reply.count == header.count + Self.size + 2)
            #expect(reply.starts(with: header))
            #expect(Self.isIntact(reply, after: header.count), "the 64 MiB payload arrived unchanged")
            #expect(proxy.sink.events.first?.replyBytes == reply.count)
        }

        private static func isIntact(_ reply: [UInt8], after headerCount: Int) -> Bool {
            guard reply.count == headerCount + size + 2 else { return false }
            return reply.withUnsafeBytes { received in
                chunk.withUnsafeBytes { expected in
                    (0..<chunks).allSatisfy { index in
                        memcmp(
                            received.baseAddress! + headerCount + index * expected.count, expected.baseAddress!,
                            expected.count) == 0
                    }
                }
            }
        }

        /// SET big <64 MiB>, written in 1 MiB pieces directly to Redis.
        private func storeBigValue(port: Int) async throws {
            let direct = try await RawConnection.connect(port: port)
            defer { direct.close() }
            try await direct.send(Array("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$\(Self.size)\r\n".utf8))
            for _ in 0..<Self.chunks { try await direct.send(Self.chunk) }
            #expect(Wire(try await direct.request([0x0D, 0x0A], timeout: .seconds(30))) == Wire("+OK\r\n"))
        }
    }
}

extension RedisServer {
    /// The largest `omem` (output buffer memory) among Redis's clients.
    func largestOutputBuffer() async throws -> Int {
        let list = bulkText(try await call(Frames.command(["CLIENT", "LIST"])))
        var largest = 0
        for field in list.split(whereSeparator: { $0 == " " || $0 == "\n" }) where field.hasPrefix("omem=") {
            largest = max(largest, Int(field.dropFirst(5)) ?? 0)
        }
        return largest
    }
}
