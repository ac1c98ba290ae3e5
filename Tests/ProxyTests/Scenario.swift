import Proxy
import TestSupport

/// One redis-server and a proxy in front of it, both torn down afterwards.
func withRedisAndProxy<T>(
    mode: PoolMode = .dedicated, redisArguments: [String] = [], threads: Int = 2,
    _ body: (RedisServer, ProxyHarness) async throws -> T
) async throws -> T {
    var pool = PoolConfiguration()
    pool.mode = mode
    return try await RedisServer.with(redisArguments) { redis in
        try await ProxyHarness.with(upstreamPort: redis.port, pool: pool, threads: threads) { proxy in
            try await body(redis, proxy)
        }
    }
}

/// Sends each request on one fresh connection, waiting for its reply before the next.
func transcript(port: Int, _ requests: [[UInt8]]) async throws -> [Wire] {
    let connection = try await RawConnection.connect(port: port)
    defer { connection.close() }
    var replies: [Wire] = []
    for request in requests {
        replies.append(Wire(try await connection.request(request)))
    }
    return replies
}

extension PoolConfiguration {
    /// The default settings in pool mode `mode` (for suites run in both modes).
    static func mode(_ mode: PoolMode) -> PoolConfiguration {
        var pool = PoolConfiguration()
        pool.mode = mode
        return pool
    }
}
