import Dispatch
import EpollIO
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Relay
import ServiceLifecycle
import Telemetry

/// Warm upstream connections, one leased per client connection.
///
/// A lease is always on the client's event loop, so client and upstream channel share
/// a thread. The pool keeps `minIdle` connections ready (re-opening them once a second
/// when Redis is down, which also keeps ``isUpstreamUp`` current), caps the total at
/// `maxTotal` with a FIFO wait queue bounded in time, and takes a connection back only
/// after `RESET` and re-login succeeded. Its lock is taken per client connection, never
/// per command.
///
/// With a Sentinel-managed primary (`followsFailovers`), ``retarget(to:)`` moves it to a
/// new primary: connections are opened in generations (``PoolStateMachine/generation``),
/// and every connection of an older one is closed, never handed out or written to again.
public final class UpstreamPool: Service, Sendable {
    private let configuration: PoolConfiguration
    private let endpoint: UpstreamEndpoint
    /// Whether the upstream may move (Sentinel): live connections are then recorded.
    private let followsFailovers: Bool
    private let login: UpstreamLogin
    private let group: EpollLoopGroup
    private let logger: Logger
    private let state: NIOLockedValueBox<PoolState>
    private let onUpstreamUp: @Sendable (UpstreamEndpoint) -> Void
    /// TLS to Redis (`rediss://`), when on.
    private let tls: TLSSide?
    /// Clients refused or disconnected because of the upstream, and replication streams.
    let events: ConnectionEvents
    /// Shared mode's counts (all zero in dedicated mode).
    public let shared: SharedStatistics
    /// Each loop's shared connections (`--pool-mode shared`), by loop; empty in dedicated mode.
    private let sharedLoops: [ObjectIdentifier: SharedLoop]
    /// What the shared connections are logged in as (which `AUTH` and `SELECT` stay shared).
    let sharedLogin: SharedLogin
    /// Whether clients share upstream connections (`--pool-mode shared`).
    public var mode: PoolMode { configuration.mode }

    /// Creates a pool; connections open when ``run()`` starts or a client arrives.
    /// `onUpstreamUp` runs whenever a connect succeeds after none had (at start-up, after
    /// Redis was unreachable, after a failover), with where it connected. `tls` makes every
    /// connection a TLS one (`rediss://`). With `followsFailovers`, no connection opens
    /// until ``retarget(to:)`` names the primary; `endpoint` then gives only the login and
    /// database.
    public init(
        endpoint: UpstreamEndpoint, configuration: PoolConfiguration, group: EpollLoopGroup, logger: Logger,
        tls: TLSSide? = nil, followsFailovers: Bool = false,
        onUpstreamUp: @escaping @Sendable (UpstreamEndpoint) -> Void = { _ in }
    ) {
        self.followsFailovers = followsFailovers
        self.onUpstreamUp = onUpstreamUp
        self.tls = tls
        self.endpoint = endpoint
        self.configuration = configuration
        self.login = configuration.clientLoginFromUpstream ? UpstreamLogin(endpoint: endpoint) : .none
        self.group = group
        self.logger = logger
        self.events = ConnectionEvents(logger: logger)
        var sharedLoops: [ObjectIdentifier: SharedLoop] = [:]
        if configuration.mode == .shared {
            for (index, loop) in group.loops.enumerated() {
                sharedLoops[ObjectIdentifier(loop)] = SharedLoop(
                    loop: loop, index: index, count: configuration.sharedConnections)
            }
        }
        self.shared = SharedStatistics(loops: configuration.mode == .shared ? group.loops.count : 0)
        self.sharedLoops = sharedLoops
        if configuration.clientLoginFromUpstream, endpoint.password != nil {
            self.sharedLogin = SharedLogin(
                user: Array((endpoint.username ?? "default").utf8), database: endpoint.database)
        } else {
            self.sharedLogin = SharedLogin(database: configuration.clientLoginFromUpstream ? endpoint.database : 0)
        }
        self.state = NIOLockedValueBox(
            PoolState(
                machine: Machine(
                    limits: .init(
                        minIdle: configuration.minIdle, maxIdle: configuration.maxIdle,
                        maxTotal: configuration.maxTotal)),
                target: followsFailovers ? nil : endpoint))
    }

