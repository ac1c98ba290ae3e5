import Proxy
import TestSupport
import Testing

extension Integration {
    @Suite struct LargeRequest {
        /// A 32 MiB value written through the proxy in 1 MiB writes reaches Redis intact.
        @Test(arguments: PoolMode.allCases) func largeValueIsRelayedIntact(mode: PoolMode) async throws {
            try await withRedisAndProxy(mode: mode) { redis, proxy in
                let chunk: [UInt8] = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 % 253) }
                let chunks = 32
                let header = Array("*3\r\n$3\r\nSET\r\n$5\r\nlarge\r\n$\(chunk.count * chunks)\r\n".utf8)
                let client = try await proxy.connect()
                defer { client.close() }
                try await client.send(header)
                for _ in 0..<chunks { try await client.send(chunk) }
                #expect(Wire(try await client.request([0x0D, 0x0A], timeout: .seconds(30))) == Wire("+OK\r\n"))

                #expect(
                    integerValue(try await redis.call(Frames.command(["STRLEN", "large"]))) == chunk.count * chunks)
                for offset in [0, 12_345, chunk.count * chunks - 100] {
                    let range = try await redis.call(
                        Frames.command(["GETRANGE", "large", "\(offset)", "\(offset + 99)"]))
                    let expected = (offset..<(offset + 100)).map { chunk[$0 % chunk.count] }
                    #expect(Wire(range) == Wire(Array("$100\r\n".utf8) + expected + [0x0D, 0x0A]), "at \(offset)")
                }
                let event = try #require(proxy.sink.events.first)
                #expect(event.summary == "SET replied")
                #expect(event.requestBytes == header.count + chunk.count * chunks + 2)
                #expect(event.firstArgument.text == "large")
            }
        }
    }
}
