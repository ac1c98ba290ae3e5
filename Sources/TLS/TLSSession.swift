import COpenSSL

#if canImport(Glibc)
    import Glibc
#endif

/// One TLS connection on a non-blocking socket the caller owns, driven by readiness: each
/// call does what it can now and says which readiness it waits for.
///
/// OpenSSL reads and writes the socket itself. Writes are partial and may be retried from a
/// moved buffer (the socket's output queue grows by reallocation), as long as the retry
/// offers at least the bytes the failed call offered. Confined to one thread.
public final class TLSSession {
    /// The outcome of one handshake step.
    public enum HandshakeStep: Equatable {
        /// The handshake finished.
        case done
        /// Call again when the socket is readable.
        case wantRead
        /// Call again when the socket is writable.
        case wantWrite
        /// It failed; the connection is unusable.
        case failed(TLSFailure)
    }

    /// The outcome of one read or write.
    public enum IOResult: Equatable {
        /// This many plaintext bytes were read or written.
        case bytes(Int)
        /// Call again when the socket is readable.
        case wantRead
        /// Call again when the socket is writable.
        case wantWrite
        /// The peer ended the stream (`close_notify` or EOF).
        case closed
        /// The connection failed.
        case failed(TLSFailure)
    }

    private let ssl: OpaquePointer
    /// The context the session was made from (its side's configuration).
    public let context: TLSContext
    private let expectedName: String?
    /// Whether the socket's last read left it empty (`lens_ssl_track_reads`).
    private let drained: UnsafeMutablePointer<Int32>

    init?(context: TLSContext, fd: Int32) {
        guard let ssl = SSL_new(context.context) else { return nil }
        self.ssl = ssl
        self.context = context
        let configuration = context.configuration
        self.expectedName = configuration.role == .client && configuration.verifyPeer ? configuration.serverName : nil
        SSL_set_fd(ssl, fd)
        drained = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        drained.initialize(to: 0)
        lens_ssl_track_reads(ssl, drained)
        switch configuration.role {
        case .server:
            SSL_set_accept_state(ssl)
        case .client:
            SSL_set_connect_state(ssl)
            if let name = configuration.serverName {
                let isAddress = Self.isIPAddress(name)
                if !isAddress { _ = lens_ssl_set_sni(ssl, name) }
                if configuration.verifyPeer {
                    if isAddress {
                        _ = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name)
                    } else {
                        _ = SSL_set1_host(ssl, name)
                    }
                }
            }
        }
    }

    deinit {
        SSL_free(ssl)
        drained.deallocate()
    }

    /// Runs the handshake as far as the socket allows.
    public func handshake() -> HandshakeStep {
        ERR_clear_error()
        errno = 0
        let result = SSL_do_handshake(ssl)
        if result == 1 { return .done }
        let systemError = errno
        let code = SSL_get_error(ssl, result)
        switch code {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        default:
            return .failed(
                TLSFailure.diagnose(
                    ssl: ssl, code: code, systemError: systemError, expectedName: expectedName, handshaking: true))
        }
    }

    /// Reads decrypted bytes into `room`.
    @inline(__always)
    public func read(into room: UnsafeMutableRawBufferPointer) -> IOResult {
        ERR_clear_error()
        var count = 0
        if SSL_read_ex(ssl, room.baseAddress, room.count, &count) == 1 { return .bytes(count) }
        return outcome(of: 0)
    }

    /// Whether everything the peer sent so far was read: the socket was empty after the
    /// last read of it and OpenSSL buffers nothing. An edge-triggered reader may stop then
    /// (new input brings a new edge), without one more read that would fail with `EAGAIN`.
    public var inputDrained: Bool { lens_ssl_input_drained(ssl, drained) != 0 }

    /// Whether OpenSSL holds bytes read from the socket that were not returned yet.
    public var hasBufferedInput: Bool { SSL_has_pending(ssl) != 0 }

    /// Encrypts and sends (part of) `bytes`.
    @inline(__always)
    public func write(_ bytes: UnsafeRawBufferPointer) -> IOResult {
        ERR_clear_error()
        var count = 0
        if SSL_write_ex(ssl, bytes.baseAddress, bytes.count, &count) == 1 { return .bytes(count) }
        return outcome(of: 0)
    }

    /// Sends `close_notify` if the socket takes it now; the stream's end follows from the caller.
    public func shutdown() {
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }

    /// The negotiated protocol (`TLSv1.3`).
    public var protocolVersion: String { String(cString: SSL_get_version(ssl)) }

    /// The negotiated cipher (`TLS_AES_256_GCM_SHA384`).
    public var cipher: String {
        SSL_get_current_cipher(ssl).flatMap { SSL_CIPHER_get_name($0) }.map { String(cString: $0) } ?? "none"
    }

    /// The peer's certificate, when it sent one.
    public var peerCertificate: CertificateInfo? {
        lens_ssl_peer_leaf(ssl).map { CertificateInfo($0) }
    }

    private func outcome(of result: Int32) -> IOResult {
        let systemError = errno
        let code = SSL_get_error(ssl, result)
        switch code {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closed
        case SSL_ERROR_SYSCALL where ERR_peek_error() == 0 && systemError == 0:
            return .closed
        default:
            return .failed(
                TLSFailure.diagnose(
                    ssl: ssl, code: code, systemError: systemError, expectedName: expectedName, handshaking: false))
        }
    }

    private static func isIPAddress(_ name: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET, name, &address) == 1 || inet_pton(AF_INET6, name, &address) == 1
    }
}