    /// Where new connections go: the endpoint, or the current primary (nil before one is known).
    public var target: UpstreamEndpoint? { state.withLockedValue { $0.target } }

    /// Sends new connections to `primary` (host and port; the login stays the pool's):
    /// idle connections close at once, connections in use end (their clients' connections
    /// close, as when Redis goes away), and connections being opened or reset are not used.
    /// Only with `followsFailovers`.
    public func retarget(to primary: (host: String, port: Int)) {
        precondition(followsFailovers, "retarget needs followsFailovers")
        var endpoint = self.endpoint
        endpoint.host = primary.host
        endpoint.port = primary.port
        let old = state.withLockedValue { state -> [LeasedConnection] in
            state.target = endpoint
            _ = state.machine.retarget()  // idle ones are also live: retired below
            state.upstreamUp = false  // the next connect reports it up (and reloads COMMAND)
            let generation = state.machine.generation
            return state.live.values.filter { $0.generation != generation }.map(\.lease)
        }
        for lease in old {
            lease.eventLoop.execute { lease.value.retire(reason: "the upstream failed over") }
        }
        replenish()
    }

    /// Whether the last attempt to open an upstream connection succeeded.
    public var isUpstreamUp: Bool { state.withLockedValue { $0.upstreamUp } }

    /// Why the last attempt to open an upstream connection failed, if it did.
    public var lastError: String? { state.withLockedValue { $0.upstreamUp ? nil : $0.lastError } }

    /// Counts for monitoring.
    public var snapshot: PoolSnapshot {
        state.withLockedValue {
            PoolSnapshot(
                idle: $0.machine.idle.count, used: $0.machine.used, waiting: $0.machine.waiters.count,
                total: $0.machine.total,
                created: $0.created, connectErrors: $0.connectErrors, upstreamUp: $0.upstreamUp,
                waitBuckets: $0.waitBuckets, waitNanos: $0.waitNanos, eventLoopWaitErrors: group.waitErrors)
        }
    }

