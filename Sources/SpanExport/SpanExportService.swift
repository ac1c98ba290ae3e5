import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle
import Telemetry

/// Sends queued spans in batches: when a batch is full or the flush interval passed, to
/// the OTLP/HTTP endpoint and/or the `--otlp-file`. Failed requests are retried only on
/// 429/502/503/504 and connection errors. On graceful shutdown it sends what is queued
/// (at most two attempts per batch), then stops.
public final class SpanExportService: Service, Sendable {
    private let configuration: OTLPExportConfiguration
    private let queue: SpanQueue
    private let metrics: SpanExportMetrics
    private let group: any EventLoopGroup
    private let logger: Logger
    private let policy = RetryPolicy()
    private let limiter: LogLimiter
    private let stopping = NIOLockedValueBox(false)
    private let stopSignal = FlushSignal()

    /// Creates the service draining `queue`; HTTP runs on `group`.
    public init(
        configuration: OTLPExportConfiguration, queue: SpanQueue, metrics: SpanExportMetrics,
        group: any EventLoopGroup, logger: Logger
    ) {
        self.configuration = configuration
        self.queue = queue
        self.metrics = metrics
        self.group = group
        self.logger = logger
        self.limiter = LogLimiter(intervalSeconds: configuration.logIntervalSeconds)
    }

    private var isStopping: Bool { stopping.withLockedValue { $0 } }

    /// Exports until graceful shutdown, then flushes the queue.
    public func run() async throws {
        let file = try configuration.filePath.map { path throws(SpanExportError) in try OTLPFileWriter(path: path) }
        let sender = configuration.tracesEndpoint.map {
            OTLPHTTPSender(
                url: $0, headers: configuration.headers, timeoutSeconds: configuration.timeoutSeconds, group: group)
        }
        logger.info(
            "exporting spans",
            metadata: [
                "endpoint": "\(configuration.tracesEndpoint.map(OTLPEnvironment.redacted) ?? "none")",
                "file": "\(configuration.filePath ?? "none")",
            ])
        let interval = Duration.nanoseconds(Int64(configuration.flushIntervalSeconds * 1e9))
        await withGracefulShutdownHandler {
            while !isStopping && !Task.isCancelled {
                await queue.signal.wait(timeout: interval)
                await drain(sender: sender, file: file, final: false)
            }
        } onGracefulShutdown: {
            self.stopping.withLockedValue { $0 = true }
            self.stopSignal.signal()
            self.queue.signal.signal()
        }
        await drain(sender: sender, file: file, final: true)
        await sender?.shutdown()
    }

    private func drain(sender: OTLPHTTPSender?, file: OTLPFileWriter?, final: Bool) async {
        while !Task.isCancelled {
            let batch = queue.take(configuration.batchSize)
            if batch.isEmpty { return }
            let delivered = await export(batch, sender: sender, file: file, final: final || isStopping)
            if !delivered && (final || isStopping) {
                // The endpoint is failing and the proxy is stopping: drop the rest now.
                let rest = queue.take(Int.max).count
                if rest > 0 { metrics.dropped(rest, reason: .exportFailed) }
                return
            }
            if !final && !isStopping && queue.count < configuration.batchSize { return }
        }
    }

    /// Sends one batch; false when it was dropped for good.
    private func export(_ batch: [SpanRecord], sender: OTLPHTTPSender?, file: OTLPFileWriter?, final: Bool) async
        -> Bool
    {
        let body = OTLPJSONEncoder.encode(batch, resource: configuration.resource)
        file?.append(body)
        guard let sender else {
            metrics.exported(batch.count)
            return true
        }
        let buffer = ByteBuffer(bytes: body)
        var attempt = 1
        while true {
            let started = NIODeadline.now()
            let outcome = await sender.send(buffer)
            metrics.exportDuration(nanos: UInt64((NIODeadline.now() - started).nanoseconds))
            switch outcome {
            case .accepted(let response):
                let rejected = Int(clamping: min(max(response.rejectedSpans, 0), Int64(batch.count)))
                metrics.exported(batch.count - rejected)
                if rejected > 0 {
                    metrics.dropped(rejected, reason: .rejected)
                    warn("OTLP endpoint rejected spans", key: "partial", ["rejected": "\(rejected)"], response.message)
                }
                return true
            case .failed(let status, let response):
                metrics.exportError(status: status)
                metrics.dropped(batch.count, reason: .exportFailed)
                warn("OTLP export refused", key: "status-\(status)", ["status": "\(status)"], response.message)
                return false
            case .retryable(let status, let retryAfter):
                metrics.exportError(status: status)
                let stopping = final || isStopping
                if attempt >= configuration.maxAttempts || (stopping && attempt >= 2) || Task.isCancelled {
                    metrics.dropped(batch.count, reason: .exportFailed)
                    warn(
                        "OTLP export failed; spans dropped", key: "retry-\(status)",
                        ["status": "\(status)", "attempts": "\(attempt)", "spans": "\(batch.count)"], nil)
                    return false
                }
                let delay = policy.delay(
                    afterAttempt: attempt, retryAfter: retryAfter, jitter: Double.random(in: 0...1))
                logger.debug(
                    "retrying OTLP export", metadata: ["status": "\(status)", "delay_seconds": "\(delay)"])
                if !stopping { await stopSignal.wait(timeout: .nanoseconds(Int64(delay * 1e9))) }
                attempt += 1
            }
        }
    }

    private func warn(_ message: Logger.Message, key: String, _ metadata: Logger.Metadata, _ detail: String?) {
        let (log, suppressed) = limiter.admit(key)
        guard log else { return }
        var metadata = metadata
        if let detail { metadata["detail"] = "\(detail)" }
        if suppressed > 0 { metadata["repeats_not_logged"] = "\(suppressed)" }
        logger.warning(message, metadata: metadata)
    }
}
