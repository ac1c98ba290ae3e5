/// One upstream connection's life, fed events, returning actions; the `Proxy` module's
/// `UpstreamConnection` performs them on its socket.
///
/// A connection connects, may log in (only with `--client-login-from-upstream`), idles in
/// the pool, is attached to one client session, and is made reusable by `RESET` (which on
/// Redis also logs the connection out to the default user) and the login again, pipelined
/// in one round trip. With TLS (`rediss://`), the TLS handshake is one more state,
/// ``State/securing``, between ``State/connecting`` and ``State/idle``, under the same connect
/// timeout. Where later work plugs in: a shared connection would stay ``State/attached`` to
/// several sessions.
public struct UpstreamStateMachine: Equatable, Sendable {
    /// Where the connection is in its life.
    public enum State: Equatable, Sendable {
        /// The TCP connect is under way.
        case connecting
        /// The TLS handshake is under way.
        case securing
        /// Waiting for `remaining` handshake replies, first skipping to `+RESET` if asked.
        case handshake(remaining: Int, awaitingReset: Bool)
        /// Ready, in the pool.
        case idle
        /// Relaying for one client session.
        case attached
        /// Closed.
        case closed
    }

    /// What a finished TCP connect leads to.
    package enum ConnectStep: Equatable, Sendable {
        /// The connect was not awaited (the connection closed meanwhile): nothing.
        case ignored
        /// The connection is ready (idle).
        case ready
        /// Start the TLS handshake; ``tlsEstablished()`` follows.
        case handshakeTLS
    }

    /// What starting a handshake needs.
    package enum HandshakeStart: Equatable, Sendable {
        /// The connection is not idle (closed meanwhile): fail.
        case notIdle
        /// Nothing to send: the connection is ready now.
        case ready
        /// Send `RESET` (when `reset`) and the login commands, and wait for their replies.
        case send(reset: Bool)
    }

    /// What a handshake reply means.
    package enum HandshakeStep: Equatable, Sendable {
        /// A late reply for the previous session, skipped until `+RESET`.
        case skipped
        /// More replies are due.
        case more
        /// The connection is ready.
        case ready
        /// The step failed (`RESET` or `login`, for the log line): close the connection.
        case failed(step: String)
    }

    /// Who to tell that the connection ended.
    package enum Ended: Equatable, Sendable {
        /// The attached session (it relays what was sent, then closes its client).
        case session
        /// Whoever waits for the connect or the handshake.
        case waiter
        /// The pool, which holds it idle.
        case pool
        /// Nobody: it had closed.
        case nobody
    }

    /// What bytes read from Redis are for.
    public enum Input: Equatable, Sendable {
        /// Relay them to the attached session.
        case relay
        /// Handshake replies.
        case handshake
        /// Nothing is owed on an idle connection: data means Redis is closing it (its
        /// `timeout`) or something is wrong; either way it is not reusable.
        case unexpected
        /// Drop them (connecting or closed).
        case ignore
    }

    /// Where the connection is in its life.
    @usableFromInline package private(set) var state = State.connecting

    /// Whether the connection speaks TLS (`rediss://`).
    package let usesTLS: Bool

    /// A connection whose TCP connect is under way; `tls` when a TLS handshake follows it.
    package init(tls: Bool = false) {
        usesTLS = tls
    }

    /// Whether the TLS handshake is under way.
    @inlinable public var isSecuring: Bool { state == .securing }

    /// Whether the TCP connect is under way (asked per socket event, so inlinable).
    @inlinable public var isConnecting: Bool {
        if case .connecting = state { return true }
        return false
    }

    /// What bytes read now are for (asked per read, so inlinable).
    @inlinable public var input: Input {
        switch state {
        case .attached: .relay
        case .handshake: .handshake
        case .idle: .unexpected
        case .connecting, .securing, .closed: .ignore
        }
    }

    /// The TCP connect finished.
    package mutating func connected() -> ConnectStep {
        guard state == .connecting else { return .ignored }
        guard !usesTLS else {
            state = .securing
            return .handshakeTLS
        }
        state = .idle
        return .ready
    }

    /// The TLS handshake finished: true when it was awaited (the connection is idle now).
    package mutating func tlsEstablished() -> Bool {
        guard state == .securing else { return false }
        state = .idle
        return true
    }

    /// Starts logging in (`reset` false) or resetting for reuse (`reset` true) with
    /// `loginCommands` login commands after the optional `RESET`.
    package mutating func startHandshake(reset: Bool, loginCommands: Int) -> HandshakeStart {
        guard state == .idle else { return .notIdle }
        let remaining = loginCommands + (reset ? 1 : 0)
        guard remaining > 0 else { return .ready }
        state = .handshake(remaining: remaining, awaitingReset: reset)
        return .send(reset: reset)
    }

    /// A reply arrived during the handshake: an error, `+RESET`, or another reply.
    package mutating func handshakeReply(isError: Bool, isReset: Bool) -> HandshakeStep {
        guard case .handshake(var remaining, var awaitingReset) = state else { return .skipped }
        if isError {
            state = .closed
            return .failed(step: awaitingReset ? "RESET" : "login")
        }
        if awaitingReset {
            // Skip what the old session still had coming (messages, monitor lines).
            guard isReset else { return .skipped }
            awaitingReset = false
        }
        remaining -= 1
        if remaining == 0 {
            state = .idle
            return .ready
        }
        state = .handshake(remaining: remaining, awaitingReset: awaitingReset)
        return .more
    }

    /// Hands the connection to a client session; false unless it was idle.
    package mutating func attach() -> Bool {
        guard state == .idle else { return false }
        state = .attached
        return true
    }

    /// Takes the connection back from its session (before reuse or close).
    package mutating func detach() {
        if state == .attached { state = .idle }
    }

    /// The connection ended (EOF, an error, a timeout): who to tell.
    package mutating func ended() -> Ended {
        let previous = state
        state = .closed
        switch previous {
        case .attached: return .session
        case .connecting, .securing, .handshake: return .waiter
        case .idle: return .pool
        case .closed: return .nobody
        }
    }

    /// Its owner closes it: true when a connect or handshake was awaited (fail its
    /// waiter); no session or pool callback follows.
    package mutating func close() -> Bool {
        let awaited: Bool
        switch state {
        case .connecting, .securing, .handshake: awaited = true
        case .idle, .attached, .closed: awaited = false
        }
        state = .closed
        return awaited
    }
}