    /// Keeps `minIdle` connections open until graceful shutdown, then closes every idle one.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                self.replenish()
                try await Task.sleep(for: .seconds(1))
            }
        }
        shutdown()
        // Connects still under way finish on their event loops; wait so none outlives them.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLockedValue { state -> Bool in
                if state.machine.connecting == 0 { return true }
                state.connectWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    // MARK: - Shared connections

    /// `loop`'s shared connections, in shared mode.
    func sharedLoop(for loop: EpollLoop) -> SharedLoop? {
        sharedLoops.isEmpty ? nil : sharedLoops[ObjectIdentifier(loop)]
    }

    /// Opens a shared connection on `loop` through the pooled connections' path (resolve,
    /// connect, TLS, login; recorded as live for failovers) without leasing it: it is not
    /// counted in idle, used, total or `--pool-max`. While Redis cannot be reached it tries
    /// again, like ``acquire(on:)``, until `--pool-wait-timeout` has passed.
    func openShared(on loop: EpollLoop) -> EventLoopFuture<LeasedConnection> {
        let promise = loop.makePromise(of: LeasedConnection.self)
        observeWait(for: promise)
        let deadline = NIODeadline.now() + .nanoseconds(Int64(configuration.waitTimeoutSeconds * 1e9))
        openShared(on: loop, for: promise, until: deadline, retryIn: .milliseconds(50))
        return promise.futureResult
    }

    /// Counts the time until `promise` completes in the connection-wait histogram: a lease,
    /// or the opening of a shared connection clients wait for.
    private func observeWait(for promise: EventLoopPromise<LeasedConnection>) {
        let start = NIODeadline.now()
        promise.futureResult.whenComplete { _ in
            let waited = UInt64(max((NIODeadline.now() - start).nanoseconds, 0))
            self.state.withLockedValue { state in
                state.waitBuckets[DurationBuckets.index(nanos: waited)] += 1
                state.waitNanos += waited
            }
        }
    }

    private func openShared(
        on loop: EpollLoop, for promise: EventLoopPromise<LeasedConnection>, until deadline: NIODeadline,
        retryIn delay: TimeAmount
    ) {
        connect(on: loop).whenComplete { result in
            switch result {
            case .success(let lease):
                self.noteConnect(success: true)
                promise.succeed(lease)
            case .failure(let error):
                self.noteConnect(success: false, error: error)
                let shutDown = self.state.withLockedValue { $0.machine.isShutDown }
                guard !shutDown, .now() + delay < deadline else { return promise.fail(error) }
                loop.scheduleTask(in: delay) {
                    self.openShared(
                        on: loop, for: promise, until: deadline, retryIn: min(delay * 2, .milliseconds(500)))
                }.futureResult.whenFailure { _ in promise.fail(error) }
            }
        }
    }

    // MARK: - Leasing

    /// A connection on `loop`, logged in and ready, or an ``UpstreamError``.
    func acquire(on loop: EpollLoop) -> EventLoopFuture<LeasedConnection> {
        let promise = loop.makePromise(of: LeasedConnection.self)
        observeWait(for: promise)
        let key = ObjectIdentifier(promise.futureResult)
        let action = state.withLockedValue {
            $0.machine.acquire(
                on: ObjectIdentifier(loop), request: LeaseRequest(promise: promise, loop: loop), key: key)
        }
        switch action {
        case .use(let connection):
            promise.succeed(connection)
        case .open:
            open(on: loop, for: promise)
        case .replace(let other):
            let connection = other.connection
            connection.eventLoop.execute { connection.value.close() }
            open(on: loop, for: promise)
        case .wait(let id):
            let timeout = configuration.waitTimeoutSeconds
            loop.scheduleTask(in: .nanoseconds(Int64(timeout * 1e9))) {
                let expired = self.state.withLockedValue { $0.machine.waitExpired(id) }
                expired?.promise.fail(UpstreamError.poolExhausted(waited: timeout))
            }
        case .fail(let reason):
            promise.fail(UpstreamError(reason: reason))
        }
        return promise.futureResult
    }

    /// Withdraws a client that left while queued for a connection: its place in the
    /// queue goes at once, and `lease` (a future from ``acquire(on:)``) fails. A connection
    /// being opened for it is not tried again after a failure; one that opens comes back
    /// through the session, which releases it.
    func abandon(_ lease: EventLoopFuture<LeasedConnection>) {
        // Queued: fails now. Being opened: not tried again if Redis is down.
        let waiter = state.withLockedValue { $0.machine.abandon(ObjectIdentifier(lease)) }
        waiter?.promise.fail(UpstreamError(reason: "the client left while waiting"))
    }

    /// Takes back a connection whose session ended cleanly: `RESET`, re-login, then idle
    /// (or to a waiting client). Must be called on the connection's event loop.
    func release(_ lease: LeasedConnection) {
        let connection = lease.value
        if followsFailovers && !isCurrent(lease) {
            // Its server is no longer the primary: not even RESET goes to it.
            return discard(lease)
        }
        connection.detach()
        connection.resetForReuse(timeout: connectTimeout).assumeIsolated().whenComplete { result in
            switch result {
            case .success: self.checkIn(lease, wasUsed: true)
            case .failure(let error):
                self.logger.debug("upstream connection not reusable", metadata: ["reason": "\(error)"])
                connection.close()
                self.discard(wasUsed: true)
            }
        }
    }

    /// Forgets a leased connection that was closed or is not reusable.
    func discard(_ lease: LeasedConnection) {
        lease.value.close()
        discard(wasUsed: true)
    }

    // MARK: - Private

    private var connectTimeout: TimeAmount { .nanoseconds(Int64(configuration.connectTimeoutSeconds * 1e9)) }

    /// Opens a connection for a client. While Redis cannot be reached, tries again (50 ms,
    /// doubling to 500 ms) until `--pool-wait-timeout` has passed, so a client connecting
    /// during a restart of Redis is served once it is back instead of being closed at once:
    /// a client library retries a refused connect, but not always a connection that was
    /// accepted and then closed under it (redis-py's `CLIENT SETINFO` on connect).
    private func open(
        on loop: EpollLoop, for promise: EventLoopPromise<LeasedConnection>, until deadline: NIODeadline? = nil,
        retryIn delay: TimeAmount = .milliseconds(50)
    ) {
        let deadline = deadline ?? .now() + .nanoseconds(Int64(configuration.waitTimeoutSeconds * 1e9))
        connect(on: loop).whenComplete { result in
            switch result {
            case .success(let lease):
                self.noteConnect(success: true)
                self.state.withLockedValue { $0.machine.opened(ObjectIdentifier(promise.futureResult)) }
                promise.succeed(lease)
            case .failure(let error):
                self.noteConnect(success: false, error: error)
                let retry =
                    self.state.withLockedValue { $0.machine.mayRetry(ObjectIdentifier(promise.futureResult)) }
                    && .now() + delay < deadline
                let failure = UpstreamError(reason: UpstreamError.describe(error))
                guard retry else {
                    self.discard(wasUsed: true)
                    return promise.fail(failure)
                }
                loop.scheduleTask(in: delay) {
                    guard !self.state.withLockedValue({ $0.machine.isShutDown }) else {
                        self.discard(wasUsed: true)
                        return promise.fail(failure)
                    }
                    self.open(on: loop, for: promise, until: deadline, retryIn: min(delay * 2, .milliseconds(500)))
                }.futureResult.whenFailure { _ in
                    // The loop stopped before the retry: the client's wait ends here, not never
                    // (a promise left pending would keep its session, and the loop, alive).
                    self.discard(wasUsed: true)
                    promise.fail(failure)
                }
            }
        }
    }

    /// Opens a connection; counted while under way so shutdown can wait for it. Following
    /// failovers, it opens to the current primary and fails if the primary changed meanwhile.
    private func connect(on loop: EpollLoop) -> EventLoopFuture<LeasedConnection> {
        let (target, generation) = state.withLockedValue { state in
            state.machine.connectStarted()
            return (state.target, state.machine.generation)
        }
        let future: EventLoopFuture<LeasedConnection>
        if let target {
            future = bootstrapConnect(to: target, on: loop).flatMapThrowing { lease in
                guard self.adopt(lease, generation: generation) else {
                    lease.value.close()
                    throw UpstreamError(reason: "the upstream failed over while connecting")
                }
                return lease
            }
        } else {
            future = loop.makeFailedFuture(UpstreamError(reason: "no primary known yet (asking the sentinels)"))
        }
        future.whenComplete { _ in
            let waiters = self.state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
                guard state.machine.connectEnded() else { return [] }
                defer { state.connectWaiters.removeAll() }
                return state.connectWaiters
            }
            for waiter in waiters { waiter.resume() }
        }
        return future
    }

    /// Resolves the host (IP literals at once, names on a global queue: `getaddrinfo`
    /// blocks), connects to each address in turn until one answers, then logs in.
    private func bootstrapConnect(
        to endpoint: UpstreamEndpoint, on loop: EpollLoop
    ) -> EventLoopFuture<LeasedConnection> {
        let login = self.login
        let tls = self.tls
        let timeout = connectTimeout
        let host = endpoint.host
        let port = endpoint.port
        let addresses: EventLoopFuture<[SocketAddress]>
        if let literal = try? SocketAddress(ipAddress: host, port: port) {
            addresses = loop.makeSucceededFuture([literal])
        } else {
            let promise = loop.makePromise(of: [SocketAddress].self)
            DispatchQueue.global().async {
                promise.completeWith(
                    Result { () throws(UpstreamError) in
                        do throws(SocketCalls.ResolveError) {
                            return try SocketCalls.resolve(host, port: port)
                        } catch {
                            throw UpstreamError(reason: error.message)
                        }
                    })
            }
            addresses = promise.futureResult
        }
        return addresses.flatMap { addresses in
            Self.connect(on: loop, to: addresses[...], login: login, tls: tls, timeout: timeout, firstError: nil)
        }.flatMap { lease in
            lease.value.logIn(timeout: timeout).map { lease }.flatMapErrorThrowing { error in
                lease.value.close()
                throw error
            }
        }
    }

    private static func connect(
        on loop: EpollLoop, to addresses: ArraySlice<SocketAddress>, login: UpstreamLogin, tls: TLSSide?,
        timeout: TimeAmount, firstError: Error?
    ) -> EventLoopFuture<LeasedConnection> {
        guard let address = addresses.first else {
            return loop.makeFailedFuture(firstError ?? UpstreamError(reason: "cannot resolve host (no address)"))
        }
        return UpstreamConnection.connect(on: loop, to: address, login: login, tls: tls, timeout: timeout)
            .flatMapError { error in
                connect(
                    on: loop, to: addresses.dropFirst(), login: login, tls: tls, timeout: timeout,
                    firstError: firstError ?? error)
            }
    }

    /// Records a connection opened in `generation` as live (following failovers): false
    /// when the primary changed since it began. On the connection's loop.
    private func adopt(_ lease: LeasedConnection, generation: UInt64) -> Bool {
        guard followsFailovers else { return true }
        let id = ObjectIdentifier(lease.value)
        let adopted = state.withLockedValue { state in
            guard state.machine.generation == generation else { return false }
            state.live[id] = LiveConnection(lease: lease, generation: generation)
            return true
        }
        if adopted {
            lease.value.onFinish = { [self] in _ = self.state.withLockedValue { $0.live.removeValue(forKey: id) } }
        }
        return adopted
    }

    /// Whether a connection was opened to the current primary.
    private func isCurrent(_ lease: LeasedConnection) -> Bool {
        let id = ObjectIdentifier(lease.value)
        return state.withLockedValue { $0.live[id]?.generation == $0.machine.generation }
    }

    private func noteConnect(success: Bool, error: Error? = nil) {
        let reason = error.map { UpstreamError.describe($0) }
        let (wasUp, target) = state.withLockedValue { state -> (Bool?, UpstreamEndpoint?) in
            // Before the sentinels named a primary there is nothing to count (or to log):
            // the upstream is not yet known to be up or down.
            if state.target == nil { return (state.upstreamUp, nil) }
            if success {
                state.created += 1
            } else {
                state.connectErrors[UpstreamErrorReason(reason: reason ?? ""), default: 0] += 1
                state.lastError = reason
            }
            let before = state.everConnected ? state.upstreamUp : nil
            state.upstreamUp = success
            state.everConnected = true
            return (before, state.target)
        }
        let name = target.map { "\($0)" } ?? "(primary not known yet)"
        if success && wasUp != true {
            logger.info("upstream reachable", metadata: ["upstream": "\(name)"])
            onUpstreamUp(target ?? endpoint)
        } else if !success && wasUp != false {
            logger.warning("upstream unavailable", metadata: ["upstream": "\(name)", "reason": "\(reason ?? "")"])
        }
    }

    private func replenish() {
        let count = state.withLockedValue { $0.machine.replenish() }
        for _ in 0..<count {
            connect(on: group.nextLoop()).whenComplete { result in
                switch result {
                case .success(let lease):
                    // Completion runs on the connection's own loop.
                    self.noteConnect(success: true)
                    self.checkIn(lease, wasUsed: false, replenished: true)
                case .failure(let error):
                    self.noteConnect(success: false, error: error)
                    self.discard(wasUsed: false, replenished: true)
                }
            }
        }
    }

    /// Puts a ready connection back: to the first waiter, into the idle list, or closed.
    /// Runs on the connection's event loop. `replenished`: it was opened by ``replenish()``.
    private func checkIn(_ lease: LeasedConnection, wasUsed: Bool, replenished: Bool = false) {
        let loop = lease.value.loop
        let id = ObjectIdentifier(lease.value)
        let action = state.withLockedValue {
            $0.machine.checkIn(
                lease, id: id, on: ObjectIdentifier(loop), wasUsed: wasUsed, replenished: replenished,
                generation: $0.live[id]?.generation)
        }
        switch action {
        case .keep:
            lease.value.onIdleClose = { [self] in self.state.withLockedValue { $0.machine.idleClosed(id) } }
        case .close:
            lease.value.close()
        case .handTo(let request):
            request.promise.succeed(lease)
        case .replaceFor(let waiter):
            lease.value.close()
            open(on: waiter.request.loop, for: waiter.request.promise)
        }
    }

    private func discard(wasUsed: Bool, replenished: Bool = false) {
        let waiter = state.withLockedValue { $0.machine.discard(wasUsed: wasUsed, replenished: replenished) }
        if let waiter { open(on: waiter.request.loop, for: waiter.request.promise) }
    }

    private func shutdown() {
        let (idle, waiters) = state.withLockedValue { $0.machine.shutdown() }
        for entry in idle {
            let connection = entry.connection
            connection.eventLoop.execute { connection.value.close() }
        }
        for waiter in waiters { waiter.request.promise.fail(UpstreamError(reason: "shutting down")) }
    }
}

