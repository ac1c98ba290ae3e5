import COpenSSL
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// A configuration the proxy cannot use: a file it cannot read, a key that does not match,
/// an unknown cipher. The message names the option to fix.
public struct TLSConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One line naming the option and what is wrong.
    public var message: String
    /// An error with `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// One side's OpenSSL context (`SSL_CTX`): certificates, trust, versions and ciphers, loaded
/// once and shared by every connection made from it (OpenSSL allows that across threads).
///
/// Connections are non-blocking and written with partial writes from a buffer that may
/// move (``TLSSession``); renegotiation is off, and a peer's EOF without `close_notify` is
/// an ordinary end of stream (as a plaintext close would be).
public final class TLSContext: @unchecked Sendable {
    let context: OpaquePointer
    /// What the context was built from.
    public let configuration: TLSConfiguration
    /// The proxy's own certificate, when it has one.
    public let certificate: CertificateInfo?

    /// Builds the context; throws when a file cannot be read or does not fit (and frees
    /// what it built).
    public init(_ configuration: TLSConfiguration) throws(TLSConfigurationError) {
        let method = configuration.role == .server ? TLS_server_method() : TLS_client_method()
        guard let context = SSL_CTX_new(method) else {
            throw TLSConfigurationError("cannot create a TLS context: \(Self.lastError())")
        }
        // Configured before the stored properties are set: a throw before that would skip
        // `deinit`, so the context is freed here.
        do {
            certificate = try Self.configure(context, configuration)
        } catch {
            SSL_CTX_free(context)
            throw error
        }
        self.context = context
        self.configuration = configuration
    }

    deinit { SSL_CTX_free(context) }

    /// Loads `configuration` into `context`; the proxy's own certificate, if it has one.
    private static func configure(
        _ context: OpaquePointer, _ configuration: TLSConfiguration
    ) throws(TLSConfigurationError) -> CertificateInfo? {
        let prefix = configuration.optionPrefix
        let certificate: CertificateInfo?
        lens_ssl_ctx_set_options(context, configuration.role == .server ? 1 : 0)
        _ = lens_ssl_ctx_set_mode(
            context, Int(SSL_MODE_ENABLE_PARTIAL_WRITE) | Int(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))

        let versions = configuration.protocols.isEmpty ? [.tls12, .tls13] : configuration.protocols
        _ = lens_ssl_ctx_set_min_proto(context, Self.openSSLVersion(versions.min()!))
        _ = lens_ssl_ctx_set_max_proto(context, Self.openSSLVersion(versions.max()!))
        if let suites = configuration.cipherSuites, SSL_CTX_set_ciphersuites(context, suites) != 1 {
            throw TLSConfigurationError("--\(prefix)-ciphersuites \(suites): \(Self.lastError())")
        }
        if let ciphers = configuration.ciphers, SSL_CTX_set_cipher_list(context, ciphers) != 1 {
            throw TLSConfigurationError("--\(prefix)-ciphers \(ciphers): \(Self.lastError())")
        }

        if let certificateFile = configuration.certificateFile {
            try Self.checkReadable(certificateFile, option: "--\(prefix)-cert-file")
            guard SSL_CTX_use_certificate_chain_file(context, certificateFile) == 1 else {
                throw TLSConfigurationError("--\(prefix)-cert-file \(certificateFile): \(Self.lastError())")
            }
            guard let keyFile = configuration.privateKeyFile else {
                throw TLSConfigurationError("--\(prefix)-cert-file needs --\(prefix)-key-file")
            }
            try Self.checkReadable(keyFile, option: "--\(prefix)-key-file")
            let mismatch = TLSConfigurationError(
                "--\(prefix)-key-file \(keyFile) is not the key of --\(prefix)-cert-file \(certificateFile)")
            // Loading a key already compares it with the certificate of its type.
            guard SSL_CTX_use_PrivateKey_file(context, keyFile, SSL_FILETYPE_PEM) == 1 else {
                if Self.lastErrorIsKeyMismatch() {
                    ERR_clear_error()
                    throw mismatch
                }
                let reason = Self.lastError()
                let hint = Self.isEncrypted(keyFile) ? " (an encrypted key: give it without a passphrase)" : ""
                throw TLSConfigurationError("--\(prefix)-key-file \(keyFile): \(reason)\(hint)")
            }
            guard SSL_CTX_check_private_key(context) == 1 else {
                ERR_clear_error()
                throw mismatch
            }
            certificate = SSL_CTX_get0_certificate(context).map { CertificateInfo($0) }
        } else if configuration.privateKeyFile != nil {
            throw TLSConfigurationError("--\(prefix)-key-file needs --\(prefix)-cert-file")
        } else if configuration.role == .server {
            throw TLSConfigurationError("TLS on the client side needs --\(prefix)-cert-file and --\(prefix)-key-file")
        } else {
            certificate = nil
        }

        try loadTrust(context, configuration)
        SSL_CTX_set_verify(context, Self.verifyMode(configuration), nil)
        if configuration.role == .server {
            let sessionContext: [UInt8] = Array("redis-lens".utf8)
            _ = SSL_CTX_set_session_id_context(context, sessionContext, UInt32(sessionContext.count))
        }
        return certificate
    }

