import CEpoll
import NIOConcurrencyHelpers
import NIOCore
import Testing

@testable import EpollIO

#if canImport(Glibc)
    import Glibc
#endif

/// The loop's guarantees under the events a careful `epoll` loop must survive: stale
/// events for a reused descriptor, handlers that go away mid-batch, half-closed peers,
/// failures to register, running out of descriptors, more ready sockets than the event
/// array holds, and stopping with handlers still registered.
@Suite struct EpollHardeningTests {
    @Test func aStaleEventForAReusedDescriptorNeverReachesTheNewHandler() async throws {
        let loop = try EpollLoop(name: "test")
        let (near, far) = try socketPair()
        defer { close(far) }
        let calls = try await loop.submit { () -> [Int] in
            let old = Recorder(socket: StreamSocket(fd: near, loop: loop))
            try? loop.register(near, old)
            let staleToken = loop.token(for: near)
            // The number is watched again for a new handler, as when a closed descriptor's
            // number is reused by the next connection (kept open here: other tests run in
            // this process, and a freed number could go to one of them).
            loop.deregister(near)
            let new = Recorder(socket: StreamSocket(fd: near, loop: loop))
            try? loop.register(near, new)
            loop.deliver(token: staleToken, events: EPOLLIN.rawValue)
            let afterStale = new.calls
            loop.deliver(token: loop.token(for: near), events: EPOLLIN.rawValue)
            new.socket.close()
            return [old.calls, afterStale, new.calls]
        }.get()
        #expect(calls == [0, 0, 1])
        try await loop.shutdownGracefully()
    }

    @Test func aHandlerDeregisteredEarlierInTheBatchGetsNoEventAndLivesToTheTurnsEnd() async throws {
        let loop = try EpollLoop(name: "test")
        let (a, aFar) = try socketPair()
        let (b, bFar) = try socketPair()
        defer { [aFar, bFar].forEach { close($0) } }
        let released = NIOLockedValueBox(false)
        let (victimCalls, aliveAtEndOfBatch) = try await loop.submit { () -> (Int, Bool) in
            let closer = Recorder(socket: StreamSocket(fd: a, loop: loop))
            try? loop.register(a, closer)
            weak var weakVictim: Recorder?
            do {
                // Only the loop holds the victim from here on.
                let victim = Recorder(socket: StreamSocket(fd: b, loop: loop))
                victim.onDeinit = { released.withLockedValue { $0 = true } }
                try? loop.register(b, victim)
                weakVictim = victim
            }
            let victimToken = loop.token(for: b)
            closer.onEvent = { weakVictim?.socket.close() }
            // One batch: the closer's event, then the victim's, already fetched.
            loop.deliver(token: loop.token(for: a), events: EPOLLIN.rawValue)
            loop.deliver(token: victimToken, events: EPOLLIN.rawValue)
            let calls = weakVictim?.calls ?? -1
            closer.socket.close()
            return (calls, weakVictim != nil)
        }.get()
        #expect(victimCalls == 0)
        #expect(aliveAtEndOfBatch)
        try await loop.submit {}.get()  // the turn ended: the loop let the handler go
        #expect(released.withLockedValue { $0 })
        try await loop.shutdownGracefully()
    }

    @Test func aPeerThatHalfClosesRaisesRdhup() async throws {
        let loop = try EpollLoop(name: "test")
        let (near, far) = try socketPair()
        defer { close(far) }
        let seen = loop.makePromise(of: UInt32.self)
        try await loop.submit {
            let recorder = Recorder(socket: StreamSocket(fd: near, loop: loop))
            recorder.onBits = { [unowned recorder] bits in
                if bits & EPOLLRDHUP.rawValue != 0 {
                    seen.succeed(bits)
                    recorder.socket.close()
                }
            }
            try loop.register(near, recorder)
        }.get()
        #expect(shutdown(far, Int32(SHUT_WR)) == 0)
        let bits = try await seen.futureResult.get()
        #expect(bits & EPOLLRDHUP.rawValue != 0)
        try await loop.shutdownGracefully()
    }

    @Test func aDescriptorThatCannotBeWatchedIsNotRegisteredAndStaysTheCallers() async throws {
        let loop = try EpollLoop(name: "test")
        let path = "/tmp/redis-lens-epoll-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let file = open(path, O_CREAT | O_RDWR, 0o600)
        #expect(file >= 0)
        defer {
            close(file)
            unlink(path)
        }
        let outcome = try await loop.submit { () -> (IOError?, Int) in
            let recorder = Recorder(socket: StreamSocket(fd: file, loop: loop))
            var failure: IOError?
            do throws(IOError) { try loop.register(file, recorder) } catch { failure = error }
            loop.deliver(token: loop.token(for: file), events: EPOLLIN.rawValue)
            return (failure, recorder.calls)
        }.get()
        #expect(outcome.0?.errnoCode == EPERM)  // regular files cannot be watched
        #expect(outcome.1 == 0)
        // Still open, on the same file: the caller closes it.
        var opened = stat()
        var named = stat()
        #expect(fstat(file, &opened) == 0 && stat(path, &named) == 0 && opened.st_ino == named.st_ino)
        try await loop.shutdownGracefully()
    }

