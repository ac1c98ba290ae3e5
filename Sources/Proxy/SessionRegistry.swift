import NIOConcurrencyHelpers
import NIOCore

/// The open client sessions, so that shutdown can drain them. Touched once per client
/// connection (open and close), never per command.
final class SessionRegistry: Sendable {
    private let state = NIOLockedValueBox(RegistryState())

    /// Number of open client connections.
    var count: Int { state.withLockedValue { $0.sessions.count } }

    func add(_ session: ProxySession, on loop: EventLoop) {
        let bound = NIOLoopBound(session, eventLoop: loop)
        state.withLockedValue { $0.sessions[ObjectIdentifier(session)] = bound }
    }

    func remove(_ session: ProxySession, on loop: EventLoop) {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.sessions[ObjectIdentifier(session)] = nil
            guard state.sessions.isEmpty else { return [] }
            defer { state.emptyWaiters.removeAll() }
            return state.emptyWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Asks every session to finish its owed replies and close; returns when all closed,
    /// or force-closes the rest after `timeout` seconds.
    func drain(timeout: Double) async {
        let sessions = state.withLockedValue { Array($0.sessions.values) }
        for session in sessions { session.eventLoop.execute { session.value.beginDrain() } }
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.waitUntilEmpty()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .nanoseconds(Int64(timeout * 1e9)))
                return false
            }
            if await group.next() == false {
                // Time is up: close the rest; the waiting child returns once they closed.
                let remaining = state.withLockedValue { Array($0.sessions.values) }
                for session in remaining { session.eventLoop.execute { session.value.forceClose() } }
            }
            group.cancelAll()
        }
    }

    private func waitUntilEmpty() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLockedValue { state -> Bool in
                if state.sessions.isEmpty { return true }
                state.emptyWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}

private struct RegistryState {
    var sessions: [ObjectIdentifier: NIOLoopBound<ProxySession>] = [:]
    var emptyWaiters: [CheckedContinuation<Void, Never>] = []
}
