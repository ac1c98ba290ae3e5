import Logging
import NIOCore
import Telemetry

/// Everything span export needs, wired together: the observer factory for the event
/// loops, the bounded queue, the exporter service and its metrics.
public struct SpanPipeline: Sendable {
    /// The bounded queue between the loops and the exporter.
    public let queue: SpanQueue
    /// The exporter's counters (rendered into `/metrics`).
    public let metrics: SpanExportMetrics
    /// The exporter, to run in the ServiceGroup (before the proxy, so it stops after it).
    public let service: SpanExportService
    /// Makes one ``SpanObserver`` per event loop (``TelemetryHub``'s `observers`).
    public let observerFactory: @Sendable () -> any CommandObserver

    /// Wires a pipeline exporting with `export`, sampling and building spans with `spans`.
    public init(spans: SpanConfiguration, export: OTLPExportConfiguration, group: any EventLoopGroup, logger: Logger) {
        let metrics = SpanExportMetrics()
        let queue = SpanQueue(capacity: export.maxQueue, batchSize: export.batchSize, metrics: metrics)
        self.metrics = metrics
        self.queue = queue
        self.service = SpanExportService(
            configuration: export, queue: queue, metrics: metrics, group: group, logger: logger)
        self.observerFactory = SpanObserver.factory(configuration: spans, sink: queue)
    }
}
