import ArgumentParser
import Logging
import NIOPosix
import Proxy
import ServiceLifecycle
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

    static func run(_ settings: Settings) async throws {
        let logger = Logger(label: "redis-lens")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: settings.threads)
        var telemetry: TelemetryRuntime?
        let activityLog = ActivityLogSetup.make(settings.activityLog, group: group)
        if let configuration = settings.telemetry {
            let logger = Logger(label: "redis-lens.telemetry")
            telemetry = try await TelemetryRuntime(
                hub: TelemetryHub(configuration: configuration, logger: logger, observers: activityLog.observers),
                group: group, logger: logger)
        }
        let endpoint = settings.proxy.upstream
        let catalog = telemetry.map { CommandCatalogService(telemetry: $0, endpoint: endpoint, group: group) }
        let pool = UpstreamPool(
            endpoint: endpoint, configuration: settings.proxy.pool, group: group,
            logger: Logger(label: "redis-lens.pool"),
            onUpstreamUp: { catalog?.upstreamCameUp() })
        let proxy = ProxyServer(
            configuration: settings.proxy, pool: pool, group: group, logger: Logger(label: "redis-lens.proxy"),
            telemetry: telemetry)
        let admin = AdminServer(
            address: settings.proxy.adminListen, group: group, logger: Logger(label: "redis-lens.admin"),
            routes: AdminServer.healthRoutes(pool: pool) + (telemetry?.routes(pool: pool) ?? []))
        // Start order (Loki pusher,) (catalog,) pool, admin, proxy; shutdown runs in reverse: drain clients first.
        let services = ServiceGroup(
            configuration: .init(
                services: activityLog.services + [catalog].compactMap { $0 } + [pool, admin, proxy],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await services.run()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
        logger.info("stopped")
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
