import ControlPlane
import Logging
import RESP
import ServiceLifecycle
import TLS
import Telemetry

/// Where and how often to poll `INFO`.
public struct InfoPollerConfiguration: Sendable, CustomStringConvertible {
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
    /// TLS to Redis (`rediss://`): the current context of the upstream side, so a reload
    /// (SIGHUP) applies to the next connection.
    public var tls: ReloadableTLSContext?
    /// Where the server is now, when it moves (a Sentinel-managed primary): asked before
    /// each poll, overriding ``host`` and ``port``; nil from it means not known yet. A
    /// change drops the connection to the old address; no poll happens before one is known.
    public var target: (@Sendable () -> (host: String, port: Int)?)?

    /// Creates a configuration.
    public init(host: String, port: Int, username: String? = nil, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    /// `host:port user=NAME password=*** db=N every Ns`: the password never shows.
    public var description: String {
        let login = ControlPlaneLogin(username: username, password: password, database: database)
        return "\(host):\(port) \(login) every \(intervalSeconds)s"
    }
}

/// Polls the upstream's `INFO` over a ``ControlPlane/ControlPlaneConnection`` (hiredis
/// parses the reply) on the ``ControlPlane/ControlPlaneThread`` (the I/O blocks; the event
/// loops never wait for it) and keeps the result in ``state``.
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
    private let controlPlane: ControlPlaneThread
    private let slot = ConnectionSlot()

    /// Creates a poller that polls on `controlPlane` once run.
    public init(configuration: InfoPollerConfiguration, controlPlane: ControlPlaneThread, logger: Logger) {
        self.configuration = configuration
        self.controlPlane = controlPlane
        self.logger = logger
    }

    /// Polls until graceful shutdown, then closes its connection.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.pollLoop() }
        _ = try? await controlPlane.run { self.slot.connection = nil }
    }

    private func pollLoop() async {
        var failures = 0
        var lastReason: InfoPollError.Reason?
        while !Task.isCancelled {
            let outcome: InfoPollError?
            do {
                outcome = try await controlPlane.run { self.pollOnce() }
            } catch {
                return  // the control-plane thread is shutting down
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

    /// One poll, on the control-plane thread: (re)connect if needed, `INFO`, parse, record.
    private func pollOnce() -> InfoPollError? {
        let start = ContinuousClock.now
        func elapsed() -> UInt64 {
            let (seconds, attoseconds) = start.duration(to: .now).components
            return UInt64(max(seconds * 1_000_000_000 + attoseconds / 1_000_000_000, 0))
        }
        do throws(InfoPollError) {
            guard let address = currentAddress() else { return nil }  // not known yet: nothing to poll
            if slot.address.map({ $0 != address }) == true {
                slot.connection?.close()
                slot.connection = nil
            }
            let connection: ControlPlaneConnection
            if let existing = slot.connection {
                connection = existing
            } else {
                connection = try connect(to: address)
                slot.connection = connection
                slot.address = address
            }
            let info: RedisInfo
            switch try InfoPollError.converting({ () throws(ControlPlaneError) in try connection.command(["INFO"]) }) {
            case .string(let bytes):
                info = RedisInfo(parsing: bytes)
                guard !info.fields.isEmpty else { throw InfoPollError(.badReply, "INFO reply has no fields") }
            case .error(let message):
                throw InfoPollError(.errorReply, message)
            case let other:
                throw InfoPollError(.badReply, "INFO answered with \(Self.kind(of: other)), not text")
            }
            state.succeeded(info, durationNanos: elapsed(), unixTime: WallClock.unixSeconds())
            return nil
        } catch {
            if error.reason != .errorReply { slot.connection = nil }
            state.failed(error, durationNanos: elapsed())
            return error
        }
    }

    /// The address to poll: the configured one, or the moving target's (nil: not known yet).
    private func currentAddress() -> Address? {
        guard let target = configuration.target else {
            return Address(host: configuration.host, port: configuration.port)
        }
        return target().map { Address(host: $0.host, port: $0.port) }
    }

    private func connect(to address: Address) throws(InfoPollError) -> ControlPlaneConnection {
        let configuration = self.configuration
        let login = ControlPlaneLogin(
            username: configuration.username, password: configuration.password, database: configuration.database)
        return try InfoPollError.converting { () throws(ControlPlaneError) in
            try ControlPlaneConnection.connect(
                host: address.host, port: address.port, login: login,
                timeout: .seconds(configuration.timeoutSeconds), tls: configuration.tls?.context)
        }
    }

    private static func kind(of value: RESPValue) -> String {
        switch value {
        case .string: "a string"
        case .error: "an error"
        case .integer: "an integer"
        case .null: "a null"
        case .array: "an array"
        case .scalar: "a RESP3 scalar"
        }
    }
}

/// The poller's connection. Unchecked: only the control-plane thread touches it, one
/// poll after another.
private final class ConnectionSlot: @unchecked Sendable {
    var connection: ControlPlaneConnection?
    /// Where ``connection`` goes.
    var address: Address?
}

/// A server's host and port.
private struct Address: Equatable {
    var host: String
    var port: Int
}
