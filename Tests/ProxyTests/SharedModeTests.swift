import Proxy
import Relay
import Telemetry
import TestSupport
import Testing

extension Integration {
    /// `--pool-mode shared` against a real Redis: many clients on one shared connection,
    /// pinning and its connection counts, the loss of a shared connection, its metrics.
    @Suite struct SharedMode {
        static func shared(connections: Int = 1, minIdle: Int = 0) -> PoolConfiguration {
            var pool = PoolConfiguration.mode(.shared)
            pool.sharedConnections = connections
            pool.minIdle = minIdle
            return pool
        }

        /// Redis's `connected_clients`, less the connection that asks.
        static func upstreamClients(_ redis: RedisServer) async throws -> Int {
            let info = String(decoding: try await redis.call(Frames.command(["INFO", "clients"])), as: UTF8.self)
            let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("connected_clients:") }
            return Int(line?.split(separator: ":").last ?? "").map { $0 - 1 } ?? -1
        }

        @Test func manyClientsInterleaveOnOneConnectionAndGetTheirOwnReplies() async throws {
            try await RedisServer.with { redis in
                try await ProxyHarness.with(upstreamPort: redis.port, pool: Self.shared(), threads: 1) { proxy in
                    let clients = 40
                    let rounds = 25
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for index in 0..<clients {
                            group.addTask {
                                let client = try await proxy.connect()
                                defer { client.close() }
                                for round in 1...rounds {
                                    // A pipeline of plain commands, and every fifth round a
                                    // transaction (pinned, then back to shared).
                                    var requests = Frames.command(["INCR", "n\(index)"])
                                    requests += Frames.command(["GET", "n\(index)"])
                                    var expected = ":\(round)\r\n$\(String(round).utf8.count)\r\n\(round)\r\n"
                                    if round % 5 == 0 {
                                        requests += Frames.command(["MULTI"]) + Frames.command(["GET", "n\(index)"])
                                        requests += Frames.command(["EXEC"])
                                        expected +=
                                            "+OK\r\n+QUEUED\r\n*1\r\n$\(String(round).utf8.count)\r\n\(round)\r\n"
                                    }
                                    let frames = round % 5 == 0 ? 5 : 2
                                    let reply = try await client.request(requests, frames: frames)
                                    #expect(Wire(reply) == Wire(expected), "client \(index) round \(round)")
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                    try await waitUntil("every client unpinned") {
                        proxy.pool.shared.snapshot.pinned.allSatisfy { $0 == 0 }
                    }
                    let snapshot = proxy.pool.shared.snapshot
                    #expect(snapshot.connections == 1)
                    #expect(snapshot.pins[PinReason.transaction.index] == UInt64(clients * rounds / 5))
                    #expect(snapshot.batchSum >= UInt64(clients * rounds * 2))
                }
            }
        }

        @Test func redisSeesTheSharedConnectionsPlusThePinnedOnes() async throws {
            try await RedisServer.with { redis in
                try await ProxyHarness.with(upstreamPort: redis.port, pool: Self.shared(connections: 2), threads: 2) {
                    proxy in
                    var clients: [RawConnection] = []
                    defer { for client in clients { client.close() } }
                    for index in 0..<20 {
                        let client = try await proxy.connect()
                        clients.append(client)
                        #expect(
                            Wire(try await client.request(Frames.command(["SET", "k\(index)", "v"]))) == Wire("+OK\r\n")
                        )
                    }
                    #expect(try await Self.upstreamClients(redis) == 4)  // 2 threads × 2
                    // Two clients hold state that lives on a connection: each gets its own.
                    #expect(Wire(try await clients[0].request(Frames.command(["MULTI"]))) == Wire("+OK\r\n"))
                    #expect(
                        Wire(try await clients[1].request(Frames.command(["SUBSCRIBE", "c"])))
                            == Wire("*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n"))
                    #expect(try await Self.upstreamClients(redis) == 6)
                    #expect(proxy.pool.shared.snapshot.pinned[PinReason.transaction.index] == 1)
                    #expect(proxy.pool.shared.snapshot.pinned[PinReason.subscribe.index] == 1)
                    // Ended, they go back to shared; their connections return to the pool.
                    #expect(Wire(try await clients[0].request(Frames.command(["DISCARD"]))) == Wire("+OK\r\n"))
                    #expect(
                        Wire(try await clients[1].request(Frames.command(["UNSUBSCRIBE"])))
                            == Wire("*3\r\n$11\r\nunsubscribe\r\n$1\r\nc\r\n:0\r\n"))
                    // A returned connection is RESET before the pool counts it idle: wait for both.
                    try await waitUntil("both clients unpinned and their connections back in the pool") {
                        proxy.pool.shared.snapshot.pinned.allSatisfy { $0 == 0 } && proxy.pool.snapshot.used == 0
                    }
                    #expect(Wire(try await clients[1].request(Frames.command(["GET", "k1"]))) == Wire("$1\r\nv\r\n"))
                    #expect(proxy.pool.snapshot.used == 0)
                    #expect(try await Self.upstreamClients(redis) == 4 + proxy.pool.snapshot.idle)
                }
            }
        }

