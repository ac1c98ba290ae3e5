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
/// queue or a failed push drops lines and counts them; nothing waits for Loki. A graceful
/// shutdown cuts the wait between pushes short, not a push in flight.
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
    private let failing = NIOLockedValueBox(false)

    /// Creates the pusher; it posts once `run()` runs.
    public init(
        url: LokiURL, group: any EventLoopGroup, counters: ActivityLogCounters, logger: Logger,
        capacity: Int = 10_000, interval: Duration = .seconds(1)
    ) {
        self.url = url
        self.queue = LokiQueue(capacity: capacity)
        self.counters = counters
        self.group = group
        self.logger = logger
        self.interval = interval
    }

    /// Queues one line (dropped and counted when the queue is full).
    public func write(line: String, unixNanos: UInt64) {
        if queue.append(.init(unixNanos: unixNanos, line: line)) {
            counters.lineWritten()
        } else {
            counters.dropped(1, .queueFull)
        }
    }

    /// Posts queued lines every interval until graceful shutdown, then once more.
    public func run() async throws {
        let client = HTTPClient(eventLoopGroup: group)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
            } catch {
                break
            }
            await flush(client)
        }
        await flush(client, final: true)
        try await client.shutdown()
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
            return "\(error)"
        }
    }
}
