import CEpoll
import NIOCore
import TLS

#if canImport(Glibc)
    import Glibc
#endif

/// A connected, non-blocking TCP socket on an ``EpollLoop``.
///
/// Relayed bytes are read straight into the peer's output (``read(into:)``), so they are
/// never copied in user space; other reads go into the loop's buffer. Small writes are
/// queued in `output` and sent when the loop has handled its batch of events; large ones
/// go to the kernel at once. What the kernel does not take stays in `output` until the
/// next `EPOLLOUT`. Owners stop reading the peer while ``isFull`` (backpressure), and
/// resume once ``hasRoom``.
///
/// With TLS (``startTLS(_:)``), the owner runs ``continueHandshake()`` on its events until it
/// is done; then reads return decrypted bytes (still straight into the peer's output) and the
/// output queue holds plaintext that is encrypted as it is sent, so backpressure works the same.
/// OpenSSL may need to write while reading (a TLS 1.3 key update) or to read while writing;
/// the socket retries the other direction on the next event, so edge-triggered readiness is
/// never lost.
public final class StreamSocket {
    /// Queued output above which the peer is no longer read.
    @usableFromInline package static let highWater = 64 * 1024
    /// Queued output at or below which reading the peer resumes.
    @usableFromInline package static let lowWater = 16 * 1024

    /// Writes smaller than this are queued and sent after the loop handled all its events
    /// (as haproxy does: fewer wake-ups of Redis; `docs/decisions/0002-hand-written-epoll-data-path.md`);
    /// larger ones are sent at once, without the copy.
    package static let deferLimit = 16 * 1024

    /// The least room a read into the peer's output is given: a queue still holding unsent
    /// bytes grows (doubling) to make it. A drained queue keeps up to 1 MiB of what it grew to.
    package static let relayReadRoom = 16 * 1024

    package let fd: Int32
    package let loop: EpollLoop
    @usableFromInline var output = OutputBuffer()
    private var shutdownWhenFlushed = false
    package private(set) var isClosed = false
    /// `errno` of a failed write; the socket takes no more output then.
    package private(set) var failure: Int32?
    /// TLS on this connection, when it has it.
    package private(set) var tls: TLSSession?
    private var tlsEstablished = false
    /// A TLS read waits for the socket to be writable: read again after the next flush.
    private var readWantsWrite = false
    /// A TLS write waits for the socket to be readable: flush again on the next read.
    private var writeWantsRead = false
    /// Why TLS failed, when it did (reads fail with `EPROTO` then).
    package private(set) var tlsFailure: TLSFailure?
    /// Bytes of output the kernel (or, with TLS, `SSL_write`) took so far: an owner compares
    /// it with its own count to know which of the bytes it wrote have left.
    package private(set) var bytesSent: UInt64 = 0
    /// Whether each send reads the loop's clock first, into ``sendStarted`` (upstream
    /// connections: when their requests left).
    package var stampsSends = false
    /// The loop's clock just before the last send began (with ``stampsSends``). The
    /// requests a send completed left no earlier; read after the send, the clock could
    /// trail it by however long the thread was preempted, while the peer on another core
    /// already had the bytes (and Redis may have answered part of them).
    package private(set) var sendStarted: UInt64 = 0

    package init(fd: Int32, loop: EpollLoop) {
        self.fd = fd
        self.loop = loop
    }

    /// Bytes written but not yet taken by the kernel.
    @inlinable public var pendingBytes: Int { output.count }
    /// Whether the peer should stop being read.
    @inlinable public var isFull: Bool { output.count > Self.highWater }
    /// Whether a held-back peer may be read again.
    @inlinable public var hasRoom: Bool { output.count <= Self.lowWater }

    /// Where a TLS handshake is.
    package enum HandshakeProgress: Equatable {
        /// Finished (or there is no TLS): read and write.
        case done
        /// Waiting for the peer: call again on the next event.
        case pending
        /// Failed; the connection is unusable (close it).
        case failed(TLSFailure)
    }

    /// Puts TLS on the connection; the owner drives ``continueHandshake()`` before any read.
    package func startTLS(_ session: TLSSession) {
        tls = session
        tlsEstablished = false
    }

    /// Runs the TLS handshake as far as the socket allows now.
    package func continueHandshake() -> HandshakeProgress {
        guard let tls, !tlsEstablished else { return .done }
        guard !isClosed else { return .failed(TLSFailure(.closed, "connection closed")) }
        switch tls.handshake() {
        case .done:
            tlsEstablished = true
            return .done
        case .wantRead, .wantWrite:
            return .pending
        case .failed(let reason):
            tlsFailure = reason
            failure = EPROTO
            return .failed(reason)
        }
    }

