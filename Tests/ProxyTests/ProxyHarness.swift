import Cluster
import EpollIO
import Foundation
import Logging
import NIOCore
import NIOPosix
import Proxy
import RedisCommands
import ServiceLifecycle
import Telemetry
import TestSupport

/// An in-process proxy (pool and server in a service group) in front of a Redis port:
/// recording every command event in ``sink``, or, given a telemetry configuration,
/// counting them in a real ``TelemetryRuntime`` (one metrics shard per event loop).
final class ProxyHarness: Sendable {
    let sink: RecordingSink
    /// The telemetry, when the harness was started with a configuration for it.
    let runtime: TelemetryRuntime?
    let pool: UpstreamPool
    let group: EpollLoopGroup
    let port: Int
    /// The TLS port (`--tls-listen`), when the harness has client-side TLS.
    let tlsPort: Int?
    private let services: ServiceGroup
    private let runTask: Task<Void, any Error>
    private let finished: Locked<Bool>

    private init(
        sink: RecordingSink, runtime: TelemetryRuntime?, pool: UpstreamPool, group: EpollLoopGroup,
        port: Int, tlsPort: Int?, services: ServiceGroup, runTask: Task<Void, any Error>, finished: Locked<Bool>
    ) {
        self.tlsPort = tlsPort
        self.sink = sink
        self.runtime = runtime
        self.pool = pool
        self.group = group
        self.port = port
        self.services = services
        self.runTask = runTask
        self.finished = finished
    }

    /// Starts the proxy; `tls` adds a TLS port (its client side) and TLS to Redis (its
    /// upstream side); `clusterAddresses` makes it a cluster node's listener that rewrites
    /// topology replies and redirections; `node` (with `telemetry`) records its commands as
    /// that cluster node's (``TelemetryRuntime/nodeTelemetry(node:)``). `followsFailovers`:
    /// a pool that ``UpstreamPool/retarget(to:)`` moves, pointed at `upstreamPort` first.
    static func start(
        upstreamPort: Int, pool poolConfiguration: PoolConfiguration = PoolConfiguration(), threads: Int = 2,
        drainTimeoutSeconds: Double = 5, telemetry: TelemetryConfiguration? = nil, tls: HarnessTLS? = nil,
        clusterAddresses: ClusterAddressMap? = nil, node: String? = nil, followsFailovers: Bool = false
    ) async throws -> ProxyHarness {
        var configuration = ProxyConfiguration()
        configuration.listen = HostPort(host: "127.0.0.1", port: 0)
        if tls?.client != nil { configuration.tlsListen = HostPort(host: "127.0.0.1", port: 0) }
        if let seconds = tls?.handshakeTimeoutSeconds { configuration.tlsHandshakeTimeoutSeconds = seconds }
        configuration.upstream = UpstreamEndpoint(host: "127.0.0.1", port: upstreamPort, tls: tls?.upstream != nil)
        configuration.pool = poolConfiguration
        configuration.drainTimeoutSeconds = drainTimeoutSeconds
        let logger = testLogger()
        let group = try EpollLoopGroup(threads: threads)
        var runtime: TelemetryRuntime?
        if let telemetry {
            do {
                runtime = try await TelemetryRuntime(
                    hub: TelemetryHub(configuration: telemetry, logger: logger), group: group, logger: logger)
            } catch {
                try? await group.shutdownGracefully()
                throw error
            }
        }
        let pool = UpstreamPool(
            endpoint: configuration.upstream, configuration: poolConfiguration, group: group, logger: logger,
            tls: tls?.upstream, followsFailovers: followsFailovers)
        if followsFailovers { pool.retarget(to: ("127.0.0.1", upstreamPort)) }
        let sink = RecordingSink()
        let bound = Locked<Int?>(nil)
        let tlsBound = Locked<Int?>(nil)
        var recording: (@Sendable (EventLoop) -> any CommandEventSink)?
        if runtime == nil { recording = { _ in sink } }
        if let runtime, let node {
            let nodeTelemetry = try await runtime.nodeTelemetry(node: node)
            recording = { loop in nodeTelemetry.sink(for: loop) }
        }
        let server = ProxyServer(
            configuration: configuration, pool: pool, group: group, logger: logger, telemetry: runtime,
            makeSink: recording, clientTLS: tls?.client, onBound: { address in bound.value = address.port },
            onTLSBound: { address in tlsBound.value = address.port }, clusterAddresses: clusterAddresses)
        let services = ServiceGroup(services: [pool, server], logger: logger)
        let finished = Locked(false)
        let runTask = Task {
            defer { finished.value = true }
            try await services.run()
        }
        do {
            try await waitUntil("the proxy to listen") {
                if finished.value { try await runTask.value }
                return bound.value != nil && (tls?.client == nil || tlsBound.value != nil)
            }
        } catch {
            runTask.cancel()
            try? await group.shutdownGracefully()
            throw error
        }
        return ProxyHarness(
            sink: sink, runtime: runtime, pool: pool, group: group, port: bound.value!, tlsPort: tlsBound.value,
            services: services, runTask: runTask, finished: finished)
    }

    /// Runs `body` with a proxy that is shut down afterwards, whatever happens.
    static func with<T>(
        upstreamPort: Int, pool: PoolConfiguration = PoolConfiguration(), threads: Int = 2,
        telemetry: TelemetryConfiguration? = nil, tls: HarnessTLS? = nil, clusterAddresses: ClusterAddressMap? = nil,
        node: String? = nil, followsFailovers: Bool = false, _ body: (ProxyHarness) async throws -> T
    ) async throws -> T {
        let proxy = try await start(
            upstreamPort: upstreamPort, pool: pool, threads: threads, telemetry: telemetry, tls: tls,
            clusterAddresses: clusterAddresses, node: node, followsFailovers: followsFailovers)
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
    func connect(receiveBuffer: Int32? = nil) async throws -> RawConnection {
        try await RawConnection.connect(port: port, receiveBuffer: receiveBuffer)
    }

    /// The `/metrics` text (Prometheus 0.0.4 or OpenMetrics); needs telemetry.
    func scrape(openMetrics: Bool = false) async -> String {
        await runtime!.exposition(openMetrics: openMetrics, pool: pool).text
    }

    /// Whether the service group's `run()` has returned.
    var hasFinished: Bool { finished.value }

    /// Starts a graceful shutdown without waiting for it.
    func triggerGracefulShutdown() async {
        await services.triggerGracefulShutdown()
    }

    /// Shuts down gracefully and waits (bounded) for the services and the event loops.
    func shutdown(timeout: Duration = .seconds(15)) async throws {
        await services.triggerGracefulShutdown()
        do {
            try await waitUntil("the proxy services to stop", timeout: timeout) { self.hasFinished }
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

/// Silent unless `INTEGRATION_LOG` is set (then logs to stderr at that level).
func testLogger() -> Logger {
    guard let level = ProcessInfo.processInfo.environment["INTEGRATION_LOG"].flatMap(Logger.Level.init(rawValue:))
    else {
        return Logger(label: "integration", factory: { _ in SwiftLogNoOpLogHandler() })
    }
    var logger = Logger(label: "integration", factory: { StreamLogHandler.standardError(label: $0) })
    logger.logLevel = level
    return logger
}

/// The TLS sides of a harness: `client` for its TLS port, `upstream` for TLS to Redis.
struct HarnessTLS: Sendable {
    var client: TLSSide?
    var upstream: TLSSide?
    /// Overrides how long a TLS client has to finish its handshake.
    var handshakeTimeoutSeconds: Double?
}
