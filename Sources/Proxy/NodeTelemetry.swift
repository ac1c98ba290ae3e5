import NIOCore
import RedisCommands
import Telemetry

/// One Redis Cluster node's share of the telemetry: its own ``MetricsShard`` on each event
/// loop, so commands relayed to the node are counted apart and rendered with a `node` label
/// (``TelemetryRuntime/nodeTelemetry(node:)``).
public final class NodeTelemetry: Sendable {
    /// The node's address, the `node` label's value.
    public let node: String
    private let shards: [ObjectIdentifier: NIOLoopBound<MetricsShard>]

    init(node: String, shards: [ObjectIdentifier: NIOLoopBound<MetricsShard>]) {
        self.node = node
        self.shards = shards
    }

    /// The sink for the node's connections on `loop` (call on that loop).
    public func sink(for loop: EventLoop) -> any CommandEventSink {
        shards[ObjectIdentifier(loop)]?.value ?? DiscardingEventSink()
    }

    /// Every shard's counters, merged.
    func snapshot() async -> ShardSnapshot {
        await TelemetryRuntime.merged(shards)
    }

    /// Every shard's client usage, merged.
    func clientUsage() async -> [ClientUsage] {
        await TelemetryRuntime.clientUsage(shards)
    }
}