    /// Starts a session on the connected, non-blocking socket `fd` (which stays the caller's).
    public func makeSession(fd: Int32) -> TLSSession? {
        TLSSession(context: self, fd: fd)
    }

    private static func loadTrust(
        _ context: OpaquePointer, _ configuration: TLSConfiguration
    ) throws(TLSConfigurationError) {
        let prefix = configuration.optionPrefix
        let file = configuration.caCertificateFile
        let directory = configuration.caCertificateDirectory
        if let file { try Self.checkReadable(file, option: "--\(prefix)-ca-cert-file") }
        if file != nil || directory != nil {
            guard SSL_CTX_load_verify_locations(context, file, directory) == 1 else {
                let option = file != nil ? "--\(prefix)-ca-cert-file \(file!)" : "--\(prefix)-ca-cert-dir \(directory!)"
                throw TLSConfigurationError("\(option): \(Self.lastError())")
            }
            if configuration.role == .server, let file, let names = SSL_load_client_CA_file(file) {
                SSL_CTX_set_client_CA_list(context, names)
            }
        } else if configuration.role == .server {
            if configuration.clientAuthentication != .no {
                throw TLSConfigurationError(
                    "--\(prefix)-auth-clients \(configuration.clientAuthentication.rawValue) needs --\(prefix)-ca-cert-file "
                        + "or --\(prefix)-ca-cert-dir to verify client certificates (or --\(prefix)-auth-clients no)")
            }
        } else if configuration.verifyPeer {
            // The system's trust store, as for any TLS client.
            _ = SSL_CTX_set_default_verify_paths(context)
        }
    }

    private static func verifyMode(_ configuration: TLSConfiguration) -> Int32 {
        switch configuration.role {
        case .client:
            return configuration.verifyPeer ? SSL_VERIFY_PEER : SSL_VERIFY_NONE
        case .server:
            switch configuration.clientAuthentication {
            case .yes: return SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
            case .optional: return SSL_VERIFY_PEER
            case .no: return SSL_VERIFY_NONE
            }
        }
    }

    private static func openSSLVersion(_ version: TLSConfiguration.ProtocolVersion) -> Int32 {
        switch version {
        case .tls12: TLS1_2_VERSION
        case .tls13: TLS1_3_VERSION
        }
    }

    private static func checkReadable(_ path: String, option: String) throws(TLSConfigurationError) {
        if access(path, R_OK) != 0 {
            throw TLSConfigurationError("\(option) \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Whether the last OpenSSL error says a key is not the certificate's (the queue kept).
    private static func lastErrorIsKeyMismatch() -> Bool {
        let code = ERR_peek_last_error()
        guard ERR_GET_LIB(code) == ERR_LIB_X509 else { return false }
        return ERR_GET_REASON(code) == X509_R_KEY_VALUES_MISMATCH || ERR_GET_REASON(code) == X509_R_KEY_TYPE_MISMATCH
    }

    /// Whether the PEM file holds an encrypted private key (which the proxy cannot load).
    private static func isEncrypted(_ path: String) -> Bool {
        guard let file = fopen(path, "r") else { return false }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.contains("ENCRYPTED") { return true }
        }
        return false
    }

    /// The last OpenSSL error as text (and the queue cleared).
    static func lastError() -> String {
        defer { ERR_clear_error() }
        let code = ERR_peek_last_error()
        guard code != 0 else { return "unknown error" }
        return ERR_reason_error_string(code).map { String(cString: $0) } ?? "error \(ERR_GET_REASON(code))"
    }
}

/// A side's current ``TLSContext``, replaced on reload (SIGHUP): new handshakes use the new
/// one, connections already made keep theirs.
public final class ReloadableTLSContext: Sendable {
    private let current: NIOLockedValueBox<TLSContext>

    /// Holds `context` until the first reload.
    public init(_ context: TLSContext) {
        current = NIOLockedValueBox(context)
    }

    /// The context new connections use.
    public var context: TLSContext { current.withLockedValue { $0 } }

    /// Builds a new context from the same configuration (files read again); on failure
    /// the old one stays in use and the error is thrown.
    @discardableResult
    public func reload() throws(TLSConfigurationError) -> TLSContext {
        let configuration = context.configuration
        let fresh = try TLSContext(configuration)
        current.withLockedValue { $0 = fresh }
        return fresh
    }
}