    package enum ReadResult {
        /// Bytes read; `filled` when they filled the room offered, so more may be waiting
        /// (a shorter read means the socket is empty).
        case data(UnsafeRawBufferPointer, filled: Bool)
        case wouldBlock
        case end
        case failed(Int32)
    }

    /// One `read` into the loop's buffer; the bytes are valid until the next read on the loop.
    package func read() -> ReadResult {
        read(into: UnsafeMutableRawBufferPointer(start: loop.readBuffer, count: EpollLoop.readCapacity))
    }

    /// One `read` straight into `peer`'s output, behind what it queues, so relaying the
    /// bytes copies nothing: ``write(_:)`` on `peer` queues them in place. The bytes are
    /// valid until `peer` is next written; until then, nothing else may write to `peer`.
    ///
    /// Reads into the loop's buffer when `peer` takes no more output, and while `peer`'s
    /// output was never used: a connection's first message is copied into a queue of its
    /// size, so idle connections keep small queues (`docs/decisions/0002-hand-written-epoll-data-path.md`).
    package func read(into peer: StreamSocket) -> ReadResult {
        guard peer.failure == nil, !peer.isClosed, peer.output.capacity > 0 else { return read() }
        let room = peer.output.reserve(Self.relayReadRoom)
        return read(into: UnsafeMutableRawBufferPointer(rebasing: room.prefix(EpollLoop.readCapacity)))
    }

