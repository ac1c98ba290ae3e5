import AdminHTTP
import ArgumentParser
import ControlPlane
import EpollIO
import Logging
import NIOCore
import NIOPosix
import Proxy
import ServerStats
import ServiceLifecycle
import SpanExport
import TLS
import Telemetry

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Entry point: parse, validate (bad input: one line on stderr, exit 2), run until
/// SIGTERM/SIGINT (exit 0), or report a runtime failure such as a busy port (exit 1).
@main
enum Main {
    static func main() async {
        if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "top" { top() }
        let settings: Settings
        do {
            let command = try RedisLensCommand.parse(Array(CommandLine.arguments.dropFirst()))
            if command.listCommands {
                FileOutput.write(CommandList.markdown(), to: STDOUT_FILENO)
                exit(0)
            }
            settings = try command.settings(environment: ProcessInfo.environment)
        } catch let error as ConfigurationError {
            fail(error.message, code: 2)
        } catch {
            if RedisLensCommand.exitCode(for: error) == .success { RedisLensCommand.exit(withError: error) }
            let message =
                RedisLensCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            fail(message, code: 2)
        }
        LogSetup.bootstrap(format: settings.logFormat, level: settings.logLevel)
        do {
            try await run(settings)
        } catch {
            fail("\(error)", code: 1)
        }
    }

    /// `redis-lens top [--admin HOST:PORT]`: parsed on its own, so the proxy's flags stay at
    /// the root; bad input as for the proxy (one line, exit 2).
    static func top() -> Never {
        let address: HostPort
        do {
            let command = try TopCommand.parse(Array(CommandLine.arguments.dropFirst(2)))
            address = try command.endpoint(environment: ProcessInfo.environment)
        } catch let error as ConfigurationError {
            fail(error.message, code: 2)
        } catch {
            if TopCommand.exitCode(for: error) == .success { TopCommand.exit(withError: error) }
            fail(TopCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)", code: 2)
        }
        TopRunner.run(address: address)
        exit(0)
    }

