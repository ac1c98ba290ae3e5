import AsyncHTTPClient
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle
import Telemetry

/// Pushes activity-log lines straight to Loki, for stacks without Promtail.
///
/// Event loops only append to a bounded queue; this service posts what is queued every
/// second (in batches of at most ``batchSize`` lines) and once more at shutdown. A full
/// queue or a failed push (a refused connect fails at once) drops lines and counts them;
/// nothing waits for Loki. A graceful shutdown cuts the wait between pushes short; the push
/// in flight and the final one get ``shutdownGrace`` in all, then what is undelivered is
/// dropped and counted, so a stuck Loki holds a shutdown for no longer than that.
public final class LokiPusher: Service, ActivityLogSink {
    /// Lines in one push at most.
    public static let batchSize = 1000
    /// Labels of the pushed stream (low cardinality, the same Promtail promotes).
    public static let labels = [("service", "redis-lens"), ("logger", ActivityLine.logger), ("level", "info")]

    private let url: LokiURL
    private let queue: LokiQueue
    private let counters: ActivityLogCounters
    private let group: any EventLoopGroup
    private let logger: Logger
    private let interval: Duration
    private let shutdownGrace: Duration
    private let failing = NIOLockedValueBox(false)

    /// How long a graceful shutdown waits, from its start, for the push in flight and the
    /// final push together.
    public static let defaultShutdownGrace = Duration.seconds(2)

    /// Creates the pusher; it posts once `run()` runs.
    public init(
        url: LokiURL, group: any EventLoopGroup, counters: ActivityLogCounters, logger: Logger,
        capacity: Int = 10_000, interval: Duration = .seconds(1), shutdownGrace: Duration = defaultShutdownGrace
    ) {
        self.url = url
        self.queue = LokiQueue(capacity: capacity)
        self.counters = counters
        self.group = group
        self.logger = logger
        self.interval = interval
        self.shutdownGrace = shutdownGrace
    }

    /// Queues one line (dropped and counted when the queue is full).
    public func write(line: String, unixNanos: UInt64) {
        if queue.append(.init(unixNanos: unixNanos, line: line)) {
            counters.lineWritten()
        } else {
            counters.dropped(1, .queueFull)
        }
    }

    /// Posts queued lines every interval until graceful shutdown, then once more; pushing
    /// stops (cancelled) ``shutdownGrace`` after the graceful shutdown began.
    public func run() async throws {
        // A refused or failed connect fails the push at once (it is dropped and counted like
        // any failed push), rather than async-http-client retrying it until the request's
        // deadline, 5 s that would also hold a shutdown.
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroup: group, configuration: configuration)
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await self.pushUntilShutdown(client) }
            tasks.addTask { await self.shutdownGraceExpiry() }
            await tasks.next()
            tasks.cancelAll()
        }
        try await client.shutdown()
    }

    private func pushUntilShutdown(_ client: HTTPClient) async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
            } catch {
                break
            }
            await flush(client)
        }
        await flush(client, final: true)
    }

    /// Returns ``shutdownGrace`` after graceful shutdown began, or when cancelled.
    private func shutdownGraceExpiry() async {
        do {
            try await gracefulShutdown()
            try await Task.sleep(for: shutdownGrace)
        } catch {
            return
        }
    }

    /// Pushes the queue; stops at the first failed push (the rest waits for the next
    /// interval), or when `final` or shutting down, drops and counts the rest too.
    private func flush(_ client: HTTPClient, final: Bool = false) async {
        while true {
            let batch = queue.take(Self.batchSize)
            if batch.isEmpty { return }
            let problem = await post(batch, client)
            if let problem {
                counters.dropped(batch.count, .pushFailed)
                if !setFailing(true) {
                    logger.warning("loki push failed", metadata: ["reason": "\(problem)", "lines": "\(batch.count)"])
                }
                if final || Task.isShuttingDownGracefully {
                    let rest = queue.take(Int.max).count
                    if rest > 0 { counters.dropped(rest, .pushFailed) }
                }
                return
            }
            counters.pushed(batch.count)
            if setFailing(false) { logger.info("loki push recovered") }
        }
    }

    /// Sets the failing state (logged once per change) and returns the previous one.
    private func setFailing(_ new: Bool) -> Bool {
        failing.withLockedValue { state in
            defer { state = new }
            return state
        }
    }

    /// Nil when Loki accepted the batch, otherwise why not.
    private func post(_ batch: [LokiQueue.Entry], _ client: HTTPClient) async -> String? {
        var request = HTTPClientRequest(url: url.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: LokiPushBody.encode(batch, labels: Self.labels)))
        do {
            let response = try await client.execute(request, timeout: .seconds(5))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return (200..<300).contains(response.status.code) ? nil : "HTTP \(response.status.code)"
        } catch {
            return Task.isCancelled ? "the shutdown grace (\(shutdownGrace)) ran out" : "\(error)"
        }
    }
}
