import CEpoll
import Dispatch
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Something registered with an ``EpollLoop`` for readiness events on one descriptor.
/// A base class rather than a protocol, so the loop can call it without reference counting.
///
/// The handler's owner holds the descriptor and is the only one to close it (through
/// ``StreamSocket/close()`` or its own `close`), which also deregisters it.
open class EpollHandler {
    /// Creates a handler; register it with ``EpollLoop/register(_:_:)``.
    public init() {}

    /// Called on the loop with the (edge-triggered) `epoll` event bits.
    open func handleEvents(_ events: UInt32) {
        preconditionFailure("\(type(of: self)) must override handleEvents")
    }

    /// Called on the loop when it stops while the handler is still registered: override
    /// to close the descriptor now, without further callbacks (the loop runs no more tasks
    /// or timers). A handler that leaves it open is logged as a bug.
    open func loopStopped() {}
}

/// The proxy's data path: one thread running an edge-triggered `epoll` loop, which is
/// also a NIO `EventLoop` (tasks, timers, futures), so the pool, the metrics shards and
/// shutdown use the usual NIO API.
///
/// Hand-written rather than SwiftNIO's channels: NIO's own work per socket event (channel
/// pipeline, write bookkeeping, reference counting) put even a relay that parsed nothing
/// above haproxy's CPU per request; see `docs/decisions/0002-hand-written-epoll-data-path.md`. Each read
/// lands in the peer's output queue and is sent from there (``StreamSocket``).
///
/// State shared with other threads (queued tasks, the stop flag) is under `lock`;
/// everything else is touched only on the loop's thread.
public final class EpollLoop: EventLoop, @unchecked Sendable {
    /// Size of the loop's read buffer: the most one `read` returns.
    package static let readCapacity = 64 * 1024
    private static let wakeToken = UInt64.max
    /// Events fetched per `epoll_wait` at first; doubled (up to ``maxEventCapacity``)
    /// whenever a call fills the array.
    package static let initialEventCapacity = 64
    /// The most events fetched per `epoll_wait`.
    package static let maxEventCapacity = 4096

    private let epollFD: Int32
    private let wakeFD: Int32
    private let lock = NIOLock()
    private var queued: [@Sendable () -> Void] = []  // under lock
    private var wakePending = false  // under lock
    private var stopRequested = false  // under lock
    /// The loop's thread ended: tasks are no longer taken.
    private var stopped = false  // under lock
    private var running: [@Sendable () -> Void] = []
    private var slots: [Slot] = []
    /// Sockets with output to send after this batch of events (see ``deferFlush(_:)``).
    private var deferred: [Unmanaged<StreamSocket>] = []
    /// Handlers deregistered during this turn of the loop, released at its end.
    private var released: [EpollHandler] = []
    private var timers = LoopTimers()
    private let timerIDs = Atomic<UInt64>(0)
    @usableFromInline var clockNanos: UInt64 = 0
    /// Set by every send; the next ``timestamp()`` reads the clock again.
    @usableFromInline package var sentSinceClock = false
    private var events: UnsafeMutablePointer<epoll_event>
    /// How many events ``events`` holds.
    package private(set) var eventCapacity = EpollLoop.initialEventCapacity
    /// `epoll_wait` calls that failed (other than `EINTR`), for `/metrics`.
    package let waitErrors = Atomic<UInt64>(0)
    private let logger: Logger
    /// The loop's read buffer, reused by every socket on it.
    package let readBuffer: UnsafeMutableRawPointer
    private var thread = pthread_t()
    private let joined = Mutex(false)

