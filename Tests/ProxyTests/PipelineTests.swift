import Proxy
import RedisCommands
import TestSupport
import Testing

extension Integration {
    @Suite struct Pipeline {
        static let size = 10_000

        /// SETs and GETs (hits and misses), one write of about 400 KB.
        static func requests() -> (bytes: [UInt8], names: [String]) {
            var bytes: [UInt8] = []
            var names: [String] = []
            for index in 0..<size {
                if index % 3 == 0 {
                    bytes += Frames.command(["SET", "key:\(index)", "value:\(index)"])
                    names.append("SET")
                } else {
                    bytes += Frames.command(["GET", "key:\(index - index % 3 + (index % 3 == 1 ? 0 : 1))"])
                    names.append("GET")
                }
            }
            return (bytes, names)
        }

        @Test(arguments: PoolMode.allCases) func tenThousandCommandsInOneWrite(mode: PoolMode) async throws {
            try await withRedisAndProxy(mode: mode) { redis, proxy in
                let (requests, names) = Self.requests()
                let direct = try await RawConnection.connect(port: redis.port)
                let expected = try await direct.request(requests, frames: Self.size, timeout: .seconds(30))
                direct.close()
                _ = try await redis.call(Frames.command(["FLUSHALL"]))

                let client = try await proxy.connect()
                defer { client.close() }
                let actual = try await client.request(requests, frames: Self.size, timeout: .seconds(30))
                #expect(actual.count == expected.count)
                #expect(actual == expected)
                #expect(expected.starts(with: Array("+OK\r\n$7\r\nvalue:0\r\n$-1\r\n+OK\r\n".utf8)))

                let events = proxy.sink.events
                #expect(events.count == Self.size)
                #expect(events.allSatisfy { $0.outcome == .replied })
                #expect(events.map(\.name.text) == names)
                #expect(events.allSatisfy { $0.endNanos >= $0.startNanos })
                #expect(zip(events, events.dropFirst()).allSatisfy { $0.endNanos <= $1.endNanos })
                #expect(events.reduce(0) { $0 + $1.replyBytes } == actual.count)
                #expect(events.reduce(0) { $0 + $1.requestBytes } == requests.count)
            }
        }

        /// A client that sends EOF right after its pipeline still gets every reply, then EOF.
        @Test(arguments: PoolMode.allCases) func halfClosedClientGetsEveryOwedReply(mode: PoolMode) async throws {
            try await withRedisAndProxy(mode: mode) { redis, proxy in
                var requests: [UInt8] = []
                for _ in 0..<1_000 { requests += Frames.command(["INCR", "n"]) }
                requests += Frames.command(["EVAL", "redis.call('INCR', 'n'); return redis.call('GET', 'n')", "0"])
                var expected = (1...1_000).flatMap { Array(":\($0)\r\n".utf8) }
                expected += Array("$4\r\n1001\r\n".utf8)

                for port in [redis.port, proxy.port] {
                    _ = try await redis.call(Frames.command(["DEL", "n"]))
                    let client = try await RawConnection.connect(port: port)
                    defer { client.close() }
                    try await client.send(requests)
                    client.shutdownOutput()
                    let received = try await client.readToEnd(timeout: .seconds(10))
                    #expect(received == expected, port == proxy.port ? "through the proxy" : "direct")
                }
                let events = try await proxy.sink.waitForEvents(1_001)
                #expect(events.allSatisfy { $0.outcome == .replied })
                #expect(events.count == 1_001)
            }
        }
    }
}
