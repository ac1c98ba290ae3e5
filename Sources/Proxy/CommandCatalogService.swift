import NIOCore
import ServiceLifecycle

/// Loads the upstream's `COMMAND` reply into the telemetry's command table each time the
/// pool reports the upstream reachable (at start-up, and after it was down). A service
/// of the group, so no load outlives the event loops.
public final class CommandCatalogService: Service, Sendable {
    private let telemetry: TelemetryRuntime
    private let endpoint: UpstreamEndpoint
    private let group: any EventLoopGroup
    private let signals: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    /// Creates the service; hand ``upstreamCameUp()`` to the pool.
    public init(telemetry: TelemetryRuntime, endpoint: UpstreamEndpoint, group: any EventLoopGroup) {
        self.telemetry = telemetry
        self.endpoint = endpoint
        self.group = group
        (signals, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a (re)load; cheap and callable from any thread.
    public func upstreamCameUp() {
        continuation.yield()
    }

    /// Loads on every signal until shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            for await _ in self.signals {
                await self.telemetry.loadCommands(from: self.endpoint, group: self.group)
            }
        }
    }
}
