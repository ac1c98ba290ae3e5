import Logging
import NIOCore
import NIOPosix
import Proxy
import ServiceLifecycle
import Telemetry

/// An in-process proxy with real telemetry (a ``TelemetryRuntime``: one metrics shard per
/// event loop) in front of a Redis port, listening on a free port.
final class TelemetryProxy: Sendable {
    let runtime: TelemetryRuntime
    let pool: UpstreamPool
    let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let services: ServiceGroup
    private let runTask: Task<Void, any Error>
    private let finished: Locked<Bool>

    private init(
        runtime: TelemetryRuntime, pool: UpstreamPool, port: Int, group: MultiThreadedEventLoopGroup,
        services: ServiceGroup, runTask: Task<Void, any Error>, finished: Locked<Bool>
    ) {
        self.runtime = runtime
        self.pool = pool
        self.port = port
        self.group = group
        self.services = services
        self.runTask = runTask
        self.finished = finished
    }

    /// Runs `body` with a proxy that is shut down afterwards, whatever happens.
    static func with<T>(
        upstreamPort: Int, threads: Int = 2, telemetry: TelemetryConfiguration = TelemetryConfiguration(),
        _ body: (TelemetryProxy) async throws -> T
    ) async throws -> T {
        let proxy = try await start(upstreamPort: upstreamPort, threads: threads, telemetry: telemetry)
        let result: T
        do {
            result = try await body(proxy)
        } catch {
            try? await proxy.shutdown()
            throw error
        }
        try await proxy.shutdown()
        return result
    }

    /// A new client connection to the proxy.
    func connect() async throws -> RawConnection {
        try await RawConnection.connect(port: port)
    }

    /// The `/metrics` text (Prometheus 0.0.4 or OpenMetrics).
    func scrape(openMetrics: Bool = false) async -> String {
        await runtime.exposition(openMetrics: openMetrics, pool: pool).text
    }

    private static func start(
        upstreamPort: Int, threads: Int, telemetry: TelemetryConfiguration
    ) async throws -> TelemetryProxy {
        var configuration = ProxyConfiguration()
        configuration.listen = HostPort(host: "127.0.0.1", port: 0)
        configuration.upstream = UpstreamEndpoint(host: "127.0.0.1", port: upstreamPort)
        configuration.drainTimeoutSeconds = 5
        let logger = testLogger()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let runtime: TelemetryRuntime
        do {
            runtime = try await TelemetryRuntime(
                hub: TelemetryHub(configuration: telemetry, logger: logger), group: group, logger: logger)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        let pool = UpstreamPool(
            endpoint: configuration.upstream, configuration: configuration.pool, group: group, logger: logger)
        let bound = Locked<Int?>(nil)
        let server = ProxyServer(
            configuration: configuration, pool: pool, group: group, logger: logger, telemetry: runtime,
            onBound: { address in bound.value = address.port })
        let services = ServiceGroup(services: [pool, server], logger: logger)
        let finished = Locked(false)
        let runTask = Task {
            defer { finished.value = true }
            try await services.run()
        }
        do {
            try await waitUntil("the proxy to listen") {
                if finished.value { try await runTask.value }
                return bound.value != nil
            }
        } catch {
            runTask.cancel()
            try? await group.shutdownGracefully()
            throw error
        }
        return TelemetryProxy(
            runtime: runtime, pool: pool, port: bound.value!, group: group, services: services, runTask: runTask,
            finished: finished)
    }

    private func shutdown() async throws {
        await services.triggerGracefulShutdown()
        do {
            try await waitUntil("the proxy services to stop", timeout: .seconds(15)) { self.finished.value }
        } catch {
            runTask.cancel()
            try? await group.shutdownGracefully()
            throw error
        }
        let outcome = await runTask.result
        try await group.shutdownGracefully()
        try outcome.get()
    }
}
