import Proxy
import TestSupport
import Testing

extension Integration {
    /// A pool that follows failovers (`redis+sentinel://`), moved by hand from one real
    /// Redis to another.
    @Suite struct PoolRetarget {
        /// A client of the old server is closed as when Redis goes away; new clients, and the
        /// idle connections, go to the new one; nothing of the proxy stays on the old one.
        /// In shared mode, the client's connection is its loop's shared one.
        @Test(arguments: PoolMode.allCases)
        func retargetingMovesEveryConnectionToTheNewServer(mode: PoolMode) async throws {
            try await RedisServer.with { first in
                try await RedisServer.with { second in
                    var pool = PoolConfiguration.mode(mode)
                    pool.minIdle = 2
                    try await ProxyHarness.with(upstreamPort: first.port, pool: pool, followsFailovers: true) {
                        proxy in
                        let client = try await proxy.connect()
                        defer { client.close() }
                        let set = try await client.request(Frames.command(["SET", "where", "first"]))
                        #expect(Wire(set) == Wire("+OK\r\n"))
                        // The client's, the idle ones (at least two; up to --pool-max-idle when a
                        // connect raced a lease), CLIENT LIST's.
                        try await waitUntil("the idle connections to the first server") {
                            let idle = proxy.pool.snapshot.idle
                            let clients = try await Self.clients(of: first)
                            return idle >= 2 && clients == 1 + idle + 1
                        }

                        proxy.pool.retarget(to: ("127.0.0.1", second.port))
                        let rest = try await client.readToEnd(timeout: .seconds(10))
                        #expect(rest.isEmpty, "the proxy sent \(Wire(rest)) instead of closing")
                        try await waitUntil("no proxy connection to the first server") {
                            try await Self.clients(of: first) == 1
                        }
                        try await waitUntil("the idle connections to the second server") {
                            let idle = proxy.pool.snapshot.idle
                            let clients = try await Self.clients(of: second)
                            return idle >= 2 && clients == idle + 1
                        }

                        let next = try await proxy.connect()
                        defer { next.close() }
                        let get = try await next.request(Frames.command(["GET", "where"]))
                        #expect(Wire(get) == Wire("$-1\r\n"), "the new client reached the first server")
                        #expect(proxy.pool.target?.port == second.port)
                    }
                }
            }
        }

        /// Client connections on the server, counting the one asking.
        static func clients(of server: RedisServer) async throws -> Int {
            let list = bulkText(try await server.call(Frames.command(["CLIENT", "LIST"])))
            return list.split(separator: "\n").count
        }
    }
}