    static func run(_ settings: Settings) async throws {
        let logger = Logger(label: "redis-lens")
        if settings.proxy.pool.clientLoginFromUpstream {
            let hosts = [settings.proxy.listen, settings.proxy.tlsListen].compactMap { $0?.host }
            let loopback = hosts.allSatisfy { $0.hasPrefix("127.") || $0 == "::1" || $0 == "localhost" }
            logger.warning(
                loopback
                    ? "--client-login-from-upstream: every client is logged in with the upstream URL's credentials"
                    : "--client-login-from-upstream on a listener that is not loopback: anyone who reaches it is logged in to Redis with the upstream URL's credentials",
                metadata: ["listen": "\(hosts.joined(separator: ", "))"])
        }
        // The data path (clients, upstream connections, metrics shards) runs on `loops`;
        // the admin endpoint, span export and Loki pushes on `group`; the proxy's own
        // traffic to Redis (COMMAND load, INFO poll; only with telemetry) on `controlPlane`.
        let loops = try EpollLoopGroup(threads: settings.threads)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let controlPlane = try settings.telemetry.map { _ in try ControlPlaneThread() }
        // A cluster's topology is read on a thread of its own: a slow INFO poll never delays it.
        let topologyThread = try settings.proxy.cluster.map { _ in try ControlPlaneThread(name: "redis-lens-top") }
        let clusterStatistics = settings.proxy.cluster.map { _ in ClusterStatistics() }
        let tls = TLSSetup(settings, logger: Logger(label: "redis-lens.tls"))
        // SIGHUP reloads TLS certificates (TLSReloadService); until that runs, and without TLS,
        // it is ignored, as redis-server ignores it.
        signal(SIGHUP, SIG_IGN)
        // OpenSSL writes with write(2), not send(MSG_NOSIGNAL): a peer that reset the
        // connection must fail the write, not end the process (redis-server ignores it too).
        signal(SIGPIPE, SIG_IGN)
        var telemetry: TelemetryRuntime?
        var spans: SpanPipeline?
        let activityLog = ActivityLogSetup.make(settings.activityLog, group: group)
        if let configuration = settings.telemetry {
            let logger = Logger(label: "redis-lens.telemetry")
            spans = settings.spans.map { Self.spanPipeline($0, group: group) }
            let metrics = spans?.metrics
            telemetry = try await TelemetryRuntime(
                hub: TelemetryHub(
                    configuration: configuration, logger: logger,
                    observers: (spans.map { [$0.observerFactory] } ?? []) + activityLog.observers),
                group: loops, logger: logger, tls: tls.statistics,
                extraMetrics: { writer in
                    metrics?.render(into: &writer)
                    clusterStatistics?.render(into: &writer)
                })
        }
        let endpoint = settings.proxy.upstream
        let catalog = telemetry.flatMap { telemetry in
            controlPlane.map {
                CommandCatalogService(
                    telemetry: telemetry, endpoint: endpoint, controlPlane: $0, tls: tls.upstream?.context)
            }
        }
        let pool = UpstreamPool(
            endpoint: endpoint, configuration: settings.proxy.pool, group: loops,
            logger: Logger(label: "redis-lens.pool"), tls: tls.upstream,
            followsFailovers: settings.proxy.sentinel != nil,
            onUpstreamUp: { catalog?.upstreamCameUp(at: $0) })
        let sentinel = try settings.proxy.sentinel.map {
            try SentinelFollower(
                endpoint: $0, pool: pool, timeout: .seconds(settings.proxy.pool.connectTimeoutSeconds),
                logger: Logger(label: "redis-lens.sentinel"))
        }
        let poller = controlPlane.flatMap {
            infoPoller(settings, controlPlane: $0, tls: tls.upstream?.context, pool: sentinel.map { _ in pool })
        }
        let frontend = topologyThread.flatMap { topologyThread in
            clusterStatistics.map { clusterStatistics in
                ClusterFrontend(
                    proxy: settings.proxy, seedPool: pool, group: loops, logger: Logger(label: "redis-lens.proxy"),
                    telemetry: telemetry, controlPlane: topologyThread,
                    infoPolling: controlPlane.flatMap { thread in
                        settings.infoIntervalSeconds > 0
                            ? ClusterInfoPolling(
                                controlPlane: thread, intervalSeconds: settings.infoIntervalSeconds,
                                tls: tls.upstream?.context)
                            : nil
                    }, tls: tls.upstream, statistics: clusterStatistics)
            }
        }
        let proxy: any Service =
            frontend
            ?? ProxyServer(
                configuration: settings.proxy, pool: pool, group: loops, logger: Logger(label: "redis-lens.proxy"),
                telemetry: telemetry, clientTLS: tls.client)
        let admin = AdminServer(
            host: settings.proxy.adminListen.host, port: settings.proxy.adminListen.port, group: group,
            logger: Logger(label: "redis-lens.admin"),
            routes: (frontend.map { [AdminServer.clusterReadiness($0)] } ?? [])
                + AdminServer.healthRoutes(pool: pool, serverStats: poller?.state)
                + (telemetry?.routes(pool: pool, serverStats: poller?.state, sentinel: sentinel) ?? []))
        // Start order (spans, Loki pusher, catalog,) pool, (sentinel, poller,) admin, proxy; shutdown
        // runs in reverse: drain clients first, export the last spans and lines last.
        let optional: [(any Service)?] = [spans?.service] + activityLog.services + [catalog, tls.reloadService]
        let services = ServiceGroup(
            configuration: .init(
                services: optional.compactMap { $0 } + [pool]
                    + ([sentinel, poller] as [(any Service)?]).compactMap { $0 }
                    + [admin, proxy],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await services.run()
        } catch {
            await topologyThread?.shutdown()
            await controlPlane?.shutdown()
            try? await loops.shutdownGracefully()
            try? await group.shutdownGracefully()
            throw error
        }
        await topologyThread?.shutdown()
        await controlPlane?.shutdown()
        try await loops.shutdownGracefully()
        try await group.shutdownGracefully()
        logger.info("stopped")
    }

    /// The INFO poller, logging in as the proxy's upstream connections do; nil when off
    /// (`--info-interval 0`, or `--no-telemetry`: nothing is recorded then). With `pool`
    /// (a Sentinel-managed primary), it polls wherever the pool's connections go.
    static func infoPoller(
        _ settings: Settings, controlPlane: ControlPlaneThread, tls: ReloadableTLSContext?, pool: UpstreamPool? = nil
    ) -> InfoPoller? {
        // A cluster's nodes are polled one by one (ClusterFrontend), with a `node` label.
        guard settings.infoIntervalSeconds > 0, settings.telemetry != nil, settings.proxy.cluster == nil else {
            return nil
        }
        let upstream = settings.proxy.upstream
        var configuration = InfoPollerConfiguration(
            host: upstream.host, port: upstream.port, username: upstream.username, password: upstream.password,
            database: upstream.database)
        configuration.intervalSeconds = settings.infoIntervalSeconds
        configuration.timeoutSeconds = settings.proxy.pool.connectTimeoutSeconds
        configuration.tls = tls
        if let pool {
            configuration.target = { pool.target.map { ($0.host, $0.port) } }
        }
        return InfoPoller(
            configuration: configuration, controlPlane: controlPlane, logger: Logger(label: "redis-lens.info"))
    }

    static func spanPipeline(_ settings: SpanSettings, group: any EventLoopGroup) -> SpanPipeline {
        var spans = settings.spans
        spans.clock = ClockAnchor.now()
        return SpanPipeline(
            spans: spans, export: settings.export, group: group, logger: Logger(label: "redis-lens.spans"))
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileOutput.write("redis-lens: error: \(message)\n", to: STDERR_FILENO)
        exit(code)
    }
}

/// Writes whole strings to a file descriptor (no shared C `FILE*` state).
enum FileOutput {
    static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

enum ProcessInfo {
    static var environment: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