    private func read(into room: UnsafeMutableRawBufferPointer) -> ReadResult {
        guard !isClosed else { return .wouldBlock }
        if let tls { return read(tls, into: room) }
        while true {
            let count = cepoll_read(fd, room.baseAddress!, room.count)
            if count > 0 {
                return .data(UnsafeRawBufferPointer(start: room.baseAddress, count: count), filled: count == room.count)
            }
            if count == 0 { return .end }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(errno)
            }
        }
    }

    /// A TLS read. A record is decrypted at a time and more may wait in OpenSSL or the
    /// kernel: the read reports `filled` unless the socket was empty after OpenSSL's last
    /// read of it and OpenSSL holds nothing more (``TLSSession/inputDrained``).
    private func read(_ tls: TLSSession, into room: UnsafeMutableRawBufferPointer) -> ReadResult {
        if writeWantsRead {
            writeWantsRead = false
            retry(EPOLLOUT.rawValue)
        }
        switch tls.read(into: room) {
        case .bytes(let count):
            return .data(UnsafeRawBufferPointer(start: room.baseAddress, count: count), filled: !tls.inputDrained)
        case .wantRead:
            return .wouldBlock
        case .wantWrite:
            readWantsWrite = true
            return .wouldBlock
        case .closed:
            return .end
        case .failed(let reason):
            tlsFailure = reason
            return .failed(EPROTO)
        }
    }

    /// Whether the peer is gone with nothing left to read: its end of the stream (or a
    /// reset) comes next. Looks without reading (`MSG_PEEK`), so input that is waiting
    /// stays for a later ``read()``.
    package var peerLeftWithoutInput: Bool {
        guard !isClosed else { return true }
        // Input OpenSSL already read from the socket is input all the same.
        if let tls, tls.hasBufferedInput { return false }
        var byte: UInt8 = 0
        while true {
            let count = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
            if count >= 0 { return count == 0 }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return false
            default: return true
            }
        }
    }

    /// Reads and drops what the peer sent (a bounded amount), before closing.
    package func discardInput() {
        for _ in 0..<16 {
            guard case .data = read() else { return }
        }
    }

    /// Writes `bytes` now, queueing what the kernel does not take; false if the socket
    /// failed. Bytes a ``read(into:)`` left in this socket's output are queued in place.
    @discardableResult
    package func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard failure == nil, !isClosed else { return false }
        guard !bytes.isEmpty else { return true }
        let wasEmpty = output.isEmpty
        if output.isInRoom(bytes) {
            output.commit(bytes.count)
        } else if wasEmpty && bytes.count >= Self.deferLimit && !outputHeld {
            // Sent at once, without a copy; only what the kernel does not take is queued.
            let written = send(bytes)
            bytesSent &+= UInt64(written)
            guard failure == nil else { return false }
            output.append(UnsafeRawBufferPointer(rebasing: bytes[written...]))
            return true
        } else {
            output.append(bytes)
        }
        guard wasEmpty, !outputHeld else { return true }
        if bytes.count < Self.deferLimit {
            // Sent with every other socket's output once the loop handled its events.
            loop.deferFlush(self)
            return true
        }
        return flush()
    }

    /// Output written while held is queued, not sent, until ``releaseOutput()``. A shared
    /// upstream connection holds its next batch while Redis has not started answering the
    /// last one, so the requests of more clients go out in one write (and Redis reads them
    /// in one read): the batch grows with the load, and a lone request is never held.
    package private(set) var outputHeld = false

    /// Holds what is written from now on (see ``outputHeld``); only with nothing queued.
    package func holdOutput() {
        guard output.isEmpty else { return }
        outputHeld = true
    }

    /// Sends the held output once the loop handled its batch of events.
    package func releaseOutput() {
        guard outputHeld else { return }
        outputHeld = false
        if !output.isEmpty && !isClosed { loop.deferFlush(self) }
    }

    /// Writes a buffer the proxy built (error replies, login commands).
    @discardableResult
    package func write(_ buffer: ByteBuffer) -> Bool {
        buffer.withUnsafeReadableBytes { write($0) }
    }

    /// Writes queued output (on `EPOLLOUT`); false if the socket failed.
    @discardableResult
    package func flush() -> Bool {
        guard failure == nil, !isClosed else { return false }
        if readWantsWrite { retryRead() }
        guard !output.isEmpty, !outputHeld else { return true }
        // Before the handshake finished, output waits (the owner writes only after it).
        if tls != nil && !tlsEstablished { return true }
        let written = send(output.bytes)
        bytesSent &+= UInt64(written)
        guard failure == nil else { return false }
        output.consume(written)
        if output.isEmpty {
            // Give back the memory a large reply needed.
            if output.capacity > 1 << 20 { output.free() }
            if shutdownWhenFlushed { sendEOF() }
        }
        return true
    }

    /// Sends EOF once the queued output is written.
    package func shutdownOutput() {
        guard !isClosed else { return }
        if output.isEmpty {
            sendEOF()
        } else {
            shutdownWhenFlushed = true
        }
    }

    /// `shutdown(SHUT_WR)`. A peer already gone (`ENOTCONN`) needs no EOF; any other error
    /// fails the socket like a failed write.
    private func sendEOF() {
        shutdownWhenFlushed = false
        if tlsEstablished { tls?.shutdown() }
        if shutdown(fd, Int32(SHUT_WR)) != 0 && errno != ENOTCONN { failure = errno }
    }

    /// Stops watching and closes the descriptor; queued output is dropped. `close(2)`
    /// releases the descriptor even when it reports an error, so it is not retried.
    package func close() {
        guard !isClosed else { return }
        isClosed = true
        if let tls {
            // `close_notify` first, as Redis sends it, when the connection is still sound.
            if tlsEstablished && failure == nil { tls.shutdown() }
            self.tls = nil
        }
        loop.deregister(fd)
        Glibc.close(fd)
        output.free()
    }

    /// A TLS read that waited for writability runs again, as an `EPOLLIN` to the owner.
    private func retryRead() {
        readWantsWrite = false
        retry(EPOLLIN.rawValue)
    }

    /// Tells the owner `events` on the next turn of the loop (not inside its current call):
    /// a TLS read or write that waited for the other direction runs again from there.
    private func retry(_ events: UInt32) {
        let token = loop.token(for: fd)
        loop.assumeIsolated().execute { self.loop.deliver(token: token, events: events) }
    }

    private func send(_ bytes: UnsafeRawBufferPointer) -> Int {
        if stampsSends {
            loop.readClock()
            sendStarted = loop.clockNanos
        }
        loop.sentSinceClock = true
        if let tls { return send(tls, bytes) }
        var offset = 0
        while offset < bytes.count {
            let count = cepoll_send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if count > 0 {
                offset += count
                if offset < bytes.count { break }  // the kernel's buffer is full: wait for EPOLLOUT
            } else if count < 0 && errno == EINTR {
                continue
            } else if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                break
            } else {
                failure = count < 0 ? errno : EPIPE
                break
            }
        }
        return offset
    }

    /// A TLS send: records are written until the kernel's buffer is full. A record the
    /// kernel took only in part is finished by the next call, which offers the same bytes
    /// again (from the output queue, wherever it moved).
    private func send(_ tls: TLSSession, _ bytes: UnsafeRawBufferPointer) -> Int {
        if tls !== self.tls || !tlsEstablished { return 0 }
        var offset = 0
        while offset < bytes.count {
            switch tls.write(UnsafeRawBufferPointer(rebasing: bytes[offset...])) {
            case .bytes(let count):
                offset += count
            case .wantWrite:
                return offset
            case .wantRead:
                writeWantsRead = true
                return offset
            case .closed:
                failure = EPIPE
                return offset
            case .failed(let reason):
                tlsFailure = reason
                failure = EPROTO
                return offset
            }
        }
        return offset
    }
}
