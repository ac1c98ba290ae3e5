import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Client connections the proxy closed because of the upstream, and the replication
/// streams it relays: counted for `/metrics`, and logged once per reason (then at most
/// every ``logInterval`` with the number since), so an upstream restart with a thousand
/// clients writes a line or two, not a thousand.
///
/// Updated once per connection event (and per read on a replication stream), never per
/// command, so a lock is fine here.
final class ConnectionEvents: Sendable {
    /// Why a client connection was closed before it was relayed.
    enum Refusal: String, CaseIterable, Sendable {
        /// No upstream connection could be opened (closed without a reply, as a refused connect looks).
        case upstreamUnavailable = "upstream_unavailable"
        /// Every `--pool-max` connection was in use (`-ERR max number of clients reached`, as Redis).
        case maxClients = "max_clients"

        /// What the log line says.
        var logText: String {
            switch self {
            case .upstreamUnavailable: "client connection closed: upstream unavailable"
            case .maxClients: "client connection closed: max number of clients reached"
            }
        }
    }

    /// How an upstream connection ended under a client that had not asked for it.
    enum Disconnect: String, CaseIterable, Sendable {
        /// Redis closed it (EOF): a restart, `CLIENT KILL`, its `timeout`, a protocol error.
        case closed
        /// A read or write failed (a reset, an unreachable peer).
        case error
    }

    /// Counts at one moment.
    struct Snapshot: Sendable {
        var refused: [Refusal: UInt64] = [:]
        var disconnects: [Disconnect: UInt64] = [:]
        var replicationStreams = 0
        /// `accept` calls that failed (descriptors or memory exhausted).
        var acceptFailures: UInt64 = 0
        var replicationBytes: (fromUpstream: UInt64, toUpstream: UInt64) = (0, 0)
    }

    private struct State {
        var counts = Snapshot()
        /// When each reason was last logged, and how many came since.
        var lastLogged: [String: (at: NIODeadline, since: UInt64)] = [:]
    }

    /// The least time between two log lines for the same reason.
    static let logInterval = TimeAmount.seconds(10)

    private let state = NIOLockedValueBox(State())
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    var snapshot: Snapshot { state.withLockedValue { $0.counts } }

    /// A client was closed before it was relayed.
    func refused(_ refusal: Refusal, reason: String) {
        let logLine = state.withLockedValue { state -> UInt64? in
            state.counts.refused[refusal, default: 0] += 1
            return Self.shouldLog(refusal.rawValue, in: &state)
        }
        if let since = logLine {
            logger.warning(
                "\(refusal.logText)", metadata: ["reason": "\(reason)", "count_since_last_line": "\(since)"])
        }
    }

    /// A client's upstream connection ended while the client was relayed.
    func disconnected(_ disconnect: Disconnect, reason: String, owed: Int) {
        let logLine = state.withLockedValue { state -> UInt64? in
            state.counts.disconnects[disconnect, default: 0] += 1
            return Self.shouldLog(disconnect.rawValue, in: &state)
        }
        if let since = logLine {
            logger.warning(
                "upstream connection lost; closing its client connection",
                metadata: ["reason": "\(reason)", "owed": "\(owed)", "count_since_last_line": "\(since)"])
        }
    }

    /// A client sent `SYNC`/`PSYNC`: its connection became a raw relay.
    func replicationStarted() {
        state.withLockedValue { $0.counts.replicationStreams += 1 }
        logger.info("replication stream started through the proxy")
    }

    /// A replication stream's connection closed.
    /// `accept` failed (the listener logs it and tries again).
    func acceptFailed() {
        state.withLockedValue { $0.counts.acceptFailures += 1 }
    }

    func replicationEnded() {
        state.withLockedValue { $0.counts.replicationStreams -= 1 }
    }

    /// Bytes relayed on replication streams.
    func replicationBytes(fromUpstream: Int, toUpstream: Int) {
        state.withLockedValue {
            $0.counts.replicationBytes.fromUpstream &+= UInt64(fromUpstream)
            $0.counts.replicationBytes.toUpstream &+= UInt64(toUpstream)
        }
    }

    /// Whether to log `key` now; returns the events since the last line, itself included.
    private static func shouldLog(_ key: String, in state: inout State) -> UInt64? {
        let now = NIODeadline.now()
        guard let last = state.lastLogged[key] else {
            state.lastLogged[key] = (now, 0)
            return 1
        }
        guard now - last.at >= logInterval else {
            state.lastLogged[key] = (last.at, last.since + 1)
            return nil
        }
        state.lastLogged[key] = (now, 0)
        return last.since + 1
    }
}
