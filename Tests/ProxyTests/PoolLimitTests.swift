import Proxy
import TestSupport
import Testing

extension Integration {
    @Suite struct PoolLimit {
        static var single: PoolConfiguration {
            var configuration = PoolConfiguration()
            configuration.minIdle = 0
            configuration.maxTotal = 1
            configuration.waitTimeoutSeconds = 0.3
            return configuration
        }

        /// With one upstream connection, a second client waits for the first to leave, and a
        /// third one that waits too long gets what Redis sends at `maxclients`, then a close.
        @Test func clientsWaitForAFreeConnectionThenTimeOut() async throws {
            try await RedisServer.with { redis in
                try await ProxyHarness.with(upstreamPort: redis.port, pool: Self.single) { proxy in
                    let clientA = try await proxy.connect()
                    #expect(Wire(try await clientA.request(Frames.command(["PING"]))) == Wire("+PONG\r\n"))

                    let clientB = try await proxy.connect()
                    defer { clientB.close() }
                    try await clientB.send(Frames.command(["ECHO", "b"]))
                    try await waitUntil("client B to wait for the pool") { proxy.pool.snapshot.waiting == 1 }
                    clientA.close()
                    #expect(Wire(try await clientB.read(timeout: .seconds(5))) == Wire("$1\r\nb\r\n"))

                    let clientC = try await proxy.connect()
                    defer { clientC.close() }
                    let refusal = Wire(try await clientC.readToEnd(timeout: .seconds(5)))
                    #expect(refusal == Wire("-ERR max number of clients reached\r\n"))
                    #expect(Wire(try await clientB.request(Frames.command(["PING"]))) == Wire("+PONG\r\n"))
                    #expect(proxy.pool.snapshot.total == 1)
                }
            }
        }

        /// A client that hangs up while queued, having sent nothing, leaves the queue at once
        /// rather than when a connection frees up (or the wait times out); one that sent a
        /// command before its EOF stays queued and gets the reply.
        @Test func clientThatHangsUpWhileQueuedLeavesTheQueue() async throws {
            var patientPool = Self.single
            patientPool.waitTimeoutSeconds = 60
            try await RedisServer.with { redis in
                try await ProxyHarness.with(upstreamPort: redis.port, pool: patientPool) { proxy in
                    let holder = try await proxy.connect()
                    defer { holder.close() }
                    #expect(Wire(try await holder.request(Frames.command(["PING"]))) == Wire("+PONG\r\n"))

                    let quitter = try await proxy.connect()
                    try await waitUntil("the quitter to queue") { proxy.pool.snapshot.waiting == 1 }
                    quitter.close()
                    try await waitUntil("the quitter to leave the queue") { proxy.pool.snapshot.waiting == 0 }

                    let patient = try await proxy.connect()
                    defer { patient.close() }
                    try await patient.send(Frames.command(["ECHO", "late"]))
                    patient.shutdownOutput()
                    try await waitUntil("the patient client to queue") { proxy.pool.snapshot.waiting == 1 }
                    holder.close()
                    #expect(Wire(try await patient.readToEnd(timeout: .seconds(5))) == Wire("$4\r\nlate\r\n"))
                    // One upstream connection served both clients.
                    #expect(proxy.pool.snapshot.created == 1)
                }
            }
        }

        /// A connection Redis closes under its client (after `QUIT`, a protocol error, a
        /// restart) gives its slot back: with `--pool-max 1`, client after client is served.
        @Test func connectionsRedisClosesFreeTheirSlot() async throws {
            try await RedisServer.with { redis in
                try await ProxyHarness.with(upstreamPort: redis.port, pool: Self.single) { proxy in
                    for round in 0..<5 {
                        let client = try await proxy.connect()
                        defer { client.close() }
                        let ending = round % 2 == 0 ? Frames.command(["QUIT"]) : Array("*1\r\n$-5\r\n".utf8)
                        try await client.send(Frames.command(["PING"]) + ending)
                        let received = Wire(try await client.readToEnd(timeout: .seconds(5)))
                        #expect(received.hasPrefix("+PONG\r\n"), "round \(round): \(received)")
                        #expect(!received.text.contains("max number of clients"), "round \(round)")
                    }
                    try await waitUntil("the pool to have no connection in use") { proxy.pool.snapshot.used == 0 }
                }
            }
        }
    }
}
