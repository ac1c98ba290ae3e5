#if canImport(Glibc)
    import Glibc
#endif

/// A TCP connection for control-plane traffic: connected with a timeout (non-blocking
/// `connect`, then `poll`), and every later `write` or `read` waits at most the same
/// timeout (`poll` before each system call that would block). Writes never raise `SIGPIPE`.
public final class TCPTransport: ControlPlaneTransport {
    /// `host:port` (`[v6]:port`), for messages.
    public let address: String
    /// The socket (non-blocking); -1 once closed. A ``TLSTransport`` runs its session on it.
    private(set) var descriptor: Int32
    private let timeout: Duration

    /// Connects to the first address of `host` that accepts within `timeout` (all of
    /// them share that one deadline); `timeout` then bounds each read and write.
    public init(host: String, port: Int, timeout: Duration) throws(ControlPlaneError) {
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        self.address = address
        self.timeout = timeout
        let deadline = ContinuousClock.now + timeout

        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            let reason = status == EAI_SYSTEM ? Self.text(errno) : String(cString: gai_strerror(status))
            throw ControlPlaneError(.connect, "cannot resolve \(host): \(reason)")
        }
        defer { freeaddrinfo(list) }

        var lastError = ControlPlaneError(.connect, "no address for \(host)")
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            entry = current.pointee.ai_next
            let flags = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
            let candidate = socket(current.pointee.ai_family, flags, current.pointee.ai_protocol)
            guard candidate >= 0 else {
                lastError = ControlPlaneError(.connect, "socket for \(address) failed: \(Self.text(errno))")
                continue
            }
            do throws(ControlPlaneError) {
                try Self.connect(candidate, to: current.pointee, address: address, deadline: deadline, timeout: timeout)
                descriptor = candidate
                return
            } catch {
                Glibc.close(candidate)
                // Past the deadline there is no time left for the next address.
                if error.kind == .timeout { throw error }
                lastError = error
            }
        }
        throw lastError
    }

    deinit { close() }

    /// Sends all of `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(ControlPlaneError) {
        var offset = 0
        let deadline = ContinuousClock.now + timeout
        while offset < bytes.count {
            guard descriptor >= 0 else { throw ControlPlaneError(.connectionLost, "connection to \(address) closed") }
            let sent = send(descriptor, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if sent >= 0 {
                offset += sent
                continue
            }
            let code = errno
            switch code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                guard try Self.wait(descriptor, for: Int16(POLLOUT), until: deadline) else {
                    throw ControlPlaneError(
                        .timeout, "\(address) took no bytes within \(Self.milliseconds(timeout)) ms")
                }
            default:
                throw ControlPlaneError(.connectionLost, "sending to \(address) failed: \(Self.text(code))")
            }
        }
    }

    /// Reads what is there, waiting up to the timeout for the first byte.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ControlPlaneError) -> Int {
        let deadline = ContinuousClock.now + timeout
        while true {
            guard descriptor >= 0 else { throw ControlPlaneError(.connectionLost, "connection to \(address) closed") }
            let received = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if received >= 0 { return received }
            let code = errno
            switch code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                guard try Self.wait(descriptor, for: Int16(POLLIN), until: deadline) else {
                    throw ControlPlaneError(
                        .timeout, "no reply from \(address) within \(Self.milliseconds(timeout)) ms")
                }
            case ECONNRESET:
                throw ControlPlaneError(.connectionLost, "connection reset by \(address)")
            default:
                throw ControlPlaneError(.connectionLost, "reading from \(address) failed: \(Self.text(code))")
            }
        }
    }

    /// Waits up to `limit` for bytes (or the peer's close) to be readable; false when
    /// none came. Unlike ``read(into:)``, running out of time is not an error.
    public func waitReadable(upTo limit: Duration) throws(ControlPlaneError) -> Bool {
        guard descriptor >= 0 else { throw ControlPlaneError(.connectionLost, "connection to \(address) closed") }
        return try Self.wait(descriptor, for: Int16(POLLIN), until: ContinuousClock.now + limit)
    }

    /// Closes the socket.
    public func close() {
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)  // Linux releases the descriptor even when close reports EINTR
        descriptor = -1
    }

    // MARK: - Helpers

    private static func connect(
        _ candidate: Int32, to entry: addrinfo, address: String, deadline: ContinuousClock.Instant, timeout: Duration
    ) throws(ControlPlaneError) {
        var code: Int32 = 0
        if Glibc.connect(candidate, entry.ai_addr, entry.ai_addrlen) != 0 {
            code = errno
            if code == EINPROGRESS || code == EINTR {
                guard try wait(candidate, for: Int16(POLLOUT), until: deadline) else {
                    throw ControlPlaneError(.timeout, "connect timeout after \(milliseconds(timeout)) ms to \(address)")
                }
                var pending: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                code = getsockopt(candidate, SOL_SOCKET, SO_ERROR, &pending, &length) == 0 ? pending : errno
            }
        }
        switch code {
        case 0: return
        case ECONNREFUSED: throw ControlPlaneError(.connect, "connect refused \(address)")
        case ETIMEDOUT: throw ControlPlaneError(.timeout, "connect timeout to \(address)")
        case EHOSTUNREACH, ENETUNREACH: throw ControlPlaneError(.connect, "no route to host \(address)")
        default: throw ControlPlaneError(.connect, "connect to \(address) failed: \(text(code))")
        }
    }

    /// Waits until `descriptor` is ready for `events` (or has an error or hang-up to
    /// report); false when `deadline` passed first.
    static func wait(
        _ descriptor: Int32, for events: Int16, until deadline: ContinuousClock.Instant
    ) throws(ControlPlaneError) -> Bool {
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return false }
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, Int32(clamping: milliseconds(left, roundingUp: true)))
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR {
                throw ControlPlaneError(.connectionLost, "poll failed: \(text(errno))")
            }
        }
    }

    static func milliseconds(_ duration: Duration, roundingUp: Bool = false) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let whole = attoseconds / perMillisecond
        let up: Int64 = roundingUp && attoseconds % perMillisecond > 0 ? 1 : 0
        return seconds * 1000 + whole + up
    }

    private static func text(_ code: Int32) -> String { String(cString: strerror(code)) }
}
