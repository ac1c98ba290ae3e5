import CEpoll
import Dispatch
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Something registered with an ``EpollLoop`` for readiness events on one descriptor.
/// A base class rather than a protocol, so the loop can call it without reference counting.
open class EpollHandler {
    /// Creates a handler; register it with ``EpollLoop/register(_:_:)``.
    public init() {}

    /// Called on the loop with the (edge-triggered) `epoll` event bits.
    open func handleEvents(_ events: UInt32) {
        preconditionFailure("\(type(of: self)) must override handleEvents")
    }
}

/// The proxy's data path: one thread running an edge-triggered `epoll` loop, which is
/// also a NIO `EventLoop` (tasks, timers, futures), so the pool, the metrics shards and
/// shutdown use the usual NIO API.
///
/// Hand-written rather than SwiftNIO's channels because of a measured hot-path cost: a
/// SwiftNIO relay that forwarded bytes without parsing spent 4–5 µs of user CPU per
/// request at `redis-benchmark -P 1` (channel pipeline, write bookkeeping, reference
/// counting) where haproxy spends 2 µs and a plain `epoll` relay 0.5 µs; see
/// `Benchmarks/README.md`. Sockets read into one buffer per loop and write straight from
/// it; only what the kernel does not take is copied (``StreamSocket``).
///
/// State shared with other threads (queued tasks, the stop flag) is under `lock`;
/// everything else is touched only on the loop's thread.
public final class EpollLoop: EventLoop, @unchecked Sendable {
    /// Size of the loop's read buffer: the most one `read` returns.
    package static let readCapacity = 64 * 1024
    private static let wakeToken = UInt64.max
    private static let eventCapacity = 256

    private let epollFD: Int32
    private let wakeFD: Int32
    private let lock = NIOLock()
    private var queued: [@Sendable () -> Void] = []  // under lock
    private var wakePending = false  // under lock
    private var stopRequested = false  // under lock
    private var running: [@Sendable () -> Void] = []
    private var slots: [Slot] = []
    /// Sockets with output to send after this batch of events (see ``deferFlush(_:)``).
    private var deferred: [Unmanaged<StreamSocket>] = []
    /// Handlers deregistered during this turn of the loop, released at its end.
    private var released: [EpollHandler] = []
    private var timers = LoopTimers()
    private let timerIDs = Atomic<UInt64>(0)
    private var clockNanos: UInt64 = 0
    /// Set by every send; the next ``timestamp()`` reads the clock again.
    package var sentSinceClock = false
    private let events: UnsafeMutablePointer<epoll_event>
    /// The loop's read buffer, reused by every socket on it.
    package let readBuffer: UnsafeMutableRawPointer
    private var thread = pthread_t()
    private let joined = Mutex(false)

    /// Starts the loop's thread.
    package init(name: String) throws(IOError) {
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
        epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
        events = .allocate(capacity: Self.eventCapacity)
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

    /// Runs `task` on the loop, after the events being handled.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        let wake = lock.withLock { () -> Bool in
            queued.append(task)
            guard !wakePending else { return false }
            wakePending = true
            return true
        }
        if wake && !inEventLoop {
            var one: UInt64 = 1
            _ = Glibc.write(wakeFD, &one, 8)
        }
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
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
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

    // MARK: - Descriptors (on the loop)

    /// Watches `fd` for input, output and hang-up, edge-triggered, until ``deregister(_:)``.
    package func register(_ fd: Int32, _ handler: EpollHandler) throws(IOError) {
        let index = Int(fd)
        if index >= slots.count { slots.append(contentsOf: repeatElement(Slot(), count: index + 1 - slots.count)) }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        event.data.u64 = UInt64(slots[index].generation) << 32 | UInt64(UInt32(bitPattern: fd))
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0 else {
            throw IOError(errnoCode: errno, reason: "epoll_ctl")
        }
        slots[index].handler = handler
        slots[index].unretained = Unmanaged.passUnretained(handler)
    }

    /// Stops watching `fd`; events already fetched for it are dropped.
    package func deregister(_ fd: Int32) {
        let index = Int(fd)
        guard index < slots.count, slots[index].handler != nil else { return }
        epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
        // Released at the end of this turn of the loop: `dispatch` holds no reference of
        // its own, and the handler may be in the middle of handling an event.
        if let handler = slots[index].handler { released.append(handler) }
        slots[index].handler = nil
        slots[index].unretained = nil
        slots[index].generation &+= 1
    }

    /// Monotonic nanoseconds for the data path's command timestamps. The clock is read
    /// when `epoll_wait` returns and again only after a send, not per socket read: one
    /// read per batch of events saved about 1% of the CPU at `-P 16` (perf, 2026-11-22).
    /// Never older than the loop's last send, so no reply is stamped before its request
    /// went out.
    @inline(__always)
    package func timestamp() -> UInt64 {
        if sentSinceClock { readClock() }
        return clockNanos
    }

    private func readClock() {
        clockNanos = NIODeadline.now().uptimeNanoseconds
        sentSinceClock = false
    }

    /// Sends `socket`'s output after the current batch of events. The socket must belong
    /// to a registered handler: the list holds no reference, and a handler deregistered
    /// meanwhile stays alive (in `released`) until the list was flushed.
    package func deferFlush(_ socket: StreamSocket) {
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
            let count = epoll_wait(epollFD, events, Int32(Self.eventCapacity), timeoutMilliseconds())
            readClock()
            if count > 0 { dispatch(Int(count)) }
            flushDeferred()
            let now = NIODeadline.uptimeNanoseconds(timestamp())
            while let timer = timers.popExpired(now: now) { timer.fire() }
            let stop = runQueuedTasks()
            flushDeferred()
            if !released.isEmpty { released.removeAll(keepingCapacity: true) }
            if stop { break }
        }
        for timer in timers.removeAll() { timer.abandon() }
        for (fd, slot) in slots.enumerated() where slot.handler != nil {
            epoll_ctl(epollFD, EPOLL_CTL_DEL, Int32(fd), nil)
            Glibc.close(Int32(fd))
        }
        slots = []
    }

    private func dispatch(_ count: Int) {
        for index in 0..<count {
            let token = events[index].data.u64
            if token == Self.wakeToken {
                var value: UInt64 = 0
                _ = Glibc.read(wakeFD, &value, 8)
                continue
            }
            let fd = Int(truncatingIfNeeded: token & 0xFFFF_FFFF)
            guard fd < slots.count, slots[fd].generation == UInt32(truncatingIfNeeded: token >> 32),
                let handler = slots[fd].unretained
            else { continue }
            let bits = events[index].events
            handler._withUnsafeGuaranteedRef { $0.handleEvents(bits) }
        }
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
        /// The same handler, called per event without reference counting (about 1% of the
        /// CPU at `-P 16`: perf, 2026-11-22). Safe because a deregistered handler stays in
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
