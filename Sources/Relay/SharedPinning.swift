import RESP

/// Where a client in shared mode (`--pool-mode shared`) sends its requests, and what
/// connection state keeps it on a dedicated connection: the route goes
/// shared → switching → leasing → dedicated → back to shared.
///
/// A request ``SharedRouting`` pins makes the session stop (its bytes held from that
/// frame's start), wait for every reply it owes on the shared connection (`switching`),
/// lease a dedicated connection from the pool (`leasing`), and send the held bytes there
/// (`dedicated`). Every request scanned on the dedicated connection is classified too, so
/// the reasons that outlive a reply are known: `.reset` ones until a `RESET` sent after
/// them is answered `+RESET`, `.connectionEnd` ones for good, and a `WATCH` until
/// `UNWATCH`, `EXEC`/`DISCARD` of an open transaction, or `RESET`. Transactions and
/// subscriptions are read from the session's ``ReplyMatcher``.
package struct SharedPinning: Sendable {
    /// Where the session's requests go.
    package enum Route: Equatable, Sendable {
        /// Onto the shared connection.
        case shared
        /// A request needs a dedicated connection: waiting for the replies owed on the shared one.
        case switching
        /// Waiting for the pool's dedicated connection.
        case leasing
        /// Onto the dedicated connection.
        case dedicated
    }

    /// What the shared connections are logged in as.
    package let login: SharedLogin
    /// Where requests go now.
    package private(set) var route = Route.shared
    /// The reason that pinned the session (nil while shared).
    package private(set) var pinnedBy: PinReason?
    /// `RESET`s scanned so far (answered ones: ``ReplyMatcher/resetsAnswered``).
    private var resetsSent = 0
    /// A `.reset` reason is held until more than this many `RESET`s were answered.
    private var resetHeldUntil: Int?
    /// A `.connectionEnd` reason is held: the session never goes back to shared.
    package private(set) var heldForGood = false
    /// A `WATCH` is open (until more than this many `RESET`s were answered, or `UNWATCH`...).
    private var watchHeldUntil: Int?

    /// A session starting on the shared connection.
    package init(login: SharedLogin) {
        self.login = login
    }

    /// A shared request was classified `route`: the reason to pin for, or nil to stay shared.
    package mutating func pin(_ reason: PinReason) {
        route = .switching
        pinnedBy = reason
    }

    /// Nothing is owed on the shared connection any more: lease the dedicated connection.
    package mutating func leasing() {
        route = .leasing
    }

    /// The dedicated connection is attached.
    package mutating func dedicated() {
        route = .dedicated
    }

    /// Back on the shared connection.
    package mutating func unpinned() {
        route = .shared
        pinnedBy = nil
    }

    /// Notes a request scanned on the dedicated connection (classified even there, for the
    /// reasons that outlive its reply). `inTransaction`: whether a `MULTI` was open before it.
    package mutating func dedicatedRequest(_ frame: borrowing RESPFrame, inTransaction: Bool) {
        let name = frame.first
        guard name.totalLength > 3 else { return }
        if name.totalLength == 5 && name.equalsCaseInsensitive("RESET") {
            resetsSent += 1
            return
        }
        if name.totalLength == 7 && name.equalsCaseInsensitive("UNWATCH") {
            watchHeldUntil = nil
            return
        }
        if inTransaction
            && ((name.totalLength == 4 && name.equalsCaseInsensitive("EXEC"))
                || (name.totalLength == 7 && name.equalsCaseInsensitive("DISCARD")))
        {
            watchHeldUntil = nil
            return
        }
        switch SharedRouting.classify(frame, login: login) {
        case .pin(.watch, _):
            if !inTransaction { watchHeldUntil = resetsSent }  // WATCH inside MULTI is refused
        case .pin(_, .reset):
            resetHeldUntil = resetsSent
        case .pin(_, .connectionEnd):
            heldForGood = true
        default:
            break
        }
    }

    /// Whether connection state still holds the session on its dedicated connection, given
    /// how many `RESET`s Redis answered and what the matcher knows.
    package func holdsState(resetsAnswered: Int, inTransaction: Bool, subscribed: Bool, monitoring: Bool) -> Bool {
        if heldForGood || inTransaction || subscribed || monitoring { return true }
        if let until = resetHeldUntil, resetsAnswered <= until { return true }
        if let until = watchHeldUntil, resetsAnswered <= until { return true }
        return false
    }

    /// Forgets the reasons a `RESET` answered since cleared (called when going back to shared).
    package mutating func clearAnswered(resetsAnswered: Int) {
        if let until = resetHeldUntil, resetsAnswered > until { resetHeldUntil = nil }
        if let until = watchHeldUntil, resetsAnswered > until { watchHeldUntil = nil }
    }
}