        @Test func losingASharedConnectionClosesExactlyItsClients() async throws {
            try await RedisServer.with { redis in
                try await ProxyHarness.with(upstreamPort: redis.port, pool: Self.shared(connections: 2), threads: 1) {
                    proxy in
                    // Round robin: a on the first shared connection, b on the second.
                    let a = try await proxy.connect()
                    defer { a.close() }
                    #expect(Wire(try await a.request(Frames.command(["PING"]))) == Wire("+PONG\r\n"))
                    let b = try await proxy.connect()
                    defer { b.close() }
                    #expect(Wire(try await b.request(Frames.command(["PING"]))) == Wire("+PONG\r\n"))
                    let pinned = try await proxy.connect()
                    defer { pinned.close() }
                    _ = try await pinned.request(Frames.command(["PING"]))  // assigned to the first
                    #expect(Wire(try await pinned.request(Frames.command(["MULTI"]))) == Wire("+OK\r\n"))
                    // Find a's shared connection by its last command (Redis's CLIENT LIST), then kill it.
                    _ = try await a.request(Frames.command(["LASTSAVE"]))
                    let list = String(
                        decoding: try await redis.call(Frames.command(["CLIENT", "LIST"])), as: UTF8.self)
                    let lines = list.split(whereSeparator: \.isNewline).filter { $0.contains(" cmd=lastsave ") }
                    #expect(lines.count == 1)
                    let id = lines.first?.split(separator: " ").first { $0.hasPrefix("id=") }?.dropFirst(3) ?? ""
                    _ = try await redis.call(Frames.command(["CLIENT", "KILL", "ID", String(id)]))
                    #expect(try await a.readToEnd().isEmpty)  // closed, nothing invented
                    #expect(Wire(try await b.request(Frames.command(["PING"]))) == Wire("+PONG\r\n"))
                    #expect(Wire(try await pinned.request(Frames.command(["INCR", "x"]))) == Wire("+QUEUED\r\n"))
                    #expect(Wire(try await pinned.request(Frames.command(["EXEC"]))) == Wire("*1\r\n:1\r\n"))
                    // Its transaction over, the pinned client goes back to a live shared connection.
                    try await waitUntil("the pinned client back on shared") {
                        proxy.pool.shared.snapshot.pinned.allSatisfy { $0 == 0 }
                    }
                    #expect(Wire(try await pinned.request(Frames.command(["GET", "x"]))) == Wire("$1\r\n1\r\n"))
                    // The next client gets a new shared connection in the lost one's place.
                    let c = try await proxy.connect()
                    defer { c.close() }
                    _ = try await c.request(Frames.command(["PING"]))
                    let d = try await proxy.connect()
                    defer { d.close() }
                    #expect(Wire(try await d.request(Frames.command(["GET", "x"]))) == Wire("$1\r\n1\r\n"))
                }
            }
        }

        @Test func malformedInputIsAnsweredOnADedicatedConnection() async throws {
            try await RedisServer.with { redis in
                try await ProxyHarness.with(upstreamPort: redis.port, pool: Self.shared(), threads: 1) { proxy in
                    let other = try await proxy.connect()
                    defer { other.close() }
                    _ = try await other.request(Frames.command(["PING"]))
                    let direct = try await RawConnection.connect(port: redis.port)
                    defer { direct.close() }
                    let bad = Frames.command(["PING"]) + Array("*1\r\n$x\r\n".utf8)
                    try await direct.send(bad)
                    let expected = try await direct.readToEnd()
                    let client = try await proxy.connect()
                    defer { client.close() }
                    try await client.send(bad)
                    #expect(Wire(try await client.readToEnd()) == Wire(expected))
                    // The shared connection was never sent the bad bytes: its other client goes on.
                    #expect(Wire(try await other.request(Frames.command(["PING"]))) == Wire("+PONG\r\n"))
                    #expect(proxy.pool.shared.snapshot.pins[PinReason.malformed.index] == 1)
                }
            }
        }

