import EpollIO
import NIOConcurrencyHelpers
import NIOCore
import RESP
import Relay

/// The shared upstream connections of one loop: `count` of them, opened lazily through the
/// pool's connect path (the same resolve, connect, TLS and login as a pooled connection,
/// recorded as live for failovers, not counted in the pool's leases), assigned round robin.
/// Confined to its loop (the pool holds one per loop).
final class SharedLoop: @unchecked Sendable {
    let loop: EpollLoop
    /// The loop's index in its group (its batch counter).
    private let index: Int
    private let count: Int
    private var connections: [SharedUpstream?]
    private var waiters: [[(SharedUpstream?, (any Error)?) -> Void]]
    private var next = 0

    init(loop: EpollLoop, index: Int, count: Int) {
        self.loop = loop
        self.index = index
        self.count = count
        connections = Array(repeating: nil, count: count)
        waiters = Array(repeating: [], count: count)
    }

    /// A shared connection for a new session: the next one round robin, opened first if
    /// needed; nil (and why) when none could be opened.
    func assign(pool: UpstreamPool, _ done: @escaping (SharedUpstream?, (any Error)?) -> Void) {
        let index = next % count
        next &+= 1
        if let connection = connections[index], connection.isOpen { return done(connection, nil) }
        waiters[index].append(done)
        guard waiters[index].count == 1 else { return }
        pool.openShared(on: loop).assumeIsolated().whenComplete { result in
            let connection: SharedUpstream?
            var failure: (any Error)?
            switch result {
            case .success(let lease):
                let shared = SharedUpstream(
                    lease: lease, statistics: pool.shared, batches: pool.shared.batches[self.index])
                if lease.value.attach(shared: shared) {
                    pool.shared.sharedConnectionOpened()
                    shared.onEnd = { [weak self, weak shared] in
                        if let self, let shared, self.connections[index] === shared { self.connections[index] = nil }
                    }
                    self.connections[index] = shared
                    connection = shared
                } else {
                    lease.value.close()
                    connection = nil
                    failure = UpstreamError(reason: lease.value.closeReason ?? "connection closed before use")
                }
            case .failure(let error):
                connection = nil
                failure = error
            }
            let waiting = self.waiters[index]
            self.waiters[index] = []
            // On the next turn: this may run inside the connection's read of its login
            // replies, which are in the loop's buffer that the sessions read their clients into.
            self.loop.assumeIsolated().execute {
                let usable = connection?.isOpen == true ? connection : nil
                let reason = failure ?? UpstreamError(reason: "the shared connection closed before use")
                for waiter in waiting { waiter(usable, usable == nil ? reason : nil) }
            }
        }
    }

    /// An open shared connection, if any (for a pinned session whose own one ended).
    func anyOpen() -> SharedUpstream? {
        connections.first { $0?.isOpen == true } ?? nil
    }
}
