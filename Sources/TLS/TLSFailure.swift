import COpenSSL

#if canImport(Glibc)
    import Glibc
#endif

/// Why a TLS handshake or connection failed: a bounded kind (the metric label) and a reason
/// a person can act on (the log line).
public struct TLSFailure: Error, Sendable, Equatable {
    /// The kinds of failure, as `redislens_tls_handshakes_total`'s `result` label.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// The peer's certificate is past its `notAfter`.
        case certificateExpired = "certificate_expired"
        /// The peer's certificate is not valid yet.
        case certificateNotYetValid = "certificate_not_yet_valid"
        /// The peer's certificate was not signed by a trusted CA.
        case unknownCA = "unknown_ca"
        /// The peer's certificate is for another name.
        case hostnameMismatch = "hostname_mismatch"
        /// A certificate was required and the peer sent none.
        case noPeerCertificate = "no_peer_certificate"
        /// The peer's certificate failed verification otherwise.
        case badCertificate = "bad_certificate"
        /// The peer rejected the proxy's certificate (an alert).
        case peerRejected = "peer_rejected"
        /// The peer does not speak TLS (a plaintext client on the TLS port, or a plaintext Redis).
        case notTLS = "not_tls"
        /// The peer closed the connection during the handshake.
        case closed
        /// The handshake did not finish in time.
        case timeout
        /// Anything else (protocol or cipher mismatch, a socket error).
        case error
    }

    /// The kind, for the metric label.
    public var kind: Kind
    /// What happened, for the log line.
    public var reason: String

    /// A failure of `kind` because of `reason`.
    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// Diagnoses a failed OpenSSL call on `ssl` (`SSL_get_error` gave `code`), reading and
    /// clearing the thread's error queue. `expectedName` is the name verified, if any;
    /// `handshaking` whether the call was a handshake step.
    ///
    /// A peer that hangs up during the handshake is ``Kind/closed`` however it hangs up: an
    /// end of stream before any byte (a load balancer's TCP health check) is
    /// `SSL_ERROR_ZERO_RETURN`, because the contexts read an EOF without `close_notify` as an
    /// ordinary end (`SSL_OP_IGNORE_UNEXPECTED_EOF`); a peer that closes with bytes it never
    /// read resets the connection (`ECONNRESET`, or `EPIPE` on the next write).
    static func diagnose(
        ssl: OpaquePointer, code: Int32, systemError: Int32, expectedName: String?, handshaking: Bool
    ) -> TLSFailure {
        defer { ERR_clear_error() }
        // OpenSSL records a verification result even when it does not verify (an insecure
        // upstream): it explains a failure only when the peer is verified.
        let verify = Int32(truncatingIfNeeded: SSL_get_verify_result(ssl))
        if verify != X509_V_OK && SSL_get_verify_mode(ssl) != SSL_VERIFY_NONE {
            return verificationFailure(verify, ssl: ssl, expectedName: expectedName)
        }
        let packed = ERR_peek_error()
        if handshaking && code == SSL_ERROR_ZERO_RETURN {
            return TLSFailure(.closed, "the peer closed the connection during the handshake")
        }
        if code == SSL_ERROR_SYSCALL && packed == 0 {
            if systemError == 0 || (handshaking && systemError == EPIPE) {
                return TLSFailure(.closed, "the peer closed the connection during the handshake")
            }
            if handshaking && systemError == ECONNRESET {
                return TLSFailure(.closed, "the peer reset the connection during the handshake")
            }
            return TLSFailure(.error, "socket error: \(String(cString: strerror(systemError)))")
        }
        guard packed != 0 else { return TLSFailure(.error, "TLS error (SSL_get_error \(code))") }
        let reason = ERR_GET_REASON(packed)
        let text = ERR_reason_error_string(packed).map { String(cString: $0) } ?? "error \(reason)"
        switch reason {
        case SSL_R_WRONG_VERSION_NUMBER, SSL_R_HTTP_REQUEST, SSL_R_HTTPS_PROXY_REQUEST, SSL_R_PACKET_LENGTH_TOO_LONG,
            SSL_R_RECORD_LENGTH_MISMATCH, SSL_R_UNKNOWN_PROTOCOL:
            return TLSFailure(.notTLS, "not a TLS handshake (\(text)): a plaintext peer on a TLS connection?")
        case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
            return TLSFailure(
                .noPeerCertificate, "the client sent no certificate (--tls-auth-clients yes requires one)")
        case SSL_R_UNEXPECTED_EOF_WHILE_READING:
            return TLSFailure(.closed, "the peer closed the connection during the handshake")
        case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE, SSL_R_TLSV1_ALERT_UNKNOWN_CA, SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED,
            SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN, SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE,
            SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED, SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED,
            SSL_R_TLSV1_ALERT_ACCESS_DENIED, SSL_R_TLSV1_ALERT_DECRYPT_ERROR:
            return TLSFailure(.peerRejected, "the peer rejected the handshake: \(text)")
        default:
            return TLSFailure(.error, text)
        }
    }

    /// A failed certificate verification, as a person would want to read it.
    static func verificationFailure(_ code: Int32, ssl: OpaquePointer, expectedName: String?) -> TLSFailure {
        let text = X509_verify_cert_error_string(Int(code)).map { String(cString: $0) } ?? "error \(code)"
        let peer = lens_ssl_peer_leaf(ssl).map { CertificateInfo($0) }
        switch code {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            let subject = peer.map { " (\($0.subject), expired \(utcText($0.notAfter)))" } ?? ""
            return TLSFailure(.certificateExpired, "certificate has expired\(subject)")
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return TLSFailure(
                .certificateNotYetValid, "certificate is not yet valid\(peer.map { " (\($0.subject))" } ?? "")")
        case X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH:
            let expected = expectedName ?? "?"
            let actual = peer?.names ?? "unknown names"
            return TLSFailure(
                .hostnameMismatch, "hostname mismatch: expected \(expected), certificate is for \(actual)")
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
            X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
            X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            return TLSFailure(.unknownCA, "unknown CA (\(text))\(peer.map { " for \($0.subject)" } ?? "")")
        default:
            return TLSFailure(.badCertificate, "certificate verification failed: \(text)")
        }
    }

    /// `seconds` as `2026-01-31 12:00:00 UTC`.
    static func utcText(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return "\(seconds)" }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) UTC"
    }
}
