import ControlPlane
import Logging
import NIOConcurrencyHelpers
import RESP
import Relay
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// Follows a Sentinel-managed primary (`redis+sentinel://`) and keeps the pool pointed at
/// it: performs the ``Relay/SentinelStateMachine``'s actions on control-plane threads of its
/// own (the I/O blocks, bounded by the connect timeout).
///
/// Two ways to learn of a failover: a round every ``interval`` (and at start-up) asks the
/// sentinels `SENTINEL GET-MASTER-ADDR-BY-NAME`, and a connection subscribed to
/// `+switch-master` on one sentinel (the next one when it fails) reports switches as they
/// happen. A new address is used only once its `ROLE` says `master`; then the pool is
/// re-targeted (``UpstreamPool/retarget(to:)``: connections to the old primary close) and
/// the INFO poll and the `COMMAND` load follow the pool's target.
public final class SentinelFollower: Service, Sendable {
    /// Seconds between rounds of questions to the sentinels.
    public static let interval: Duration = .seconds(1)
    /// How long the subscriber waits for a message before checking for shutdown.
    static let listenSlice: Duration = .milliseconds(250)

    private let endpoint: SentinelEndpoint
    private let pool: UpstreamPool
    private let timeout: Duration
    private let logger: Logger
    private let machine: NIOLockedValueBox<SentinelStateMachine>
    private let stopping = NIOLockedValueBox(false)
    private let queries: ControlPlaneThread
    private let subscriber: ControlPlaneThread
    /// Cached connections to the sentinels; only the query thread touches them.
    private let connections: SentinelConnections

    /// Creates a follower that re-targets `pool`; `timeout` bounds each connect and reply.
    public init(endpoint: SentinelEndpoint, pool: UpstreamPool, timeout: Duration, logger: Logger) throws {
        self.endpoint = endpoint
        self.pool = pool
        self.timeout = timeout
        self.logger = logger
        self.machine = NIOLockedValueBox(SentinelStateMachine(sentinelCount: endpoint.sentinels.count))
        self.queries = try ControlPlaneThread(name: "redis-lens-stl")
        self.subscriber = try ControlPlaneThread(name: "redis-lens-sub")
        self.connections = SentinelConnections(count: endpoint.sentinels.count)
    }

    /// The followed primary, failovers and sentinels' reachability, for metrics and `/stats`.
    public var snapshot: SentinelSnapshot {
        machine.withLockedValue { machine in
            SentinelSnapshot(
                primary: machine.primary?.description, failovers: machine.failovers,
                sentinels: zip(endpoint.sentinels, machine.sentinelUp).map { (address: $0.description, up: $1) })
        }
    }

