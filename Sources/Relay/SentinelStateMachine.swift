/// Following a Sentinel-managed primary (`redis+sentinel://`), fed events, returning
/// actions; the `Proxy` module's `SentinelFollower` performs them (asking a sentinel,
/// checking `ROLE`, re-pointing the pool) on its control-plane thread, one at a time.
///
/// A round asks the sentinels in order of preference (the last one that answered comes
/// first, so a sentinel that is down costs its timeout once, not every round) for the
/// primary's address. An address that is not the current primary's is used only once its
/// `ROLE` says `master` (a sentinel can be stale); a stale answer moves on to the next
/// sentinel. A `+switch-master` message is checked the same way. Rounds start on a timer
/// (and at start-up). A round that ends without a new primary probes one sentinel it did
/// not ask (each in turn), so every sentinel's reachability stays current.
package struct SentinelStateMachine: Sendable {
    /// A host and port, as sentinels report them.
    package struct Address: Hashable, Sendable, CustomStringConvertible {
        /// Host name or address.
        package var host: String
        /// TCP port.
        package var port: Int

        /// An address.
        package init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// `host:port` (`[v6]:port` for IPv6).
        package var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// What to do next.
    package enum Action: Equatable, Sendable {
        /// Ask sentinel `index` (of the configured list) for the primary's address.
        case ask(sentinel: Int)
        /// Ask sentinel `index` too, only to learn whether it answers (``sentinelProbed(_:reachable:)``).
        case probe(sentinel: Int)
        /// Connect to this address and check that its `ROLE` is `master`.
        case verify(Address)
        /// Send new connections to `primary`; `previous` (if any) is no longer the primary:
        /// drop every connection to it.
        case use(primary: Address, previous: Address?)
        /// Nothing until the next timer or message.
        case idle
    }

    /// The verified primary, nil until one is known.
    package private(set) var primary: Address?
    /// Changes of primary since start (the first primary found is not one).
    package private(set) var failovers: UInt64 = 0
    /// Per configured sentinel: whether it answered at last contact (false before any).
    package private(set) var sentinelUp: [Bool]
    /// Sentinel indexes, preferred first.
    private var order: [Int]
    /// The sentinels still to ask in the current round; nil outside a round.
    private var remaining: [Int]?
    /// The sentinels asked in the current round.
    private var asked: [Int] = []
    /// Which of the sentinels not asked is probed at the end of the next round.
    private var probeCursor = 0

    /// A machine for `sentinelCount` sentinels (at least one), in the configured order.
    package init(sentinelCount: Int) {
        precondition(sentinelCount > 0, "at least one sentinel")
        sentinelUp = Array(repeating: false, count: sentinelCount)
        order = Array(0..<sentinelCount)
    }

    /// Whether a round is under way.
    package var isAsking: Bool { remaining != nil }

    /// Time for a round: ask the preferred sentinel (nothing if a round is under way).
    package mutating func timer() -> Action {
        guard remaining == nil else { return .idle }
        remaining = order
        return next()
    }

    /// Sentinel `index` answered with the primary's address (nil: it does not know
    /// the master name).
    package mutating func sentinelAnswered(_ index: Int, primary address: Address?) -> Action {
        sentinelUp[index] = true
        asked.append(index)
        if let position = order.firstIndex(of: index), position > 0 {
            order.remove(at: position)
            order.insert(index, at: 0)
        }
        guard let address else { return next() }
        if address == primary { return finishRound() }
        return .verify(address)
    }

    /// Sentinel `index` could not be reached (or refused the question): ask the next.
    package mutating func sentinelUnreachable(_ index: Int) -> Action {
        sentinelUp[index] = false
        asked.append(index)
        return next()
    }

    /// A probed sentinel answered (or not); the round is over.
    package mutating func sentinelProbed(_ index: Int, reachable: Bool) -> Action {
        sentinelUp[index] = reachable
        return .idle
    }

    /// `ROLE` of `address` was checked: `isPrimary` when it says `master`; false also when
    /// it could not be reached.
    package mutating func roleChecked(_ address: Address, isPrimary: Bool) -> Action {
        guard isPrimary else {
            // A stale sentinel (or a stale message): in a round, ask the next sentinel.
            return remaining == nil ? .idle : next()
        }
        guard address != primary else { return remaining == nil ? .idle : finishRound() }
        remaining = nil
        asked = []
        let previous = primary
        primary = address
        if previous != nil { failovers += 1 }
        return .use(primary: address, previous: previous)
    }

    /// A sentinel published `+switch-master` for the followed name, to `address`.
    package mutating func switchAnnounced(to address: Address) -> Action {
        guard address != primary, remaining == nil else { return .idle }
        return .verify(address)
    }

    private mutating func next() -> Action {
        guard var left = remaining, !left.isEmpty else { return finishRound() }
        let index = left.removeFirst()
        remaining = left
        return .ask(sentinel: index)
    }

    /// Ends the round: probes a sentinel it did not ask, if there is one.
    private mutating func finishRound() -> Action {
        remaining = nil
        let others = sentinelUp.indices.filter { !asked.contains($0) }
        asked = []
        guard !others.isEmpty else { return .idle }
        defer { probeCursor += 1 }
        return .probe(sentinel: others[probeCursor % others.count])
    }
}
