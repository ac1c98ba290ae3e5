import Logging
import RedisCommands
import Synchronization
import Telemetry

/// A ``SpanSink`` that keeps every span, for assertions.
final class CollectingSink: SpanSink {
    private let spans = Mutex<[SpanRecord]>([])

    func submit(_ span: SpanRecord) { spans.withLock { $0.append(span) } }
    func submit(_ batch: [SpanRecord]) { spans.withLock { $0 += batch } }
    var isFull: Bool { false }
    func droppedUnbuilt(_ count: Int) {}

    /// What was submitted so far, in order.
    var all: [SpanRecord] { spans.withLock { $0 } }
}

/// A shard whose only observer is a ``SpanObserver`` writing to `sink`, with client 1
/// connected from 127.0.0.1:50000.
func makeSpanShard(
    _ sink: CollectingSink, ratio: Double = 1, keepSlow: Bool = true, queryText: QueryTextMode = .sanitized,
    database: Int = 0, maxTransactionCommands: Int = 1024, slowThresholdNanos: UInt64 = 100_000_000
) -> MetricsShard {
    var spans = SpanConfiguration()
    spans.sampleRatio = ratio
    spans.keepSlow = keepSlow
    spans.queryText = queryText
    spans.serverAddress = "127.0.0.1"
    spans.serverPort = 6379
    spans.initialDatabase = database
    spans.maxTransactionCommands = maxTransactionCommands
    spans.slowThresholdNanos = slowThresholdNanos
    spans.clock = ClockAnchor(unixNanos: 1_700_000_000_000_000_000, monotonicNanos: 1_000_000_000)
    var configuration = TelemetryConfiguration()
    configuration.slowThresholdNanos = slowThresholdNanos
    let settings = spans
    let hub = TelemetryHub(
        configuration: configuration,
        logger: Logger(label: "span-tests", factory: { _ in SwiftLogNoOpLogHandler() }),
        observers: [{ SpanObserver(configuration: settings, sink: sink, seed: 42) }])
    let shard = hub.makeShard()
    shard.connectionOpened(id: 1, address: "127.0.0.1:50000")
    return shard
}

extension SpanRecord {
    /// A string attribute's value.
    func string(_ key: String) -> String? {
        if case .string(let value) = attribute(key) { return value }
        return nil
    }
}