    /// Asks the sentinels every ``interval`` and listens for `+switch-master` until graceful
    /// shutdown.
    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                _ = try? await self.subscriber.run { self.listen() }
            }
            await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    do {
                        try await self.queries.run { self.drive(self.machine.withLockedValue { $0.timer() }) }
                        try await Task.sleep(for: Self.interval)
                    } catch {
                        return
                    }
                }
            }
            stopping.withLockedValue { $0 = true }
            await group.waitForAll()
        }
        _ = try? await queries.run { self.connections.closeAll() }
        await queries.shutdown()
        await subscriber.shutdown()
    }

    // MARK: - Performing actions (query thread)

    /// Performs actions until the machine has nothing more to do.
    private func drive(_ first: SentinelStateMachine.Action) {
        var action = first
        while true {
            switch action {
            case .idle:
                return
            case .ask(let index):
                let answer = ask(index)
                action = machine.withLockedValue { machine in
                    switch answer {
                    case .success(let address): machine.sentinelAnswered(index, primary: address)
                    case .failure: machine.sentinelUnreachable(index)
                    }
                }
            case .probe(let index):
                let reachable: Bool
                if case .success = ask(index) { reachable = true } else { reachable = false }
                action = machine.withLockedValue { $0.sentinelProbed(index, reachable: reachable) }
            case .verify(let address):
                let isPrimary = checkRole(address)
                action = machine.withLockedValue { $0.roleChecked(address, isPrimary: isPrimary) }
            case .use(let primary, let previous):
                if let previous {
                    logger.notice(
                        "upstream failed over to a new primary",
                        metadata: [
                            "master": "\(endpoint.masterName)", "old": "\(previous)", "new": "\(primary)",
                        ])
                } else {
                    logger.info(
                        "primary found", metadata: ["master": "\(endpoint.masterName)", "primary": "\(primary)"])
                }
                pool.retarget(to: (primary.host, primary.port))
                return
            }
        }
    }

    /// `SENTINEL GET-MASTER-ADDR-BY-NAME` on sentinel `index`: the address (nil when the
    /// sentinel does not know the name), or a failure (unreachable, refused).
    private func ask(_ index: Int) -> Result<SentinelStateMachine.Address?, ControlPlaneError> {
        let sentinel = endpoint.sentinels[index]
        do throws(ControlPlaneError) {
            let connection: ControlPlaneConnection
            if let cached = connections[index], cached.isOpen {
                connection = cached
            } else {
                connection = try ControlPlaneConnection.connect(
                    host: sentinel.host, port: sentinel.port, login: sentinelLogin, timeout: timeout)
                connections[index] = connection
            }
            let reply = try connection.command(["SENTINEL", "GET-MASTER-ADDR-BY-NAME", endpoint.masterName])
            switch reply {
            case .null:
                reachable(index)
                return .success(nil)
            case .array(let parts) where parts.count == 2:
                if let host = parts[0].text, let portText = parts[1].text, let port = Int(portText) {
                    reachable(index)
                    return .success(SentinelStateMachine.Address(host: host, port: port))
                }
            case .error(let message):
                throw ControlPlaneError(.protocolError, "sentinel \(sentinel) refused: \(message)")
            default:
                break
            }
            throw ControlPlaneError(.protocolError, "sentinel \(sentinel) sent an unexpected reply")
        } catch {
            connections[index]?.close()
            connections[index] = nil
            if !connections.failing[index] {
                connections.failing[index] = true
                logger.warning("sentinel not usable", metadata: ["sentinel": "\(sentinel)", "reason": "\(error)"])
            }
            return .failure(error)
        }
    }

    /// Logs a sentinel answering again after it failed.
    private func reachable(_ index: Int) {
        guard connections.failing[index] else { return }
        connections.failing[index] = false
        logger.info("sentinel answers again", metadata: ["sentinel": "\(endpoint.sentinels[index])"])
    }

    /// Whether `address` answers `ROLE` with `master` (logged in as the proxy).
    private func checkRole(_ address: SentinelStateMachine.Address) -> Bool {
        let primary = endpoint.primary
        let login = ControlPlaneLogin(
            username: primary.username, password: primary.password, database: primary.database)
        do throws(ControlPlaneError) {
            let connection = try ControlPlaneConnection.connect(
                host: address.host, port: address.port, login: login, timeout: timeout)
            defer { connection.close() }
            let reply = try connection.command(["ROLE"])
            if case .error(let message) = reply {
                throw ControlPlaneError(.protocolError, "ROLE refused: \(login.redacting(message))")
            }
            let role = reply.elements?.first?.text
            if role != "master" {
                logger.info(
                    "a sentinel named a server that is not the primary",
                    metadata: ["address": "\(address)", "role": "\(role ?? "?")"])
            }
            return role == "master"
        } catch {
            logger.info("cannot check the role of a server", metadata: ["address": "\(address)", "reason": "\(error)"])
            return false
        }
    }

    private var sentinelLogin: ControlPlaneLogin {
        ControlPlaneLogin(username: endpoint.sentinelUsername, password: endpoint.sentinelPassword)
    }

    // MARK: - Listening for +switch-master (subscriber thread)

    /// Subscribes to `+switch-master` on one sentinel after another until shutdown; each
    /// switch of the followed name is checked on the query thread.
    private func listen() {
        var index = 0
        var attempts = 0
        while !stopping.withLockedValue({ $0 }) {
            let sentinel = endpoint.sentinels[index % endpoint.sentinels.count]
            index += 1
            do throws(ControlPlaneError) {
                let connection = try ControlPlaneConnection.connect(
                    host: sentinel.host, port: sentinel.port, login: sentinelLogin, timeout: timeout)
                defer { connection.close() }
                if case .error(let message) = try connection.command(["SUBSCRIBE", "+switch-master"]) {
                    throw ControlPlaneError(.protocolError, "SUBSCRIBE refused: \(message)")
                }
                attempts = 0
                while !stopping.withLockedValue({ $0 }) {
                    guard let message = try connection.nextMessage(waitingUpTo: Self.listenSlice) else { continue }
                    if let address = switchTarget(message) { announce(address) }
                }
            } catch {
                logger.debug(
                    "cannot listen to a sentinel", metadata: ["sentinel": "\(sentinel)", "reason": "\(error)"])
                attempts += 1
                // After a full turn of failures, wait a little before the next turn.
                if attempts % endpoint.sentinels.count == 0 { pause(Self.listenSlice * 2) }
            }
        }
    }

    /// The new address in a `+switch-master` message for the followed name
    /// (`message +switch-master "<name> <old-ip> <old-port> <new-ip> <new-port>"`).
    private func switchTarget(_ message: RESPValue) -> SentinelStateMachine.Address? {
        guard let parts = message.elements, parts.count == 3, parts[0].text == "message",
            let text = parts[2].text
        else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count == 5, fields[0] == endpoint.masterName, let port = Int(fields[4]) else { return nil }
        return SentinelStateMachine.Address(host: String(fields[3]), port: port)
    }

    private func announce(_ address: SentinelStateMachine.Address) {
        logger.info("a sentinel announced a new primary", metadata: ["address": "\(address)"])
        let queries = self.queries
        Task {
            _ = try? await queries.run {
                // After shutdown began, connections it opened would outlive `closeAll()`.
                guard !self.stopping.withLockedValue({ $0 }) else { return }
                self.drive(self.machine.withLockedValue { $0.switchAnnounced(to: address) })
            }
        }
    }

    /// Sleeps `duration` on this (blocking) thread, in slices, returning early on shutdown.
    private func pause(_ duration: Duration) {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline, !stopping.withLockedValue({ $0 }) {
            var slice = timespec(tv_sec: 0, tv_nsec: 50_000_000)
            nanosleep(&slice, nil)
        }
    }
}

/// The primary a ``SentinelFollower`` follows, at one moment.
public struct SentinelSnapshot: Sendable {
    /// `host:port` of the verified primary; nil before one was found.
    public var primary: String?
    /// Changes of primary since start.
    public var failovers: UInt64
    /// Each configured sentinel (`host:port`) and whether it answered at last contact.
    public var sentinels: [(address: String, up: Bool)]
}

/// The query thread's connections to the sentinels. Unchecked: only that thread uses them.
private final class SentinelConnections: @unchecked Sendable {
    private var slots: [ControlPlaneConnection?]
    /// Per sentinel: whether its last question failed (logged once, until it answers).
    var failing: [Bool]

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
        failing = Array(repeating: false, count: count)
    }

    subscript(index: Int) -> ControlPlaneConnection? {
        get { slots[index] }
        set { slots[index] = newValue }
    }

    func closeAll() {
        for connection in slots { connection?.close() }
        slots = slots.map { _ in nil }
    }
}
