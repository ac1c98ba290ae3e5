import Proxy
import RESP
import RedisCommands
import TestSupport
import Testing

extension Integration {
    @Suite struct GracefulShutdown {
        @Test(arguments: PoolMode.allCases)
        func inFlightBlockingCommandIsAnsweredBeforeShutdownCompletes(mode: PoolMode) async throws {
            try await RedisServer.with { redis in
                let proxy = try await ProxyHarness.start(upstreamPort: redis.port, pool: .mode(mode))
                do {
                    let client = try await proxy.connect()
                    defer { client.close() }
                    try await client.send(Frames.command(["BLPOP", "empty", "1"]))
                    try await redis.waitForBlockedClients(1)

                    await proxy.triggerGracefulShutdown()
                    let reply = try await client.read(timeout: .seconds(10))
                    #expect(Wire(reply) == Wire("*-1\r\n"))
                    // Then the proxy closes the connection and run() returns, well before the drain timeout.
                    #expect(try await client.readToEnd(timeout: .seconds(3)).isEmpty)
                    try await waitUntil("the proxy's run() to return", timeout: .seconds(3)) { proxy.hasFinished }
                    #expect(proxy.sink.events.map(\.summary) == ["BLPOP replied"])
                    #expect(proxy.sink.events.first?.replyType == .array)

                    // Nobody is listening any more.
                    await #expect(throws: RawConnectionError.self) { _ = try await proxy.connect() }
                } catch {
                    try? await proxy.shutdown()
                    throw error
                }
                try await proxy.shutdown()
            }
        }
    }
}
