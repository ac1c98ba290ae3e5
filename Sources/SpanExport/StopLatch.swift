import NIOConcurrencyHelpers

/// Wakes every task waiting in ``wait(timeout:)`` once ``open()`` was called, and lets every
/// later wait return at once: graceful shutdown cuts short the retry delays of all the
/// export requests in flight (a ``FlushSignal`` wakes only one waiter).
final class StopLatch: Sendable {
    private struct State {
        var isOpen = false
        var nextID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = NIOLockedValueBox(State())

    /// Wakes every waiter, now and from now on.
    func open() {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.isOpen = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns after `timeout`, or earlier once the latch is open.
    func wait(timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.waitUntilOpen() }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitUntilOpen() async {
        let id = state.withLockedValue { state -> UInt64 in
            defer { state.nextID &+= 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLockedValue { state -> Bool in
                    if state.isOpen || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLockedValue { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
