import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle
import Telemetry

/// Sends queued spans in batches: when a batch is full or the flush interval passed, to
/// the OTLP/HTTP endpoint (several requests in flight) and/or the `--otlp-file`. Failed requests are retried only on
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
    private let stopLatch = StopLatch()
    /// Whether the last export that ended was dropped for good (the endpoint is failing):
    /// then the spans still queued at shutdown are dropped without trying again.
    private let failing = NIOLockedValueBox(false)

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
                url: $0, encoding: configuration.encoding, headers: configuration.headers,
                timeoutSeconds: configuration.timeoutSeconds, group: group)
        }
        logger.info(
            "exporting spans",
            metadata: [
                "endpoint": "\(configuration.tracesEndpoint.map(OTLPEnvironment.redacted) ?? "none")",
                "protocol": "\(configuration.encoding.rawValue)",
                "file": "\(configuration.filePath ?? "none")",
            ])
        let interval = Duration.nanoseconds(Int64(configuration.flushIntervalSeconds * 1e9))
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { exports in
                var inFlight = 0
                var nextBatch = NIODeadline.now()
                var work = ExportWork(encoding: configuration.encoding)
                while !isStopping && !Task.isCancelled {
                    await queue.signal.wait(timeout: interval)
                    await drain(
                        sender: sender, file: file, exports: &exports, inFlight: &inFlight, nextBatch: &nextBatch,
                        work: &work)
                }
                await exports.waitForAll()
            }
        } onGracefulShutdown: {
            self.stopping.withLockedValue { $0 = true }
            self.stopLatch.open()
            self.queue.signal.signal()
        }
        await drainFinally(sender: sender, file: file)
        await sender?.shutdown()
    }

    /// Sends what is queued while running: a batch, then more while full batches wait, with
    /// up to ``OTLPExportConfiguration/maxConcurrentExports`` requests in flight (so the
    /// endpoint's round trip does not cap the spans per second). Batches are encoded (and
    /// written to the file) here, in order; only the HTTP requests overlap. Batches are
    /// taken no faster than ``OTLPExportConfiguration/maxSpansPerSecond``: meanwhile the
    /// queue fills, and the spans that find it full are dropped before they are built, so
    /// the export's CPU (and the data path's loss to it) stays bounded.
    private func drain(
        sender: OTLPHTTPSender?, file: OTLPFileWriter?, exports: inout TaskGroup<Void>, inFlight: inout Int,
        nextBatch: inout NIODeadline, work: inout ExportWork
    ) async {
        while !Task.isCancelled && !isStopping {
            if configuration.maxSpansPerSecond > 0 {
                let now = NIODeadline.now()
                if nextBatch > now { await stopLatch.wait(timeout: .nanoseconds((nextBatch - now).nanoseconds)) }
                if isStopping { return }
            }
            queue.take(configuration.batchSize, into: &work.batch)
            let count = work.batch.count
            if count == 0 { return }
            if configuration.maxSpansPerSecond > 0 {
                let spacing = Int64(Double(count) * 1e9 / Double(configuration.maxSpansPerSecond))
                nextBatch = max(nextBatch, NIODeadline.now()) + .nanoseconds(spacing)
            }
            let body = work.encode(resource: configuration.resource, file: file, needsBody: sender != nil)
            if let sender, let body {
                if inFlight >= max(configuration.maxConcurrentExports, 1) {
                    await exports.next()
                    inFlight -= 1
                }
                exports.addTask { _ = await self.send(body, spans: count, sender: sender, final: false) }
                inFlight += 1
            } else {
                metrics.exported(count)
            }
            if queue.count < configuration.batchSize { return }
        }
    }

    /// Sends what is still queued at shutdown, one request at a time (at most two attempts
    /// per batch); when the endpoint fails, the rest is dropped at once.
    private func drainFinally(sender: OTLPHTTPSender?, file: OTLPFileWriter?) async {
        if sender != nil && file == nil && failing.withLockedValue({ $0 }) {
            let rest = queue.take(Int.max).count
            if rest > 0 { metrics.dropped(rest, reason: .exportFailed) }
            return
        }
        var work = ExportWork(encoding: configuration.encoding)
        while !Task.isCancelled {
            queue.take(configuration.batchSize, into: &work.batch)
            let count = work.batch.count
            if count == 0 { return }
            let body = work.encode(resource: configuration.resource, file: file, needsBody: sender != nil)
            guard let sender, let body else {
                metrics.exported(count)
                continue
            }
            if !(await send(body, spans: count, sender: sender, final: true)) {
                // The endpoint is failing and the proxy is stopping: drop the rest now.
                let rest = queue.take(Int.max).count
                if rest > 0 { metrics.dropped(rest, reason: .exportFailed) }
                return
            }
        }
    }

    /// Sends one encoded batch of `spans` spans; false when it was dropped for good.
    private func send(_ body: ByteBuffer, spans: Int, sender: OTLPHTTPSender, final: Bool) async -> Bool {
        let delivered = await attempts(body, spans: spans, sender: sender, final: final)
        failing.withLockedValue { $0 = !delivered }
        return delivered
    }

    /// Tries one batch until it is delivered or dropped: on graceful shutdown, a request
    /// already in flight is not tried again, and the final ones at most twice.
    private func attempts(_ buffer: ByteBuffer, spans: Int, sender: OTLPHTTPSender, final: Bool) async -> Bool {
        var attempt = 1
        while true {
            let started = NIODeadline.now()
            let outcome = await sender.send(buffer)
            metrics.exportDuration(nanos: UInt64((NIODeadline.now() - started).nanoseconds))
            switch outcome {
            case .accepted(let response):
                let rejected = Int(clamping: min(max(response.rejectedSpans, 0), Int64(spans)))
                metrics.exported(spans - rejected)
                if rejected > 0 {
                    metrics.dropped(rejected, reason: .rejected)
                    warn("OTLP endpoint rejected spans", key: "partial", ["rejected": "\(rejected)"], response.message)
                }
                return true
            case .failed(let status, let response):
                metrics.exportError(status: status)
                metrics.dropped(spans, reason: .exportFailed)
                warn("OTLP export refused", key: "status-\(status)", ["status": "\(status)"], response.message)
                return false
            case .retryable(let status, let retryAfter):
                metrics.exportError(status: status)
                let stopping = final || isStopping
                let limit = final ? 2 : isStopping ? 1 : configuration.maxAttempts
                if attempt >= limit || Task.isCancelled {
                    metrics.dropped(spans, reason: .exportFailed)
                    warn(
                        "OTLP export failed; spans dropped", key: "retry-\(status)",
                        ["status": "\(status)", "attempts": "\(attempt)", "spans": "\(spans)"], nil)
                    return false
                }
                let delay = policy.delay(
                    afterAttempt: attempt, retryAfter: retryAfter, jitter: Double.random(in: 0...1))
                logger.debug(
                    "retrying OTLP export", metadata: ["status": "\(status)", "delay_seconds": "\(delay)"])
                if !stopping { await stopLatch.wait(timeout: .nanoseconds(Int64(delay * 1e9))) }
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

/// What the exporter reuses from batch to batch: the array a batch is taken into and the
/// buffers it is encoded in, so a steady export allocates no fresh memory for either.
private struct ExportWork: ~Copyable {
    var batch: [SpanRecord] = []
    /// The HTTP request's body, in the endpoint's encoding.
    var request: OTLPRequestBuffer
    /// The `--otlp-file` line (JSON), when the request is not that already.
    var line = OTLPRequestBuffer(encoding: .json)

    init(encoding: OTLPEncoding) {
        request = OTLPRequestBuffer(encoding: encoding)
    }

    /// Encodes the batch, appends it to `file`, and returns a copy for an HTTP request
    /// when `needsBody` (requests are in flight while the next batch is encoded).
    mutating func encode(resource: OTLPResource, file: OTLPFileWriter?, needsBody: Bool) -> ByteBuffer? {
        defer { batch.removeAll(keepingCapacity: true) }
        var body: ByteBuffer?
        if needsBody {
            request.encode(batch, resource: resource)
            body = request.withUnsafeBytes { ByteBuffer(bytes: $0) }
        }
        if let file {
            if needsBody && request.encoding == .json {
                request.withUnsafeBytes { file.append($0) }
            } else {
                line.encode(batch, resource: resource)
                line.withUnsafeBytes { file.append($0) }
            }
        }
        return body
    }
}
