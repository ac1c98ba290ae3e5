import Proxy
import TestSupport
import Testing

extension Integration {
    @Suite struct Transparency {
        static let binaryKey: [UInt8] = [0x62, 0x0D, 0x0A, 0x00, 0x6B, 0x0D, 0x0A]
        static let binaryValue: [UInt8] = [0x00, 0x0D, 0x0A, 0xFF, 0x24, 0x2A, 0x0D]

        static let resp2Script: [[UInt8]] = [
            Frames.command(["PING"]),
            Array("PING\r\n".utf8),
            Array("ECHO \"inline with spaces\"\r\n".utf8),
            Frames.command(["SET", "k1", "v1"]),
            Frames.command(["GET", "k1"]),
            Frames.command(["GET", "missing"]),
            Frames.command(["MGET", "k1", "missing", "k2", "also-missing"]),
            Frames.command(["HSET", "h", "f1", "v1", "f2", "v2"]),
            Frames.command(["HGETALL", "h"]),
            Frames.command(["LPUSH", "l", "a", "b", "c"]),
            Frames.command(["LRANGE", "l", "0", "-1"]),
            Frames.command(["INCR", "n"]),
            Frames.command(["INCRBY", "n", "41"]),
            Frames.command(["GET", "l"]),
            Frames.command(["GET"]),
            Frames.command(["NOSUCHCOMMAND", "x"]),
            Frames.command(["SET", "k1", "v", "EX", "notanumber"]),
            Frames.command(["EVAL", "return {1, 'two', {3, {'four', false}}, redis.status_reply('FINE')}", "0"]),
            Frames.command(["EVAL", "return {1, redis.error_reply('INNER nested error')}", "0"]),
            Frames.command(["EVAL", "return redis.error_reply('MYERR custom prefix')", "0"]),
            Frames.command(["COMMAND", "DOCS", "GET"]),
            Frames.command(["COMMAND", "INFO", "GET", "SET", "NOSUCH"]),
            Frames.command(["SADD", "s", "3", "1", "2"]),
            Frames.command(["SMEMBERS", "s"]),
            Frames.command(["ZADD", "z", "1.5", "a", "2", "b"]),
            Frames.command(["ZRANGE", "z", "0", "-1", "WITHSCORES"]),
            Frames.command(["ZSCORE", "z", "a"]),
            Frames.command([Array("SET".utf8), binaryKey, binaryValue]),
            Frames.command([Array("GET".utf8), binaryKey]),
            Frames.command([Array("MGET".utf8), binaryKey, Array("missing".utf8), binaryKey]),
            Frames.command([Array("APPEND".utf8), binaryKey, [0x00, 0x0A]]),
            Frames.command([Array("STRLEN".utf8), binaryKey]),
            Frames.command([Array("EXISTS".utf8), binaryKey, binaryKey + [0x00]]),
            Frames.command(["ECHO", ""]),
        ]

        static let resp3Script: [[UInt8]] = [
            Frames.command(["HELLO", "3"]),
            Frames.command(["HGETALL", "h"]),
            Frames.command(["SMEMBERS", "s"]),
            Frames.command(["ZSCORE", "z", "a"]),
            Frames.command(["ZRANGE", "z", "0", "-1", "WITHSCORES"]),
            Frames.command(["GET", "missing"]),
            Frames.command(["MGET", "k1", "missing"]),
            Frames.command(["CONFIG", "GET", "maxmemory"]),
            Frames.command(["COMMAND", "DOCS", "GET"]),
            Frames.command(["EVAL", "redis.setresp(3); return {map={answer=42}}", "0"]),
            Frames.command(["EVAL", "redis.setresp(3); return {double=3.25}", "0"]),
            Frames.command(["GET", "l"]),
            Frames.command([Array("GET".utf8), binaryKey]),
            Frames.command(["HELLO", "2"]),
            Frames.command(["HGETALL", "h"]),
        ]

        @Test(arguments: PoolMode.allCases) func scriptedRepliesAreByteIdentical(mode: PoolMode) async throws {
            try await withRedisAndProxy(mode: mode) { redis, proxy in
                let script = Self.resp2Script + Self.resp3Script
                let direct = try await transcript(port: redis.port, script).map(maskingHelloID)
                _ = try await redis.call(Frames.command(["FLUSHALL"]))
                let proxied = try await transcript(port: proxy.port, script).map(maskingHelloID)
                #expect(direct.count == script.count)
                #expect(proxied.count == script.count)
                for (index, (expected, actual)) in zip(direct, proxied).enumerated() {
                    #expect(actual == expected, "request \(index): \(Wire(script[index]))")
                }
                // The RESP3 map and set replies really were RESP3.
                #expect(direct[Self.resp2Script.count + 1].hasPrefix("%2\r\n"))
                #expect(direct[Self.resp2Script.count + 2].hasPrefix("~3\r\n"))
                #expect(proxy.sink.count == script.count)
            }
        }

        @Test(arguments: PoolMode.allCases) func pipelinedAndFragmentedScriptsAreByteIdentical(mode: PoolMode)
            async throws
        {
            try await withRedisAndProxy(mode: mode) { redis, proxy in
                let script = Self.resp2Script + Self.resp3Script
                let requests = script.flatMap { $0 }
                let direct = try await transcript(port: redis.port, script).map(maskingHelloID)

                _ = try await redis.call(Frames.command(["FLUSHALL"]))
                let pipelined = try await proxy.connect()
                defer { pipelined.close() }
                let allAtOnce = try frames(in: try await pipelined.request(requests, frames: script.count))
                #expect(allAtOnce.map(maskingHelloID) == direct)

                _ = try await redis.call(Frames.command(["FLUSHALL"]))
                let fragmented = try await proxy.connect()
                defer { fragmented.close() }
                try await fragmented.sendFragmented(requests, pieceSizes: [1, 2, 3, 5, 7, 11, 1, 1])
                let pieceByPiece = try frames(in: try await fragmented.read(frames: script.count))
                #expect(pieceByPiece.map(maskingHelloID) == direct)

                let events = proxy.sink.events
                #expect(events.count == 2 * script.count)
                let names = events.prefix(script.count).map(\.name)
                #expect(events.suffix(script.count).map(\.name) == names)
                #expect(events.allSatisfy { $0.outcome == .replied })
            }
        }
    }
}

/// HELLO's map holds the connection id, which differs between two connections.
func maskingHelloID(_ reply: Wire) -> Wire {
    let marker = Array("$2\r\nid\r\n:".utf8)
    let bytes = reply.bytes
    guard bytes.count > marker.count, let start = bytes.indices.first(where: { bytes[$0...].starts(with: marker) })
    else { return reply }
    let digits = start + marker.count
    guard let end = bytes[digits...].firstIndex(of: 0x0D) else { return reply }
    return Wire(Array(bytes[..<digits]) + Array("<id>".utf8) + Array(bytes[end...]))
}