    /// Starts the loop's thread.
    package init(name: String, logger: Logger = Logger(label: "redis-lens.loop")) throws(IOError) {
        self.logger = logger
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw IOError(errnoCode: errno, reason: "epoll_create1") }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeFD >= 0 else {
            let code = errno
            Glibc.close(epollFD)
            throw IOError(errnoCode: code, reason: "eventfd")
        }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = Self.wakeToken
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event) == 0 else {
            let code = errno
            Glibc.close(wakeFD)
            Glibc.close(epollFD)
            throw IOError(errnoCode: code, reason: "epoll_ctl")
        }
        events = .allocate(capacity: Self.initialEventCapacity)
        readBuffer = .allocate(byteCount: Self.readCapacity, alignment: 16)
        let started = DispatchSemaphore(value: 0)
        let body = ThreadBody { [self] in
            cepoll_set_thread_name(String(name.utf8.prefix(15))!)
            started.wait()  // `thread` is set before the loop asks `inEventLoop`
            self.run()
        }
        let box = Unmanaged.passRetained(body).toOpaque()
        let result = pthread_create(
            &thread, nil,
            { argument in
                let body = Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue()
                body.run()
                return nil
            }, box)
        guard result == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(box).release()
            throw IOError(errnoCode: result, reason: "pthread_create")
        }
        started.signal()
    }

    deinit {
        // Closed here, not when the thread ends: a late `execute` may still write to `wakeFD`.
        Glibc.close(wakeFD)
        Glibc.close(epollFD)
        events.deallocate()
        readBuffer.deallocate()
    }

    // MARK: - EventLoop

    /// Whether the caller runs on this loop's thread.
    public var inEventLoop: Bool { pthread_equal(pthread_self(), thread) != 0 }

    /// Runs `task` on the loop, after the events being handled. Once the loop stopped the
    /// task never runs (as on a NIO loop that shut down) and is released at once, so what it
    /// captured (often this loop, through its owner) is not kept alive by the loop.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        let (taken, wake) = lock.withLock { () -> (Bool, Bool) in
            guard !stopped else { return (false, false) }
            queued.append(task)
            guard !wakePending else { return (true, false) }
            wakePending = true
            return (true, true)
        }
        if !taken { logger.debug("a task queued after the loop stopped did not run") }
        if wake && !inEventLoop { wakeUp() }
    }

    /// Runs `task` at `deadline` on the loop.
    @discardableResult
    public func scheduleTask<T>(deadline: NIODeadline, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        let promise: EventLoopPromise<T> = makePromise()
        let id = timerIDs.add(1, ordering: .relaxed).newValue
        let timer = LoopTimers.Timer(
            deadline: deadline, id: id,
            fire: {
                // Runs on the loop, where the promise may take a non-Sendable value.
                do { promise.assumeIsolatedUnsafeUnchecked().succeed(try task()) } catch { promise.fail(error) }
            },
            abandon: { promise.fail(EventLoopError.cancelled) })
        if inEventLoop {
            timers.insert(timer)
        } else {
            execute { self.timers.insert(timer) }
        }
        return Scheduled(promise: promise) { [self] in
            if inEventLoop {
                timers.remove(id)?.abandon()
            } else {
                execute { self.timers.remove(id)?.abandon() }
            }
        }
    }

    /// Runs `task` after `delay` on the loop.
    @discardableResult
    public func scheduleTask<T>(in delay: TimeAmount, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        scheduleTask(deadline: .now() + delay, task)
    }

    /// Stops the loop once its queued tasks ran; pending timers fail with `cancelled`.
    public func shutdownGracefully(queue: DispatchQueue, _ callback: @escaping @Sendable (Error?) -> Void) {
        lock.withLock { stopRequested = true }
        wakeUp()
        let thread = self.thread
        DispatchQueue.global().async {
            let first = self.joined.withLock { joined in
                defer { joined = true }
                return !joined
            }
            if first { pthread_join(thread, nil) }
            queue.async { callback(nil) }
        }
    }

    /// Makes `epoll_wait` return. The eventfd counter only overflows after 2^64 - 2 wake-ups
    /// without a read, so `EAGAIN` cannot happen; `EINTR` is retried.
    private func wakeUp() {
        var one: UInt64 = 1
        while Glibc.write(wakeFD, &one, 8) < 0 && errno == EINTR {}
    }

    // MARK: - Descriptors (on the loop)

    /// Watches `fd` for input, output and hang-up, edge-triggered, until ``deregister(_:)``.
    /// On failure nothing is registered and the caller still owns (and closes) `fd`.
    package func register(_ fd: Int32, _ handler: EpollHandler) throws(IOError) {
        assert(inEventLoop, "register outside the loop's thread")
        let index = Int(fd)
        if index >= slots.count { slots.append(contentsOf: repeatElement(Slot(), count: index + 1 - slots.count)) }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        event.data.u64 = token(for: fd)
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0 else {
            throw IOError(errnoCode: errno, reason: "epoll_ctl")
        }
        slots[index].handler = handler
        slots[index].unretained = Unmanaged.passUnretained(handler)
    }

    /// Stops watching `fd`; events already fetched for it are dropped.
    package func deregister(_ fd: Int32) {
        assert(inEventLoop, "deregister outside the loop's thread")
        let index = Int(fd)
        guard index < slots.count, slots[index].handler != nil else { return }
        if epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil) != 0 {
            // The descriptor was closed before it was deregistered (a bug: its owner
            // deregisters first) or is not watched; the slot goes all the same.
            logger.error(
                "epoll_ctl(EPOLL_CTL_DEL) failed",
                metadata: ["fd": "\(fd)", "error": "\(String(cString: strerror(errno)))"])
        }
        // Released at the end of this turn of the loop: `dispatch` holds no reference of
        // its own, and the handler may be in the middle of handling an event.
        if let handler = slots[index].handler { released.append(handler) }
        slots[index].handler = nil
        slots[index].unretained = nil
        slots[index].generation &+= 1
    }

    /// Monotonic nanoseconds for the data path's command timestamps. The clock is read
    /// when `epoll_wait` returns and again only after a send, not per socket read
    /// (`docs/decisions/0002-hand-written-epoll-data-path.md`).
    /// Never older than the loop's last send, so no reply is stamped before its request
    /// went out.
    @inlinable @inline(__always)
    public func timestamp() -> UInt64 {
        if sentSinceClock { readClock() }
        return clockNanos
    }

    /// Makes the next ``timestamp()`` read the clock. For a socket read outside its own event:
    /// its bytes may be newer than the clock read when `epoll_wait` returned (a session that
    /// just got its upstream connection reads what its client sent meanwhile).
    package func clockMayBeStale() { sentSinceClock = true }

    @usableFromInline func readClock() {
        clockNanos = NIODeadline.now().uptimeNanoseconds
        sentSinceClock = false
    }

    /// Sends `socket`'s output after the current batch of events. The socket must belong
    /// to a registered handler: the list holds no reference, and a handler deregistered
    /// meanwhile stays alive (in `released`) until the list was flushed.
    package func deferFlush(_ socket: StreamSocket) {
        assert(inEventLoop, "deferFlush outside the loop's thread")
        deferred.append(Unmanaged.passUnretained(socket))
    }

    // MARK: - The loop

    /// Sends deferred output, then tells each socket's handler it may write (`EPOLLOUT`):
    /// that is where owners notice a failed send, close once drained, or read a held-back
    /// peer again. Handlers may defer more output meanwhile; it is sent in the same pass.
    private func flushDeferred() {
        var index = 0
        while index < deferred.count {
            let entry = deferred[index]
            index += 1
            let fd = entry._withUnsafeGuaranteedRef { socket -> Int in
                guard !socket.isClosed else { return -1 }
                socket.flush()
                return Int(socket.fd)
            }
            if fd >= 0 && fd < slots.count, let handler = slots[fd].unretained {
                handler._withUnsafeGuaranteedRef { $0.handleEvents(EPOLLOUT.rawValue) }
            }
        }
        deferred.removeAll(keepingCapacity: true)
    }

    private func run() {
        while true {
            let count = epoll_wait(epollFD, events, Int32(eventCapacity), timeoutMilliseconds())
            readClock()
            if count > 0 {
                dispatch(Int(count))
                if Int(count) == eventCapacity { growEvents() }
            } else if count < 0 && errno != EINTR {
                waitFailed(errno)
            }
            flushDeferred()
            let now = NIODeadline.uptimeNanoseconds(timestamp())
            while let timer = timers.popExpired(now: now) { timer.fire() }
            let stop = runQueuedTasks()
            flushDeferred()
            if !released.isEmpty { released.removeAll(keepingCapacity: true) }
            if stop { break }
        }
        for timer in timers.removeAll() { timer.abandon() }
        // The owners close what is still registered (each descriptor has one owner).
        for handler in slots.compactMap(\.handler) { handler.loopStopped() }
        for (fd, slot) in slots.enumerated() where slot.handler != nil {
            logger.error("a handler left its descriptor open when the loop stopped", metadata: ["fd": "\(fd)"])
            deregister(Int32(fd))
        }
        released.removeAll()
        slots = []
        // Tasks queued after the last turn never run; released here, outside the lock.
        let late = lock.withLock { () -> [@Sendable () -> Void] in
            stopped = true
            defer { queued = [] }
            return queued
        }
        if !late.isEmpty {
            logger.debug("tasks queued as the loop stopped did not run", metadata: ["count": "\(late.count)"])
        }
    }

    /// The last call filled the event array: more may be ready than it holds.
    private func growEvents() {
        guard eventCapacity < Self.maxEventCapacity else { return }
        events.deallocate()
        eventCapacity *= 2
        events = .allocate(capacity: eventCapacity)
    }

    /// `epoll_wait` failed with something other than `EINTR` (`EBADF`, `EFAULT`, `EINVAL`:
    /// a bug). Counted and logged, then the loop pauses a millisecond: the loop keeps
    /// running its tasks and timers, but never spins silently.
    private func waitFailed(_ code: Int32) {
        let failures = waitErrors.add(1, ordering: .relaxed).newValue
        if failures == 1 || failures % 1000 == 0 {
            logger.error(
                "epoll_wait failed", metadata: ["error": "\(String(cString: strerror(code)))", "count": "\(failures)"])
        }
        var pause = timespec(tv_sec: 0, tv_nsec: 1_000_000)
        nanosleep(&pause, nil)
    }

    private func dispatch(_ count: Int) {
        for index in 0..<count {
            let token = events[index].data.u64
            if token == Self.wakeToken {
                // Resets the counter; EAGAIN (already read) is harmless.
                var value: UInt64 = 0
                _ = Glibc.read(wakeFD, &value, 8)
                continue
            }
            deliver(token: token, events: events[index].events)
        }
    }

    /// Calls the handler `token` names, unless its descriptor was deregistered since the
    /// event was fetched (earlier in the same batch): a reused descriptor number has a new
    /// generation, so a stale event never reaches the new handler.
    @inline(__always)
    package func deliver(token: UInt64, events bits: UInt32) {
        let fd = Int(truncatingIfNeeded: token & 0xFFFF_FFFF)
        guard fd < slots.count, slots[fd].generation == UInt32(truncatingIfNeeded: token >> 32),
            let handler = slots[fd].unretained
        else { return }
        handler._withUnsafeGuaranteedRef { $0.handleEvents(bits) }
    }

    /// The `epoll` token events for `fd` carry now (its generation and number), for tests.
    package func token(for fd: Int32) -> UInt64 {
        let index = Int(fd)
        let generation = index < slots.count ? slots[index].generation : 0
        return UInt64(generation) << 32 | UInt64(UInt32(bitPattern: fd))
    }

    /// Runs what was queued; true once the loop should stop.
    private func runQueuedTasks() -> Bool {
        let stop = lock.withLock { () -> Bool in
            swap(&queued, &running)
            wakePending = false
            return stopRequested && running.isEmpty
        }
        for task in running { task() }
        running.removeAll(keepingCapacity: true)
        return stop
    }

    private func timeoutMilliseconds() -> Int32 {
        if !deferred.isEmpty || lock.withLock({ !queued.isEmpty || stopRequested }) { return 0 }
        guard let deadline = timers.nextDeadline else { return -1 }
        let nanos = (deadline - .now()).nanoseconds
        guard nanos > 0 else { return 0 }
        return Int32(clamping: (nanos + 999_999) / 1_000_000)
    }

    private struct Slot {
        /// Keeps the handler alive while registered.
        var handler: EpollHandler?
        /// The same handler, called per event without reference counting
        /// (`docs/decisions/0002-hand-written-epoll-data-path.md`). Safe because a deregistered handler stays in
        /// `released` until the end of the loop's turn.
        var unretained: Unmanaged<EpollHandler>?
        var generation: UInt32 = 0
    }
}

/// What a loop thread runs, passed through `pthread_create`.
private final class ThreadBody {
    package let run: () -> Void
    package init(_ run: @escaping () -> Void) { self.run = run }
}
