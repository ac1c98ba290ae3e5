import Dispatch
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// The one thread that carries the proxy's control-plane traffic (the `INFO` poll and the
/// `COMMAND` load): a plain thread running submitted jobs one after another, in order.
/// Control-plane I/O blocks (bounded by its timeouts), so it runs here and never on the
/// event loops or in Swift's cooperative pool; jobs wait their turn instead of opening
/// another execution context.
public final class ControlPlaneThread: Sendable {
    /// The thread could not be started.
    public struct StartError: Error, CustomStringConvertible {
        /// The `pthread_create` error number.
        public var code: Int32
        /// What failed.
        public var description: String { "cannot start the control-plane thread: \(String(cString: strerror(code)))" }
    }

    private let queue = JobQueue()
    private let thread: pthread_t

    /// Starts the thread, named `name` (at most 15 bytes show, in `ps -T` and `top -H`).
    public init(name: String = "redis-lens-ctl") throws(StartError) {
        let queue = self.queue
        let body = ThreadBody {
            Self.nameCurrentThread(name)
            queue.runJobs()
        }
        let box = Unmanaged.passRetained(body).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { argument in
                Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue().run()
                return nil
            }, box)
        guard result == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(box).release()
            throw StartError(code: result)
        }
        pthread_detach(thread)  // it ends on its own after `shutdown()`; nobody joins it
        self.thread = thread
    }

    deinit { queue.stop(then: nil) }

    /// Whether the caller runs on this thread.
    public var isCurrent: Bool { pthread_equal(pthread_self(), thread) != 0 }

    /// Runs `body` on the thread after the jobs submitted before it and returns its
    /// result. Throws `CancellationError` when the thread was shut down.
    public func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = queue.enqueue { continuation.resume(returning: body()) }
            if !accepted { continuation.resume(throwing: CancellationError()) }
        }
    }

    /// Lets the jobs already submitted finish, then ends the thread; returns once it ended.
    public func shutdown() async {
        await withCheckedContinuation { continuation in queue.stop(then: continuation) }
    }

    /// Sets the calling thread's name (what `pthread_setname_np` does; Swift does not
    /// import it). Best effort: a name is a convenience for people reading `ps -T`.
    private static func nameCurrentThread(_ name: String) {
        let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        Glibc.close(descriptor)
    }
}

/// The jobs, shared by the thread and whoever submits.
private final class JobQueue: Sendable {
    private struct State {
        var jobs: [@Sendable () -> Void] = []
        var stopping = false
        var ended = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    /// A pthread lock (NIO's), which ThreadSanitizer sees, unlike `Synchronization.Mutex`.
    private let state = NIOLockedValueBox(State())
    /// Signalled once per job and once per `stop`.
    private let wakeup = DispatchSemaphore(value: 0)

    /// Queues `job`; false once stopping.
    func enqueue(_ job: @escaping @Sendable () -> Void) -> Bool {
        let accepted = state.withLockedValue { state in
            guard !state.stopping else { return false }
            state.jobs.append(job)
            return true
        }
        if accepted { wakeup.signal() }
        return accepted
    }

    /// Refuses new jobs; `continuation` resumes once the thread ran the rest and ended.
    func stop(then continuation: CheckedContinuation<Void, Never>?) {
        let ended = state.withLockedValue { state in
            state.stopping = true
            if !state.ended, let continuation { state.waiting.append(continuation) }
            return state.ended
        }
        if ended { continuation?.resume() }
        wakeup.signal()
    }

    /// The thread's body: run jobs in order until stopped and drained.
    func runJobs() {
        while true {
            wakeup.wait()
            let next = state.withLockedValue { state -> Next in
                if !state.jobs.isEmpty { return .job(state.jobs.removeFirst()) }
                guard state.stopping else { return .idle }
                state.ended = true
                defer { state.waiting = [] }
                return .end(state.waiting)
            }
            switch next {
            case .job(let job):
                job()
            case .idle:
                continue
            case .end(let waiting):
                waiting.forEach { $0.resume() }
                return
            }
        }
    }

    private enum Next {
        case job(@Sendable () -> Void)
        case idle
        case end([CheckedContinuation<Void, Never>])
    }
}

/// What the thread runs, passed through `pthread_create`.
private final class ThreadBody {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
