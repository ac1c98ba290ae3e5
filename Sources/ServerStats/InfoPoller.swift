import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Telemetry

/// Where and how often to poll `INFO`.
public struct InfoPollerConfiguration: Sendable {
    /// Upstream host.
    public var host: String
    /// Upstream port.
    public var port: Int
    /// ACL user for `AUTH`, if any.
    public var username: String?
    /// Password for `AUTH`, if any. Never logged.
    public var password: String?
    /// Database to `SELECT` (INFO is server-wide; selecting it proves the credentials work
    /// as the proxy's own connections use them).
    public var database: Int
    /// Seconds between polls (default 5).
    public var intervalSeconds = 5.0
    /// Seconds a connect or a reply may take (default 2).
    public var timeoutSeconds = 2.0

    /// Creates a configuration.
    public init(host: String, port: Int, username: String? = nil, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }
}

/// Polls the upstream's `INFO` through hiredis on a thread of its own (hiredis blocks;
/// the event loops never wait for it) and keeps the result in ``state``.
///
/// One plain `INFO` per poll: it holds every section used here (server, clients, memory,
/// stats, replication, keyspace) on Redis 6.x and 7.x alike (several sections in one call
/// need 7.0). A failed poll drops the connection (but for an error reply, after which
/// the connection is sound); the next attempt comes after a backoff that starts at
/// 250 ms and doubles up to the interval.
public final class InfoPoller: Service {
    /// The latest results.
    public let state = ServerStatsState()
    private let configuration: InfoPollerConfiguration
    private let logger: Logger
    private let thread = NIOThreadPool(numberOfThreads: 1)
    private let slot = ConnectionSlot()

    /// Creates a poller; it starts polling when run.
    public init(configuration: InfoPollerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Polls until graceful shutdown.
    public func run() async throws {
        thread.start()
        await cancelWhenGracefulShutdown { await self.pollLoop() }
        try await thread.shutdownGracefully()
    }

    private func pollLoop() async {
        var failures = 0
        var lastReason: InfoPollError.Reason?
        while !Task.isCancelled {
            let outcome: InfoPollError?
            do {
                outcome = try await thread.runIfActive { self.pollOnce() }
            } catch {
                return  // the thread pool is shutting down
            }
            if let error = outcome {
                failures += 1
                if error.reason != lastReason {
                    logger.warning(
                        "INFO poll failed",
                        metadata: ["reason": "\(error.reason.rawValue)", "error": "\(error.message)"])
                }
                lastReason = error.reason
            } else {
                if lastReason != nil { logger.info("INFO poll succeeded again") }
                failures = 0
                lastReason = nil
            }
            let backoff = 0.25 * Double(1 << min(max(failures - 1, 0), 16))
            let delay = failures == 0 ? configuration.intervalSeconds : min(backoff, configuration.intervalSeconds)
            do {
                try await Task.sleep(for: .seconds(delay))
            } catch {
                return
            }
        }
    }

    /// One poll, on the poller's thread: (re)connect if needed, `INFO`, parse, record.
    private func pollOnce() -> InfoPollError? {
        let start = NIODeadline.now()
        func elapsed() -> UInt64 { UInt64(max((NIODeadline.now() - start).nanoseconds, 0)) }
        do throws(InfoPollError) {
            let connection: HiredisConnection
            if let existing = slot.connection {
                connection = existing
            } else {
                connection = try connect()
                slot.connection = connection
            }
            let info: RedisInfo
            switch try connection.command(["INFO"]) {
            case .text(let bytes):
                info = RedisInfo(parsing: bytes)
                guard !info.fields.isEmpty else { throw InfoPollError(.badReply, "INFO reply has no fields") }
            case .error(let message):
                throw InfoPollError(.errorReply, message)
            case .other(let type):
                throw InfoPollError(.badReply, "INFO answered with hiredis reply type \(type)")
            }
            state.succeeded(info, durationNanos: elapsed(), unixTime: WallClock.unixSeconds())
            return nil
        } catch {
            if error.reason != .errorReply { slot.connection = nil }
            state.failed(error, durationNanos: elapsed())
            return error
        }
    }

    private func connect() throws(InfoPollError) -> HiredisConnection {
        let connection = try HiredisConnection(
            host: configuration.host, port: configuration.port, timeoutSeconds: configuration.timeoutSeconds)
        if let password = configuration.password {
            let arguments = ["AUTH"] + (configuration.username.map { [$0] } ?? []) + [password]
            if case .error(let message) = try connection.command(arguments) {
                throw InfoPollError(.auth, "AUTH failed: \(message)")
            }
        }
        if configuration.database != 0,
            case .error(let message) = try connection.command(["SELECT", String(configuration.database)])
        {
            throw InfoPollError(.auth, "SELECT \(configuration.database) failed: \(message)")
        }
        return connection
    }
}

/// The poller's connection. Unchecked: only the poller's single thread touches it, one
/// poll after another.
private final class ConnectionSlot: @unchecked Sendable {
    var connection: HiredisConnection?
}
