import Telemetry
import Testing

@testable import SpanExport

@Suite struct SpanQueueBounds {
    func span(_ id: UInt64) -> SpanRecord {
        SpanRecord(traceIDHigh: 1, traceIDLow: id, spanID: id, name: "GET", startUnixNanos: 0, endUnixNanos: 1)
    }

    @Test func dropsAndCountsWhenFull() {
        let metrics = SpanExportMetrics()
        let queue = SpanQueue(capacity: 3, batchSize: 2, metrics: metrics)
        for id in 1...5 { queue.submit(span(UInt64(id))) }
        #expect(queue.count == 3)
        #expect(metrics.droppedCount(.queueFull) == 2)
        queue.submit([span(6), span(7)])
        #expect(metrics.droppedCount(.queueFull) == 4)
        #expect(queue.take(2).map(\.spanID) == [1, 2])
        queue.submit([span(8), span(9)])
        #expect(queue.count == 3 && metrics.droppedCount(.queueFull) == 4)
        #expect(queue.isFull)
        queue.droppedUnbuilt(2)
        #expect(metrics.droppedCount(.queueFull) == 6)
        #expect(queue.take(10).map(\.spanID) == [3, 8, 9])
        #expect(queue.take(10).isEmpty && !queue.isFull)
    }

    @Test func metricsRenderEveryFamily() {
        let metrics = SpanExportMetrics()
        metrics.exported(5)
        metrics.dropped(2, reason: .exportFailed)
        metrics.exportError(status: "503")
        metrics.exportDuration(nanos: 2_000_000)
        var writer = PrometheusWriter(openMetrics: false)
        metrics.render(into: &writer)
        let text = writer.finish()
        #expect(text.contains("redislens_spans_exported_total 5\n"))
        #expect(text.contains("redislens_spans_dropped_total{reason=\"export_failed\"} 2\n"))
        #expect(text.contains("redislens_spans_dropped_total{reason=\"queue_full\"} 0\n"))
        #expect(text.contains("redislens_otlp_export_errors_total{status=\"503\"} 1\n"))
        #expect(text.contains("redislens_otlp_export_duration_seconds_bucket{le=\"0.0025\"} 1\n"))
        #expect(text.contains("redislens_otlp_export_duration_seconds_count 1\n"))
    }
}

@Suite struct FlushSignalling {
    @Test func aSignalWakesTheWaiterBeforeItsTimeout() async {
        let signal = FlushSignal()
        signal.signal()
        let clock = ContinuousClock()
        let start = clock.now
        await signal.wait(timeout: .seconds(600))
        #expect(clock.now - start < .seconds(600))
    }
}
