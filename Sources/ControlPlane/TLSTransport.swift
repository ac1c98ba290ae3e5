import TLS

#if canImport(Glibc)
    import Glibc
#endif

/// A TLS connection for control-plane traffic (`rediss://`): a ``TCPTransport`` with an
/// OpenSSL session on its descriptor. The handshake runs in the initialiser under the
/// connect timeout; each later `write` or `read` waits at most the timeout, whichever way
/// (readable or writable) TLS needs the socket.
public final class TLSTransport: ControlPlaneTransport {
    private let tcp: TCPTransport
    private let session: TLSSession
    private let timeout: Duration

    /// Connects to `host` as ``TCPTransport`` does, then completes a TLS handshake with a
    /// session of `context` within the same `timeout`.
    public init(host: String, port: Int, timeout: Duration, context: TLSContext) throws(ControlPlaneError) {
        let start = ContinuousClock.now
        tcp = try TCPTransport(host: host, port: port, timeout: timeout)
        self.timeout = timeout
        guard let session = context.makeSession(fd: tcp.descriptor) else {
            tcp.close()
            throw ControlPlaneError(.connect, "cannot start TLS with \(tcp.address)")
        }
        self.session = session
        let deadline = start + timeout
        while true {
            let step = session.handshake()
            let events: Int16
            switch step {
            case .done:
                return
            case .wantRead:
                events = Int16(POLLIN)
            case .wantWrite:
                events = Int16(POLLOUT)
            case .failed(let failure):
                tcp.close()
                throw ControlPlaneError(.connect, "TLS handshake with \(tcp.address) failed: \(failure.reason)")
            }
            guard try TCPTransport.wait(tcp.descriptor, for: events, until: deadline) else {
                tcp.close()
                throw ControlPlaneError(
                    .timeout, "TLS handshake with \(tcp.address) took over \(TCPTransport.milliseconds(timeout)) ms")
            }
        }
    }

    deinit { close() }

    /// Sends all of `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(ControlPlaneError) {
        var offset = 0
        let deadline = ContinuousClock.now + timeout
        while offset < bytes.count {
            try checkOpen()
            switch session.write(UnsafeRawBufferPointer(rebasing: bytes[offset...])) {
            case .bytes(let count):
                offset += count
            case .wantRead:
                try wait(Int16(POLLIN), until: deadline, "\(tcp.address) took no bytes")
            case .wantWrite:
                try wait(Int16(POLLOUT), until: deadline, "\(tcp.address) took no bytes")
            case .closed:
                throw ControlPlaneError(.connectionLost, "connection to \(tcp.address) closed")
            case .failed(let failure):
                throw ControlPlaneError(.connectionLost, "sending to \(tcp.address) failed: \(failure.reason)")
            }
        }
    }

    /// Reads what is there, waiting up to the timeout for the first byte.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ControlPlaneError) -> Int {
        let deadline = ContinuousClock.now + timeout
        while true {
            try checkOpen()
            switch session.read(into: buffer) {
            case .bytes(let count):
                return count
            case .closed:
                return 0
            case .wantRead:
                try wait(Int16(POLLIN), until: deadline, "no reply from \(tcp.address)")
            case .wantWrite:
                try wait(Int16(POLLOUT), until: deadline, "no reply from \(tcp.address)")
            case .failed(let failure):
                throw ControlPlaneError(.connectionLost, "reading from \(tcp.address) failed: \(failure.reason)")
            }
        }
    }

    /// Sends `close_notify` (if the socket takes it now) and closes the socket.
    public func close() {
        guard tcp.descriptor >= 0 else { return }
        session.shutdown()
        tcp.close()
    }

    private func checkOpen() throws(ControlPlaneError) {
        guard tcp.descriptor >= 0 else {
            throw ControlPlaneError(.connectionLost, "connection to \(tcp.address) closed")
        }
    }

    private func wait(_ events: Int16, until deadline: ContinuousClock.Instant, _ what: String)
        throws(ControlPlaneError)
    {
        guard try TCPTransport.wait(tcp.descriptor, for: events, until: deadline) else {
            throw ControlPlaneError(.timeout, "\(what) within \(TCPTransport.milliseconds(timeout)) ms")
        }
    }
}