    /// Out of descriptors, `accept` fails and the connection stays queued: the listener
    /// counts the failure and accepts it on a later try (no new edge would come for it).
    @Test func aClientQueuedWhileDescriptorsRanOutIsAcceptedLater() async throws {
        let loop = try EpollLoop(name: "test")
        let listening = try SocketCalls.listen(on: try SocketAddress(ipAddress: "127.0.0.1", port: 0), backlog: 8)
        let port = SocketCalls.localAddress(listening)?.port ?? 0
        let accepted = loop.makePromise(of: Int32.self)
        let failuresLeft = NIOLockedValueBox(2)
        let listener = try await loop.submit { () -> NIOLoopBound<ClientListener> in
            let listener = ClientListener(
                fd: listening, loop: loop, logger: .init(label: "test"),
                accept: { fd in
                    let exhausted = failuresLeft.withLockedValue { left -> Bool in
                        defer { left -= 1 }
                        return left > 0
                    }
                    return exhausted ? .failed(EMFILE) : SocketCalls.accept(fd)
                },
                onClient: { fd, _ in accepted.succeed(fd) })
            try loop.register(listening, listener)
            return NIOLoopBound(listener, eventLoop: loop)
        }.get()
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #expect(connected == 0)
        let fd = try await accepted.futureResult.get()
        close(fd)
        let failures = try await loop.submit { () -> UInt64 in
            defer { listener.value.close() }
            return listener.value.acceptFailures
        }.get()
        #expect(failures == 2)
        try await loop.shutdownGracefully()
    }

    @Test func theEventArrayGrowsWhenACallFillsIt() async throws {
        let loop = try EpollLoop(name: "test")
        let count = EpollLoop.initialEventCapacity * 2
        let pairs = try (0..<count).map { _ in try socketPair() }
        defer { pairs.forEach { close($0.far) } }
        let delivered = loop.makePromise(of: Void.self)
        let recorders = try await loop.submit { () -> NIOLoopBound<[Recorder]> in
            let total = NIOLoopBoundBox(0, eventLoop: loop)
            let recorders = pairs.map { pair in
                let recorder = Recorder(socket: StreamSocket(fd: pair.near, loop: loop))
                recorder.onBits = { bits in
                    guard bits & EPOLLIN.rawValue != 0 else { return }
                    total.value += 1
                    if total.value == count { delivered.succeed() }
                }
                try? loop.register(pair.near, recorder)
                return recorder
            }
            // All readable before the loop next waits: one `epoll_wait` fills the array.
            for pair in pairs { _ = write(pair.far, "x", 1) }
            return NIOLoopBound(recorders, eventLoop: loop)
        }.get()
        try await delivered.futureResult.get()
        let capacity = try await loop.submit { () -> Int in
            recorders.value.forEach { $0.socket.close() }
            return loop.eventCapacity
        }.get()
        #expect(capacity > EpollLoop.initialEventCapacity)
        try await loop.shutdownGracefully()
    }

    @Test func handlersStillRegisteredAreToldWhenTheLoopStops() async throws {
        let loop = try EpollLoop(name: "test")
        let (near, far) = try socketPair()
        defer { close(far) }
        let stopped = NIOLockedValueBox(false)
        try await loop.submit {
            let recorder = Recorder(socket: StreamSocket(fd: near, loop: loop))
            recorder.onStop = { [unowned recorder] in
                stopped.withLockedValue { $0 = true }
                recorder.socket.close()
            }
            try loop.register(near, recorder)
        }.get()
        try await loop.shutdownGracefully()
        #expect(stopped.withLockedValue { $0 })
        var byte: UInt8 = 0
        #expect(read(far, &byte, 1) == 0)  // its owner closed it: the peer reads EOF
    }
}

/// Counts the events it is handed; hooks let a test act on them.
private final class Recorder: EpollHandler {
    let socket: StreamSocket
    var calls = 0
    var onEvent: (() -> Void)?
    var onBits: ((UInt32) -> Void)?
    var onStop: (() -> Void)?
    var onDeinit: (() -> Void)?

    init(socket: StreamSocket) {
        self.socket = socket
    }

    deinit { onDeinit?() }

    override func handleEvents(_ events: UInt32) {
        calls += 1
        onEvent?()
        onBits?(events)
    }

    override func loopStopped() {
        if let onStop { onStop() } else { socket.close() }
    }
}
