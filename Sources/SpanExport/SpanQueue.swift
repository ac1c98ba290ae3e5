import NIOConcurrencyHelpers
import NIOCore
import Synchronization
import Telemetry

/// The bounded hand-off from the event loops to the exporter. Submitting takes a short
/// lock and never blocks: when the queue is full, spans are dropped and counted. A ring
/// buffer: taking a batch from a full queue moves only the batch, not what stays.
public final class SpanQueue: SpanSink {
    /// Spans held at most (`--otlp-max-queue`).
    public let capacity: Int
    private let batchSize: Int
    private let metrics: SpanExportMetrics
    private let state: NIOLockedValueBox<CircularBuffer<SpanRecord>>
    /// The queue's length, readable without the lock (updated under it).
    private let length = Atomic<Int>(0)
    let signal = FlushSignal()

    /// Creates a queue holding up to `capacity` spans; reaching `batchSize` wakes the exporter.
    public init(capacity: Int, batchSize: Int, metrics: SpanExportMetrics) {
        self.capacity = capacity
        self.batchSize = batchSize
        self.metrics = metrics
        self.state = NIOLockedValueBox(CircularBuffer(initialCapacity: min(capacity, 1024)))
    }

    /// Enqueues one span, or drops it (reason `queue_full`) when the queue is full.
    public func submit(_ span: SpanRecord) {
        let (accepted, wake) = state.withLockedValue { spans -> (Bool, Bool) in
            guard spans.count < capacity else { return (false, false) }
            spans.append(span)
            length.store(spans.count, ordering: .relaxed)
            return (true, spans.count == batchSize)
        }
        if !accepted { metrics.dropped(1, reason: .queueFull) }
        if wake { signal.signal() }
    }

    /// Enqueues a transaction's spans: those that fit, the rest dropped and counted.
    public func submit(_ batch: [SpanRecord]) {
        let (accepted, wake) = state.withLockedValue { spans -> (Int, Bool) in
            let room = max(capacity - spans.count, 0)
            let before = spans.count
            for span in batch.prefix(room) { spans.append(span) }
            length.store(spans.count, ordering: .relaxed)
            return (spans.count - before, before < batchSize && spans.count >= batchSize)
        }
        if accepted < batch.count { metrics.dropped(batch.count - accepted, reason: .queueFull) }
        if wake { signal.signal() }
    }

    /// Removes and returns up to `limit` of the oldest spans.
    func take(_ limit: Int) -> [SpanRecord] {
        var taken: [SpanRecord] = []
        take(limit, into: &taken)
        return taken
    }

    /// Moves up to `limit` of the oldest spans into `taken` (emptied first, its capacity
    /// kept: the exporter reuses one array for every batch).
    func take(_ limit: Int, into taken: inout [SpanRecord]) {
        taken.removeAll(keepingCapacity: true)
        state.withLockedValue { spans in
            defer { length.store(spans.count, ordering: .relaxed) }
            taken.reserveCapacity(min(limit, spans.count))
            while taken.count < limit, let span = spans.popFirst() { taken.append(span) }
        }
    }

    /// Whether the queue is full (a racy read: a span may still be dropped on submit).
    public var isFull: Bool { length.load(ordering: .relaxed) >= capacity }

    /// Counts spans the observer did not build because the queue was full (`queue_full`).
    public func droppedUnbuilt(_ count: Int) { metrics.dropped(count, reason: .queueFull) }

    /// Spans waiting.
    public var count: Int { state.withLockedValue { $0.count } }
}