extension Double {
    /// `5` for 5.0, `0.5` for 0.5: seconds as people write them.
    var formatted: String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}

/// A connection leased to one client session, usable on its event loop only.
typealias LeasedConnection = NIOLoopBound<UpstreamConnection>

/// Upstream pool counts at one moment.
public struct PoolSnapshot: Sendable {
    /// Connections ready for a client.
    public var idle: Int
    /// Connections serving a client (or being reset for reuse).
    public var used: Int
    /// Clients waiting for a connection.
    public var waiting: Int
    /// Connections open or opening.
    public var total: Int
    /// Connections opened successfully since start.
    public var created: Int
    /// Failed attempts to open a connection since start, by reason.
    var connectErrors: [UpstreamErrorReason: UInt64]
    /// Whether the last connect succeeded.
    public var upstreamUp: Bool
    /// Acquisitions by wait time (``DurationBuckets``, not cumulative).
    public var waitBuckets: [UInt64]
    /// Total wait, in nanoseconds.
    public var waitNanos: UInt64
    /// `epoll_wait` failures (other than `EINTR`) on every event loop.
    public var eventLoopWaitErrors: UInt64
}

/// The pool's leasing state machine, over leased connections and waiting clients' promises.
private typealias Machine = PoolStateMachine<LeasedConnection, LeaseRequest>

/// A client's request for a connection: the promise to fulfil, on the client's loop.
private struct LeaseRequest: Sendable {
    let promise: EventLoopPromise<LeasedConnection>
    let loop: EpollLoop
}

/// What the pool's lock guards: the leasing state machine and the pool's statistics.
private struct PoolState {
    var machine: Machine
    /// Where connections open: the endpoint, or the current primary (nil before one is known).
    var target: UpstreamEndpoint?
    /// Connections open, by identity, with their generation (only when following failovers).
    var live: [ObjectIdentifier: LiveConnection] = [:]
    var upstreamUp = false
    var lastError: String?
    var created = 0
    var connectErrors: [UpstreamErrorReason: UInt64] = [:]
    var everConnected = false
    var waitBuckets = [UInt64](repeating: 0, count: DurationBuckets.count)
    var waitNanos: UInt64 = 0
    /// Shutdown waits for the connects under way (``Machine/connecting``).
    var connectWaiters: [CheckedContinuation<Void, Never>] = []
}

/// A connection open to the upstream, and the generation (primary) it was opened in.
private struct LiveConnection {
    let lease: LeasedConnection
    let generation: UInt64
}
