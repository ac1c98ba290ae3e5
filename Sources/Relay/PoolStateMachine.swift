/// The upstream pool's leasing logic, fed events, returning actions; the `Proxy` module's
/// `UpstreamPool` performs them (opening, closing and handing out connections) under its
/// lock, once per client connection, never per command.
///
/// Connections belong to an event loop; a client is given one on its own loop. The pool
/// keeps `minIdle` connections ready, caps the total at `maxTotal` with a first-in,
/// first-out queue of waiting clients, and takes a connection back only once it was
/// reset. Generic over the pooled `Connection` and a waiting client's `Request` (a
/// promise), so it is tested without sockets.
///
/// Where later work plugs in: shared upstream connections would lease one connection to
/// several sessions here (a use count per idle entry) instead of one each.
package struct PoolStateMachine<Connection, Request> {
    /// The pool's limits.
    package struct Limits: Sendable {
        /// Idle connections kept open and ready.
        package var minIdle: Int
        /// Idle connections kept at most; more are closed when given back.
        package var maxIdle: Int
        /// Connections open (or opening) at most.
        package var maxTotal: Int

        /// Limits with these values.
        package init(minIdle: Int, maxIdle: Int, maxTotal: Int) {
            self.minIdle = minIdle
            self.maxIdle = maxIdle
            self.maxTotal = maxTotal
        }
    }

    /// A ready connection in the pool.
    package struct Idle {
        /// The connection.
        package var connection: Connection
        /// Its event loop.
        package var loop: ObjectIdentifier
        /// Its identity (for ``idleClosed(_:)``).
        package var id: ObjectIdentifier
    }

    /// A client waiting for a connection.
    package struct Waiter {
        /// Its place in the queue (for ``waitExpired(_:)``).
        package var id: UInt64
        /// Its event loop.
        package var loop: ObjectIdentifier
        /// Who to hand the connection to.
        package var request: Request
        /// The identity the client withdraws it by (``abandon(_:)``).
        package var key: ObjectIdentifier
    }

    /// What to do for a client asking for a connection.
    package enum AcquireAction {
        /// Hand it this idle connection (on its loop).
        case use(Connection)
        /// Open a new connection for it.
        case open
        /// Close this idle connection on another loop, and open one on the client's.
        case replace(Idle)
        /// It waits (in the queue, as ``Waiter/id``) until a connection is free or its time is up.
        case wait(UInt64)
        /// Refuse it (shutting down).
        case fail(String)
    }

    /// What to do with a connection given back, ready.
    package enum CheckInAction {
        /// It idles in the pool.
        case keep
        /// Close it (shutting down, or more idle than `maxIdle`).
        case close
        /// Hand it to this waiting client (same loop).
        case handTo(Request)
        /// Close it, and open one for this waiting client on its own loop.
        case replaceFor(Waiter)
    }

    /// Connections open or opening.
    package private(set) var total = 0
    /// Connections serving a client (or being reset for reuse).
    package private(set) var used = 0
    /// Connections being opened to idle (by ``replenish()``).
    package private(set) var openingIdle = 0
    /// Ready connections, most recently given back last.
    package private(set) var idle: [Idle] = []
    /// Clients waiting, first come first.
    package private(set) var waiters: [Waiter] = []
    /// Whether the pool shut down.
    package private(set) var isShutDown = false
    /// Connects under way (shutdown waits for them).
    package private(set) var connecting = 0
    /// Which upstream connections are opened to: bumped by ``retarget()`` (a Sentinel
    /// failover). A connection of an older generation is never handed out or kept.
    package private(set) var generation: UInt64 = 0
    private var nextWaiterID: UInt64 = 0
    /// Requests whose client left while their connection was being opened.
    private var abandoned: Set<ObjectIdentifier> = []
    private let limits: Limits

    /// An empty pool with these limits.
    package init(limits: Limits) {
        self.limits = limits
    }

    // MARK: - Leasing

    /// A client on `loop` asks for a connection.
    package mutating func acquire(on loop: ObjectIdentifier, request: Request, key: ObjectIdentifier) -> AcquireAction {
        if isShutDown { return .fail("shutting down") }
        if let index = idle.lastIndex(where: { $0.loop == loop }) {
            used += 1
            return .use(idle.remove(at: index).connection)
        }
        if total < limits.maxTotal {
            total += 1
            used += 1
            return .open
        }
        if let other = idle.popLast() {
            // All slots taken but one idles on another loop: replace it with one here.
            used += 1
            return .replace(other)
        }
        let id = nextWaiterID
        nextWaiterID += 1
        waiters.append(Waiter(id: id, loop: loop, request: request, key: key))
        return .wait(id)
    }

    /// A waiting client's time is up: its request, to fail, unless it was served meanwhile.
    package mutating func waitExpired(_ id: UInt64) -> Request? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index).request
    }

    /// A client left while waiting: its request to fail when it was queued, nil when its
    /// connection is being opened (it is then not tried again: ``mayRetry(_:)``).
    package mutating func abandon(_ key: ObjectIdentifier) -> Request? {
        guard let index = waiters.firstIndex(where: { $0.key == key }) else {
            abandoned.insert(key)
            return nil
        }
        return waiters.remove(at: index).request
    }

    /// A connect for `key` succeeded: forget that its client may have left (the session
    /// gives the connection back).
    package mutating func opened(_ key: ObjectIdentifier) {
        abandoned.remove(key)
    }

    /// A connect for `key` failed: whether to try again (its client is still there and
    /// the pool still runs). Forgets the key either way.
    package mutating func mayRetry(_ key: ObjectIdentifier) -> Bool {
        let left = abandoned.remove(key) != nil
        return !left && !isShutDown
    }

    /// A ready connection comes back (`wasUsed`: from a client, else newly opened to idle),
    /// opened in `generation` (the current one unless given). `replenished`: opened by
    /// ``replenish()``, so it stops counting as being opened in the same step that counts it
    /// idle (a replenish between the two would open one more).
    package mutating func checkIn(
        _ connection: Connection, id: ObjectIdentifier, on loop: ObjectIdentifier, wasUsed: Bool,
        replenished: Bool = false, generation: UInt64? = nil
    ) -> CheckInAction {
        if replenished { openingIdle -= 1 }
        if wasUsed { used -= 1 }
        if isShutDown || (generation ?? self.generation) != self.generation {
            total -= 1
            return .close
        }
        if !waiters.isEmpty {
            let waiter = waiters.removeFirst()
            used += 1
            return waiter.loop == loop ? .handTo(waiter.request) : .replaceFor(waiter)
        }
        if idle.count < max(limits.maxIdle, limits.minIdle) {
            idle.append(Idle(connection: connection, loop: loop, id: id))
            return .keep
        }
        total -= 1
        return .close
    }

    /// An idle connection closed (Redis's `timeout`, a restart).
    package mutating func idleClosed(_ id: ObjectIdentifier) {
        guard let index = idle.firstIndex(where: { $0.id == id }) else { return }
        idle.remove(at: index)
        total -= 1
    }

    /// A connection is gone (closed, failed to open, not reusable): its slot is free. The
    /// first waiting client, if any, gets a new connection opened for it. `replenished`: a
    /// connect of ``replenish()`` failed.
    package mutating func discard(wasUsed: Bool, replenished: Bool = false) -> Waiter? {
        if replenished { openingIdle -= 1 }
        total -= 1
        if wasUsed { used -= 1 }
        guard !isShutDown, !waiters.isEmpty, total < limits.maxTotal else { return nil }
        total += 1
        used += 1
        return waiters.removeFirst()
    }

    // MARK: - Keeping connections ready

    /// How many connections to open now so `minIdle` are ready (within `maxTotal`).
    package mutating func replenish() -> Int {
        guard !isShutDown else { return 0 }
        let deficit = limits.minIdle - idle.count - openingIdle
        let count = max(0, min(deficit, limits.maxTotal - total))
        total += count
        openingIdle += count
        return count
    }

    /// A connect starts.
    package mutating func connectStarted() {
        connecting += 1
    }

    /// A connect ended: true when none is under way any more.
    package mutating func connectEnded() -> Bool {
        connecting -= 1
        return connecting == 0
    }

    // MARK: - Failover

    /// The upstream moved (a new primary): later connections open in a new generation.
    /// Returns the idle connections, no longer counted, to close; connections in use or
    /// being opened belong to the old generation (``checkIn(_:id:on:wasUsed:generation:)``
    /// closes them).
    package mutating func retarget() -> [Idle] {
        generation += 1
        defer {
            total -= idle.count
            idle.removeAll()
        }
        return idle
    }

    // MARK: - Shutdown

    /// Shuts the pool down: the idle connections to close and the waiting clients to fail.
    package mutating func shutdown() -> (idle: [Idle], waiters: [Waiter]) {
        isShutDown = true
        defer {
            total -= idle.count
            idle.removeAll()
            waiters.removeAll()
        }
        return (idle, waiters)
    }
}

extension PoolStateMachine: Sendable where Connection: Sendable, Request: Sendable {}
extension PoolStateMachine.Idle: Sendable where Connection: Sendable {}
extension PoolStateMachine.Waiter: Sendable where Request: Sendable {}
