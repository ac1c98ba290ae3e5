import Dispatch
import NIOCore
import Synchronization

/// The proxy's ``EpollLoop``s, one thread each; clients are spread over them in turn.
public final class EpollLoopGroup: EventLoopGroup, Sendable {
    package let loops: [EpollLoop]
    private let counter = Atomic<Int>(0)

    /// Starts `threads` loops.
    public init(threads: Int) throws {
        var loops: [EpollLoop] = []
        for index in 0..<max(threads, 1) {
            loops.append(try EpollLoop(name: "redis-lens-io-\(index)"))
        }
        self.loops = loops
    }

    /// `epoll_wait` failures (other than `EINTR`) on every loop since start.
    package var waitErrors: UInt64 { loops.reduce(0) { $0 + $1.waitErrors.load(ordering: .relaxed) } }

    /// The next loop in turn.
    package func nextLoop() -> EpollLoop {
        loops[(counter.add(1, ordering: .relaxed).newValue - 1) % loops.count]
    }

    /// The next loop in turn.
    public func next() -> EventLoop { nextLoop() }

    /// The caller's loop when it runs on one of these, else the next in turn.
    public func any() -> EventLoop { loops.first(where: \.inEventLoop) ?? nextLoop() }

    /// Every loop.
    public func makeIterator() -> EventLoopIterator { EventLoopIterator(loops) }

    /// Stops every loop; `callback` runs on `queue` once all threads ended.
    public func shutdownGracefully(queue: DispatchQueue, _ callback: @escaping @Sendable (Error?) -> Void) {
        let group = DispatchGroup()
        for loop in loops {
            group.enter()
            loop.shutdownGracefully(queue: queue) { _ in group.leave() }
        }
        group.notify(queue: queue) { callback(nil) }
    }
}
