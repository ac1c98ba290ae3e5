import CEpoll
import EpollIO
import NIOCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `StreamSocket.holdOutput()`: what a shared upstream connection writes while Redis has not
/// started answering its last batch waits, and goes out in one write once released.
@Suite struct OutputHoldTests {
    @Test func heldOutputIsSentOnlyAfterItIsReleasedInOneWrite() async throws {
        let loop = try EpollLoop(name: "test")
        let (near, far) = try socketPair()
        defer { close(far) }
        let small = [UInt8](repeating: 0x61, count: 100)
        let large = [UInt8](repeating: 0x62, count: StreamSocket.deferLimit * 2)
        let handler = try await loop.submit { () -> Quiet in
            let handler = Quiet(socket: StreamSocket(fd: near, loop: loop))
            try loop.register(near, handler)
            handler.socket.holdOutput()
            small.withUnsafeBytes { _ = handler.socket.write($0) }
            // A large write is normally sent at once; held, it is queued too.
            large.withUnsafeBytes { _ = handler.socket.write($0) }
            return handler
        }.get()
        // A later turn of the loop: nothing went out.
        let (sentWhileHeld, pending) = try await loop.submit {
            (handler.socket.bytesSent, handler.socket.pendingBytes)
        }.get()
        #expect(sentWhileHeld == 0)
        #expect(pending == small.count + large.count)
        #expect(bytesAvailable(far) == 0)
        try await loop.submit { handler.socket.releaseOutput() }.get()
        let received = try receive(far, count: small.count + large.count)
        #expect(received == small + large)
        try await loop.submit { handler.socket.close() }.get()
        try await loop.shutdownGracefully()
    }

    @Test func holdingWithOutputQueuedHoldsNothing() async throws {
        let loop = try EpollLoop(name: "test")
        let (near, far) = try socketPair()
        defer { close(far) }
        let (handler, held) = try await loop.submit { () -> (Quiet, Bool) in
            // Registered, so the loop's deferred flush may refer to its socket.
            let handler = Quiet(socket: StreamSocket(fd: near, loop: loop))
            try loop.register(near, handler)
            // Queued output (the kernel has not taken it yet) keeps flowing: no hold.
            [UInt8](repeating: 0x63, count: 10).withUnsafeBytes { _ = handler.socket.write($0) }
            handler.socket.holdOutput()
            return (handler, handler.socket.outputHeld)
        }.get()
        try await loop.submit { handler.socket.close() }.get()
        #expect(!held)
        try await loop.shutdownGracefully()
    }
}

/// Flushes on `EPOLLOUT`; touched only on the loop's thread (the test hands it between tasks).
private final class Quiet: EpollHandler, @unchecked Sendable {
    let socket: StreamSocket
    init(socket: StreamSocket) { self.socket = socket }
    override func handleEvents(_ events: UInt32) {
        if events & EPOLLOUT.rawValue != 0 { socket.flush() }
    }
    override func loopStopped() { socket.close() }
}

private func bytesAvailable(_ fd: Int32) -> Int {
    var count: Int32 = 0
    _ = ioctl(fd, UInt(FIONREAD), &count)
    return Int(count)
}

/// Reads `count` bytes from the non-blocking `fd`, waiting for them up to 10 s.
private func receive(_ fd: Int32, count: Int) throws -> [UInt8] {
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    let deadline = NIODeadline.now() + .seconds(10)
    while result.count < count && NIODeadline.now() < deadline {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        _ = poll(&poller, 1, 100)
        let read = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if read > 0 { result += buffer[0..<read] }
    }
    return result
}
