import ControlPlane
import RESP
import RedisCommands
import ServiceLifecycle
import TLS

/// Loads the upstream's `COMMAND` reply into the telemetry's command table each time the
/// pool reports the upstream reachable (at start-up, and after it was down). A service
/// of the group, so no load outlives the event loops. The load runs on the control-plane
/// thread, after any `INFO` poll in progress.
public final class CommandCatalogService: Service, Sendable {
    private let telemetry: TelemetryRuntime
    private let endpoint: UpstreamEndpoint
    private let controlPlane: ControlPlaneThread
    private let tls: ReloadableTLSContext?
    private let signals: AsyncStream<UpstreamEndpoint?>
    private let continuation: AsyncStream<UpstreamEndpoint?>.Continuation

    /// Creates the service; hand ``upstreamCameUp(at:)`` to the pool. `tls`: the upstream
    /// side's TLS (`rediss://`).
    public init(
        telemetry: TelemetryRuntime, endpoint: UpstreamEndpoint, controlPlane: ControlPlaneThread,
        tls: ReloadableTLSContext? = nil
    ) {
        self.telemetry = telemetry
        self.tls = tls
        self.endpoint = endpoint
        self.controlPlane = controlPlane
        (signals, continuation) = AsyncStream.makeStream(
            of: UpstreamEndpoint?.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a (re)load from `endpoint` (a Sentinel-managed primary's current address),
    /// else from the configured endpoint; cheap and callable from any thread.
    public func upstreamCameUp(at endpoint: UpstreamEndpoint? = nil) {
        continuation.yield(endpoint)
    }

    /// Loads on every signal until shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            for await endpoint in self.signals {
                await self.telemetry.loadCommands(
                    from: endpoint ?? self.endpoint, controlPlane: self.controlPlane, tls: self.tls?.context)
            }
        }
    }

    /// The server's command specs, read on `controlPlane` over a connection of its own
    /// (logged in with the endpoint's credentials, closed afterwards). Fails when the
    /// server cannot be reached or refuses `COMMAND` (e.g. an ACL user without
    /// `+command`), in which case the caller keeps the table it has.
    static func fetch(
        endpoint: UpstreamEndpoint, on controlPlane: ControlPlaneThread, timeout: Duration, tls: TLSContext? = nil
    ) async throws -> [CommandSpec] {
        let outcome = try await controlPlane.run { () -> Result<RESPValue, ControlPlaneError> in
            Result { () throws(ControlPlaneError) in
                let login = ControlPlaneLogin(
                    username: endpoint.username, password: endpoint.password, database: endpoint.database)
                let connection = try ControlPlaneConnection.connect(
                    host: endpoint.host, port: endpoint.port, login: login, timeout: timeout, tls: tls)
                defer { connection.close() }
                return try connection.command(["COMMAND"])
            }
        }
        let reply = try outcome.get()
        if case .error(let message) = reply { throw UpstreamError(reason: "COMMAND refused: \(message)") }
        return CommandSpec.parse(commandReply: reply)
    }
}
