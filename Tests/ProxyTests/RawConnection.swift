import RESP
import Synchronization
import TestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum RawConnectionError: Error, CustomStringConvertible {
    case system(String, errno: Int32)
    case timeout(String, received: [UInt8])
    case closedEarly(String, received: [UInt8])
    case invalidReply(String)

    var description: String {
        switch self {
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        case .timeout(let what, let received): "timed out \(what); received \(received.count) bytes: \(Wire(received))"
        case .closedEarly(let what, let received): "EOF \(what); received \(received.count) bytes: \(Wire(received))"
        case .invalidReply(let message): "invalid RESP from the server: \(message)"
        }
    }
}

/// A test client on a plain loopback socket: writes raw bytes, and reads until it holds
/// N complete RESP frames (or EOF). Every operation is bounded by a timeout and runs on
/// a thread of its own. Bytes read past the frames asked for are kept for the next read.
final class RawConnection: Sendable {
    private let descriptor: Int32
    private let state = Mutex(ReadState())

    private struct ReadState {
        var buffer: [UInt8] = []
        var scanner = RESPScanner(mode: .reply)
        var scanned = 0
        var frameEnds: [Int] = []
        var eof = false
        var closed = false
    }

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { if !state.withLock({ $0.closed }) { POSIX.close(descriptor) } }

    /// Connects to `127.0.0.1:port`, optionally with a small receive buffer.
    static func connect(port: Int, receiveBuffer: Int32? = nil) async throws -> RawConnection {
        try await offload { try RawConnection(port: port, receiveBuffer: receiveBuffer) }
    }

    private convenience init(port: Int, receiveBuffer: Int32?) throws {
        let fd = POSIX.tcpSocket()
        guard fd >= 0 else { throw RawConnectionError.system("socket", errno: errno) }
        self.init(descriptor: fd)
        if var size = receiveBuffer {
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = loopbackAddress(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                POSIX.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw RawConnectionError.system("connect to port \(port)", errno: errno) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    /// Writes `bytes` completely without reading anything.
    func send(_ bytes: [UInt8], timeout: Duration = .seconds(10)) async throws {
        try await offload { try self.pump(bytes, read: false, timeout: timeout) { _ in true } }
    }

    /// Writes `bytes` in pieces of the given sizes (cycling), each its own `send(2)`.
    func sendFragmented(_ bytes: [UInt8], pieceSizes: [Int], timeout: Duration = .seconds(10)) async throws {
        try await offload {
            var start = 0
            var piece = 0
            while start < bytes.count {
                let end = min(start + pieceSizes[piece % pieceSizes.count], bytes.count)
                try self.pump(Array(bytes[start..<end]), read: true, timeout: timeout) { _ in true }
                start = end
                piece += 1
            }
        }
    }

    /// Writes `bytes` (reading meanwhile), then returns the next `frames` complete frames.
    func request(_ bytes: [UInt8], frames: Int = 1, timeout: Duration = .seconds(10)) async throws -> [UInt8] {
        try await offload {
            try self.pump(bytes, read: true, timeout: timeout) { $0.frameEnds.count >= frames || $0.eof }
            return try self.take(frames: frames, what: "waiting for \(frames) frames")
        }
    }

    /// Returns the next `frames` complete frames.
    func read(frames: Int = 1, timeout: Duration = .seconds(10)) async throws -> [UInt8] {
        try await request([], frames: frames, timeout: timeout)
    }

    /// Reads until the peer closes; returns every byte not consumed yet.
    func readToEnd(timeout: Duration = .seconds(10)) async throws -> [UInt8] {
        try await offload {
            try self.pump([], read: true, timeout: timeout) { $0.eof }
            return self.state.withLock { state in
                defer {
                    state.buffer.removeAll()
                    state.frameEnds.removeAll()
                    state.scanned = 0
                }
                return state.buffer
            }
        }
    }

    /// Sends EOF (half-close).
    func shutdownOutput() {
        _ = shutdown(descriptor, Int32(SHUT_WR))
    }

    func close() {
        state.withLock { state in
            guard !state.closed else { return }
            state.closed = true
            POSIX.close(descriptor)
        }
    }

    // MARK: - Private

    private func take(frames: Int, what: String) throws -> [UInt8] {
        try state.withLock { state in
            guard state.frameEnds.count >= frames else {
                throw RawConnectionError.closedEarly(what, received: state.buffer)
            }
            let end = frames == 0 ? 0 : state.frameEnds[frames - 1]
            let taken = Array(state.buffer[0..<end])
            state.buffer.removeFirst(end)
            state.frameEnds = state.frameEnds.dropFirst(frames).map { $0 - end }
            state.scanned -= end
            return taken
        }
    }

    /// Writes `output` and reads (if asked) until `done` holds, output is all written,
    /// the peer closed, or the timeout passed (which throws).
    private func pump(
        _ output: [UInt8], read: Bool, timeout: Duration, until done: (ReadState) -> Bool
    ) throws {
        let deadline = ContinuousClock.now + timeout
        var written = 0
        try state.withLock { state in
            while true {
                let wantsWrite = written < output.count
                if !wantsWrite && (done(state) || (read && state.eof)) { return }
                var poller = pollfd(
                    fd: descriptor, events: Int16((read && !state.eof ? POLLIN : 0) | (wantsWrite ? POLLOUT : 0)),
                    revents: 0)
                let ready = poll(&poller, 1, millisecondsLeft(until: deadline))
                if ready < 0 && errno != EINTR { throw RawConnectionError.system("poll", errno: errno) }
                if ready == 0 && ContinuousClock.now >= deadline {
                    throw RawConnectionError.timeout(
                        "after \(timeout) (\(written)/\(output.count) bytes written)", received: state.buffer)
                }
                if wantsWrite && poller.revents & Int16(POLLOUT | POLLERR | POLLHUP) != 0 {
                    let count = output.withUnsafeBytes { bytes in
                        POSIX.send(descriptor, bytes.baseAddress! + written, min(bytes.count - written, 1 << 20))
                    }
                    if count > 0 {
                        written += count
                    } else if errno != EAGAIN && errno != EINTR {
                        throw RawConnectionError.system("send", errno: errno)
                    }
                }
                if read && poller.revents & Int16(POLLIN | POLLERR | POLLHUP) != 0 {
                    try receive(into: &state)
                }
            }
        }
    }

    private func receive(into state: inout ReadState) throws {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress!, $0.count, 0) }
        if count == 0 {
            state.eof = true
            return
        }
        guard count > 0 else {
            if errno == EAGAIN || errno == EINTR { return }
            if errno == ECONNRESET {
                state.eof = true
                return
            }
            throw RawConnectionError.system("recv", errno: errno)
        }
        state.buffer += chunk[0..<count]
        let start = state.scanned
        var ends: [Int] = []
        var scanner = state.scanner
        do {
            try state.buffer.withUnsafeBytes { bytes in
                let fresh = UnsafeRawBufferPointer(rebasing: bytes[start...])
                var offset = 0
                while try scanner.next(fresh, offset: &offset) != nil { ends.append(start + offset) }
            }
        } catch {
            throw RawConnectionError.invalidReply("\(error)")
        }
        state.scanner = scanner
        state.frameEnds += ends
        state.scanned = state.buffer.count
    }
}
