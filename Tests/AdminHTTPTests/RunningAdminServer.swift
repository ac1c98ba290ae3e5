import AdminHTTP
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The test environment did not behave as the harness needs.
struct HarnessError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}

/// A logger that drops everything.
let silentLogger = Logger(label: "admin-http-tests", factory: { _ in SwiftLogNoOpLogHandler() })

/// An ``AdminServer`` on `127.0.0.1` run as a service in its own ``ServiceGroup``; the
/// port is the one `onBound` reports.
final class RunningAdminServer: Sendable {
    let address: SocketAddress
    let port: Int
    private let services: ServiceGroup
    private let runTask: Task<Void, any Error>

    private init(address: SocketAddress, port: Int, services: ServiceGroup, runTask: Task<Void, any Error>) {
        self.address = address
        self.port = port
        self.services = services
        self.runTask = runTask
    }

    /// Starts the server on `port` (0: any free one) and returns once it is bound.
    static func start(port: Int = 0, routes: [AdminServer.Route]) async throws -> RunningAdminServer {
        let (bound, boundContinuation) = AsyncStream.makeStream(of: SocketAddress.self)
        let server = AdminServer(
            host: "127.0.0.1", port: port, group: MultiThreadedEventLoopGroup.singleton, logger: silentLogger,
            routes: routes,
            onBound: { address in
                boundContinuation.yield(address)
                boundContinuation.finish()
            })
        let services = ServiceGroup(services: [server], logger: silentLogger)
        let runTask = Task {
            defer { boundContinuation.finish() }
            try await services.run()
        }
        guard let address = await bound.first(where: { _ in true }) else {
            try await runTask.value
            throw HarnessError("the admin server's run() returned without binding")
        }
        guard let port = address.port else {
            await services.triggerGracefulShutdown()
            _ = await runTask.result
            throw HarnessError("the admin server bound \(address), which has no port")
        }
        return RunningAdminServer(address: address, port: port, services: services, runTask: runTask)
    }

    /// Runs `body` with a server that is shut down afterwards, whatever happens.
    static func with<T>(routes: [AdminServer.Route], _ body: (RunningAdminServer) async throws -> T) async throws -> T {
        let server = try await start(routes: routes)
        let result: T
        do {
            result = try await body(server)
        } catch {
            try? await server.shutdown()
            throw error
        }
        try await server.shutdown()
        return result
    }

    /// Triggers graceful shutdown and waits for `run()` to return.
    func shutdown() async throws {
        await services.triggerGracefulShutdown()
        try await runTask.value
    }
}
