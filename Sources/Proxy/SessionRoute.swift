import NIOCore
import RedisCommands

/// Where one accepted client is relayed: the pool its upstream connection comes from and
/// the sink its commands are recorded in (a cluster's entry port picks a reachable node
/// per client).
public struct SessionRoute: Sendable {
    /// The upstream pool of the chosen node.
    public var pool: UpstreamPool
    /// The sink per event loop; nil: the server's telemetry sink.
    public var makeSink: (@Sendable (EventLoop) -> any CommandEventSink)?

    /// Creates a route.
    public init(pool: UpstreamPool, makeSink: (@Sendable (EventLoop) -> any CommandEventSink)? = nil) {
        self.pool = pool
        self.makeSink = makeSink
    }
}
