import CEpoll
import NIOConcurrencyHelpers
import NIOCore
import Testing

@testable import EpollIO

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct EpollLoopTests {
    @Test func tasksFromOtherThreadsRunOnTheLoopInOrder() async throws {
        let loop = try EpollLoop(name: "test")
        let seen = NIOLockedValueBox<[Int]>([])
        let onLoop = NIOLockedValueBox(true)
        for index in 0..<100 {
            loop.execute {
                onLoop.withLockedValue { $0 = $0 && loop.inEventLoop }
                seen.withLockedValue { $0.append(index) }
            }
        }
        try await loop.submit {}.get()
        #expect(seen.withLockedValue { $0 } == Array(0..<100))
        #expect(onLoop.withLockedValue { $0 })
        #expect(!loop.inEventLoop)
        try await loop.shutdownGracefully()
    }

    @Test func timersFireInDeadlineOrderAndCancelledOnesNever() async throws {
        let loop = try EpollLoop(name: "test")
        let fired = NIOLockedValueBox<[Int]>([])
        let late = loop.scheduleTask(in: .milliseconds(30)) { fired.withLockedValue { $0.append(30) } }
        let cancelled = loop.scheduleTask(in: .milliseconds(10)) { fired.withLockedValue { $0.append(-1) } }
        let early = loop.scheduleTask(in: .milliseconds(1)) { fired.withLockedValue { $0.append(1) } }
        cancelled.cancel()
        try await early.futureResult.get()
        try await late.futureResult.get()
        await #expect(throws: EventLoopError.cancelled) { try await cancelled.futureResult.get() }
        #expect(fired.withLockedValue { $0 } == [1, 30])
        try await loop.shutdownGracefully()
    }

    @Test func shutdownFailsTimersStillPending() async throws {
        let loop = try EpollLoop(name: "test")
        let pending = loop.scheduleTask(in: .hours(1)) {}
        let failure = NIOLockedValueBox<(any Error)?>(nil)
        pending.futureResult.whenFailure { error in failure.withLockedValue { $0 = error } }
        try await loop.shutdownGracefully()
        // The callbacks ran on the loop before its thread ended (nothing runs on it after).
        #expect(failure.withLockedValue { $0 as? EventLoopError } == .cancelled)
    }

    /// A task queued once the loop stopped never runs, and the loop does not keep it: what
    /// it captured is released at once (a pool's late callback capturing the loop's owner
    /// was a reference cycle that outlived the proxy).
    @Test func aTaskAfterTheLoopStoppedIsReleasedNotKept() async throws {
        final class Captured: Sendable {}
        let loop = try EpollLoop(name: "test")
        try await loop.shutdownGracefully()
        let ran = NIOLockedValueBox(false)
        weak var released: Captured?
        do {
            let captured = Captured()
            released = captured
            loop.execute {
                withExtendedLifetime(captured) { ran.withLockedValue { $0 = true } }
            }
        }
        #expect(released == nil)
        #expect(!ran.withLockedValue { $0 })
    }

    @Test func timersSortByDeadlineAndCanBeRemoved() {
        var timers = LoopTimers()
        let base = NIODeadline.uptimeNanoseconds(1_000)
        for (id, offset) in [(1, 50), (2, 10), (3, 30), (4, 10), (5, 40)] {
            timers.insert(.init(deadline: base + .nanoseconds(Int64(offset)), id: UInt64(id), fire: {}, abandon: {}))
        }
        #expect(timers.remove(5)?.id == 5)
        #expect(timers.remove(5) == nil)
        var order: [UInt64] = []
        while let timer = timers.popExpired(now: base + .nanoseconds(40)) { order.append(timer.id) }
        #expect(order == [2, 4, 3])  // equal deadlines keep insertion order
        #expect(timers.nextDeadline == base + .nanoseconds(50))
    }

    /// The clock is read once per turn of the loop, and again after a send: a reply read
    /// after its request went out is never stamped with the time before the send.
    @Test func timestampsStayUntilASend() async throws {
        let (near, far) = try socketPair()
        defer { close(far) }
        let loop = try EpollLoop(name: "test")
        let stamps = try await loop.submit {
            let socket = StreamSocket(fd: near, loop: loop)
            defer { socket.close() }
            let before = loop.timestamp()
            let unchanged = loop.timestamp()
            let payload: [UInt8] = Array(repeating: 7, count: StreamSocket.deferLimit)
            payload.withUnsafeBytes { _ = socket.write($0) }  // at the limit: sent at once
            return (before, unchanged, loop.timestamp())
        }.get()
        #expect(stamps.0 == stamps.1)
        #expect(stamps.2 > stamps.0)
        try await loop.shutdownGracefully()
    }

    /// A connection's first relayed message goes through the loop's buffer (its queue is
    /// made to fit: idle connections stay small); later ones land in the peer's output and
    /// are queued there in place, a prefix sent and the rest dropped. With the peer closed,
    /// reads fall back to the loop's buffer.
    @Test func relayedReadsAreQueuedInThePeersOutputInPlace() async throws {
        let (source, sourceFar) = try socketPair()
        let (target, targetFar) = try socketPair()
        defer { [sourceFar, targetFar].forEach { close($0) } }
        let first = Array("*1\r\n$4\r\nPING\r\n".utf8)
        let payload = Array("*1\r\n$4\r\nECHO\r\n*1\r\n$4\r\nPI".utf8)
        @Sendable func send(_ bytes: [UInt8]) -> Bool {
            bytes.withUnsafeBytes { write(sourceFar, $0.baseAddress, $0.count) } == bytes.count
        }
        let loop = try EpollLoop(name: "test")
        // The sockets are returned so they outlive the loop's turn: `peer`'s small writes
        // put it on the loop's deferred-flush list, which holds no reference (registered
        // sockets are kept alive by their handler; these two are not registered).
        let (outcome, sockets) = try await loop.submit { () -> ([Bool], NIOLoopBound<[StreamSocket]>) in
            let reader = StreamSocket(fd: source, loop: loop)
            let peer = StreamSocket(fd: target, loop: loop)
            let sockets = NIOLoopBound([reader, peer], eventLoop: loop)
            let loopBuffer = UnsafeRawPointer(loop.readBuffer)
            defer { reader.close() }
            guard send(first), case .data(let opening, _) = reader.read(into: peer) else { return ([], sockets) }
            let firstThroughLoop = opening.baseAddress == loopBuffer && Array(opening) == first
            peer.write(opening)
            peer.flush()
            guard send(payload), case .data(let bytes, let filled) = reader.read(into: peer) else {
                return ([], sockets)
            }
            // Read into the peer's room, not the loop's buffer, and short of filling it.
            let inPlace = Array(bytes) == payload && !filled && bytes.baseAddress != loopBuffer
            peer.write(UnsafeRawBufferPointer(rebasing: bytes[..<14]))  // the complete frame only
            let queued = peer.pendingBytes == 14
            peer.flush()
            peer.close()
            guard send([1, 2, 3]), case .data(let fallback, _) = reader.read(into: peer) else { return ([], sockets) }
            return ([firstThroughLoop, inPlace, queued, fallback.baseAddress == loopBuffer], sockets)
        }.get()
        #expect(outcome == [true, true, true, true])
        var received = [UInt8](repeating: 0, count: 64)
        let count = received.withUnsafeMutableBytes { read(targetFar, $0.baseAddress, $0.count) }
        #expect(Array(received[..<max(count, 0)]) == first + payload[..<14])
        try await loop.shutdownGracefully()
        withExtendedLifetime(sockets) {}
    }

    /// More than the kernel takes at once is queued, reported full, and written out on
    /// `EPOLLOUT` (edge-triggered) while the peer reads, unchanged and in order.
    @Test func writesTheKernelDoesNotTakeAreQueuedThenFlushed() async throws {
        let (near, far) = try socketPair()
        defer { close(far) }
        let payload = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 12) }
        let loop = try EpollLoop(name: "test")
        let drained = loop.makePromise(of: Void.self)
        let queuedAtFirst = try await loop.submit {
            let socket = StreamSocket(fd: near, loop: loop)
            let flusher = Flusher(socket: socket, drained: drained)
            try loop.register(near, flusher)
            payload.withUnsafeBytes { _ = socket.write($0) }
            return (socket.pendingBytes, socket.isFull)
        }.get()
        #expect(queuedAtFirst.0 > StreamSocket.highWater && queuedAtFirst.1)
        var received: [UInt8] = []
        received.reserveCapacity(payload.count)
        var chunk = [UInt8](repeating: 0, count: 65536)
        var pollFD = pollfd(fd: far, events: Int16(POLLIN), revents: 0)
        while received.count < payload.count {
            _ = poll(&pollFD, 1, 10_000)
            let count = chunk.withUnsafeMutableBytes { read(far, $0.baseAddress, $0.count) }
            if count > 0 { received += chunk[..<count] } else if count == 0 { break }
        }
        try await drained.futureResult.get()
        #expect(received == payload)
        try await loop.shutdownGracefully()
    }
}

/// Flushes on every event; succeeds `drained` once nothing is queued.
private final class Flusher: EpollHandler {
    let socket: StreamSocket
    let drained: EventLoopPromise<Void>
    private var done = false
    init(socket: StreamSocket, drained: EventLoopPromise<Void>) {
        self.socket = socket
        self.drained = drained
    }
    override func loopStopped() {
        socket.close()
    }

    override func handleEvents(_ events: UInt32) {
        _ = socket.flush()
        if socket.pendingBytes == 0 && !done {
            done = true
            drained.succeed()
        }
    }
}