        @Test func sharedFamiliesAreExposed() async throws {
            try await RedisServer.with { redis in
                try await ProxyHarness.with(
                    upstreamPort: redis.port, pool: Self.shared(), threads: 1, telemetry: TelemetryConfiguration()
                ) { proxy in
                    let client = try await proxy.connect()
                    defer { client.close() }
                    let requests = Frames.command(["SET", "k", "v"]) + Frames.command(["GET", "k"])
                    _ = try await client.request(requests, frames: 2)
                    _ = try await client.request(Frames.command(["CLIENT", "ID"]))
                    let text = await proxy.scrape()
                    for line in [
                        "redislens_upstream_shared_connections 1", "redislens_client_pinned{reason=\"client\"} 1",
                        "redislens_client_pins_total{reason=\"client\"} 1",
                        "redislens_client_pins_total{reason=\"large_request\"} 0",
                        "redislens_upstream_batch_commands_bucket{le=\"2\"} 1",
                        "redislens_upstream_batch_commands_count 1", "redislens_upstream_batch_commands_sum 2",
                    ] {
                        #expect(text.contains(line + "\n"), "\(line)")
                    }
                    for reason in PinReason.allCases {
                        #expect(text.contains("redislens_client_pinned{reason=\"\(reason.rawValue)\"}"))
                    }
                }
            }
        }

        /// Commands whose state lives on the connection, through a shared-mode proxy and
        /// directly: the same replies (a connection id aside), pinned as the table says.
        @Test func connectionStateIsExactWhilePinned() async throws {
            try await RedisServer.with { redis in
                _ = try await redis.call(Frames.command(["ACL", "SETUSER", "alice", "on", ">pw", "~*", "+@all"]))
                try await ProxyHarness.with(upstreamPort: redis.port, pool: Self.shared(), threads: 1) { proxy in
                    let other = try await proxy.connect()
                    defer { other.close() }
                    _ = try await other.request(Frames.command(["PING"]))
                    let script: [[String]] = [
                        ["SET", "k", "v"], ["CLIENT", "ID"], ["CLIENT", "SETNAME", "me"], ["CLIENT", "GETNAME"],
                        ["CLIENT", "ID"], ["SELECT", "1"], ["GET", "k"], ["SET", "k", "db1"], ["SELECT", "0"],
                        ["GET", "k"], ["WAIT", "0", "0"], ["AUTH", "alice", "pw"], ["ACL", "WHOAMI"],
                        ["AUTH", "alice", "wrong"], ["ACL", "WHOAMI"], ["RESET"], ["ACL", "WHOAMI"],
                        ["CLIENT", "GETNAME"], ["SELECT", "0"], ["GET", "k"], ["UNWATCH"], ["EXEC"],
                        ["CLIENT", "REPLY", "ON"], ["UNSUBSCRIBE"],
                    ]
                    let requests = script.map { Frames.command($0) }
                    let idIndices = [1, 4]
                    func masked(_ replies: [Wire]) -> [Wire] {
                        replies.enumerated().map { idIndices.contains($0.offset) ? Wire(":<id>\r\n") : $0.element }
                    }
                    let proxied = try await transcript(port: proxy.port, requests)
                    _ = try await redis.call(Frames.command(["FLUSHALL"]))
                    let direct = try await transcript(port: redis.port, requests)
                    for (index, (expected, actual)) in zip(masked(direct), masked(proxied)).enumerated() {
                        #expect(actual == expected, "\(script[index])")
                    }
                    // Pinned from CLIENT ID on: one dedicated connection, one id.
                    #expect(proxied[1] == proxied[4])
                    // Meanwhile the other client's shared connection kept database 0 and no user.
                    #expect(Wire(try await other.request(Frames.command(["GET", "k"]))) == Wire("$1\r\nv\r\n"))
                    #expect(
                        Wire(try await other.request(Frames.command(["ACL", "WHOAMI"]))) == Wire("$7\r\ndefault\r\n"))
                    let pins = proxy.pool.shared.snapshot.pins
                    #expect(pins[PinReason.client.index] == 2)  // CLIENT ID, then CLIENT GETNAME after RESET
                    #expect(pins[PinReason.database.index] == 0)  // already pinned when SELECT came
                }
            }
        }

        /// No dedicated connection for a client that must pin: it is closed (its earlier
        /// replies first), and the shared connection's other clients go on.
        @Test func aPinThePoolRefusesClosesTheClient() async throws {
            var pool = Self.shared()
            pool.maxTotal = 1
            pool.waitTimeoutSeconds = 0.2
            try await RedisServer.with { redis in
                try await ProxyHarness.with(upstreamPort: redis.port, pool: pool, threads: 1) { proxy in
                    let holder = try await proxy.connect()
                    defer { holder.close() }
                    #expect(Wire(try await holder.request(Frames.command(["MULTI"]))) == Wire("+OK\r\n"))
                    let refused = try await proxy.connect()
                    defer { refused.close() }
                    try await refused.send(Frames.command(["PING"]) + Frames.command(["MULTI"]))
                    #expect(Wire(try await refused.readToEnd()) == Wire("+PONG\r\n"))
                    #expect(Wire(try await holder.request(Frames.command(["PING"]))) == Wire("+QUEUED\r\n"))
                    let other = try await proxy.connect()
                    defer { other.close() }
                    #expect(Wire(try await other.request(Frames.command(["PING"]))) == Wire("+PONG\r\n"))
                }
            }
        }
    }
}
