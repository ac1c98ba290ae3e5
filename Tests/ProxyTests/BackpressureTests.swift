import Foundation
import Testing

extension Integration {
    @Suite(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/status"), "needs /proc (Linux)"))
    struct Backpressure {
        static let chunk: [UInt8] = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 % 251) }
        static let chunks = 64
        static var size: Int { chunk.count * chunks }

        @Test func slowReaderHoldsBackRedisInsteadOfFillingProxyMemory() async throws {
            try await withRedisAndProxy { redis, proxy in
                try await storeBigValue(port: redis.port)

                let client = try await proxy.connect(receiveBuffer: 64 * 1024)
                defer { client.close() }
                let baseline = try residentBytes()
                try await client.send(command("GET", "big"))

                // Redis ends up holding most of the reply because the proxy stopped reading (or,
                // without backpressure, the proxy's memory grows instead).
                var heldByRedis = 0
                try await waitUntil("Redis or the proxy to buffer the reply", timeout: .seconds(20)) {
                    heldByRedis = try await redis.largestOutputBuffer()
                    let growth = try residentBytes() - baseline
                    return heldByRedis > Self.size / 2 || (growth > 40 << 20 && !underSanitizer)
                }
                #expect(heldByRedis > Self.size / 2, "Redis holds only \(heldByRedis) bytes of the reply")
                var peak = try residentBytes()
                let end = ContinuousClock.now + .seconds(1)
                while ContinuousClock.now < end {
                    try await Task.sleep(for: .milliseconds(100))
                    peak = max(peak, try residentBytes())
                }
                let growth = peak - baseline
                #expect(
                    growth < 40 << 20 || underSanitizer, "RSS grew by \(growth >> 20) MiB while the client did not read"
                )

                let reply = try await client.read(timeout: .seconds(60))
                let header = Array("$\(Self.size)\r\n".utf8)
                #expect(reply.count == header.count + Self.size + 2)
                #expect(reply.starts(with: header))
                #expect(Self.isIntact(reply, after: header.count), "the 64 MiB payload arrived unchanged")
                #expect(proxy.sink.all.first?.replyBytes == reply.count)
            }
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

/// Whether this process runs under AddressSanitizer or ThreadSanitizer (`.ci/run`). Their
/// allocators hold freed memory back (ASan's quarantine) and add shadow memory, so the
/// resident memory of the whole process, where other suites run in parallel, grows with
/// every allocation and says nothing about what the proxy buffers: only Redis's output
/// buffer is checked then.
let underSanitizer = dlsym(nil, "__asan_init") != nil || dlsym(nil, "__tsan_init") != nil

/// This process's resident memory (VmRSS), in bytes.
func residentBytes() throws -> Int {
    let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
        let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
    else { throw HarnessError("no VmRSS in /proc/self/status") }
    return kilobytes * 1024
}

extension RedisServerProcess {
    /// The largest `omem` (output buffer memory) among Redis's clients.
    func largestOutputBuffer() async throws -> Int {
        let list = bulkText(try await call(command("CLIENT", "LIST")))
        var largest = 0
        for field in list.split(whereSeparator: { $0 == " " || $0 == "\n" }) where field.hasPrefix("omem=") {
            largest = max(largest, Int(field.dropFirst(5)) ?? 0)
        }
        return largest
    }
}
