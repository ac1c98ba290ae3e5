/// What a ``TLSContext`` is built from: one side of the proxy's TLS, named after Redis's own
/// `tls-*` settings.
public struct TLSConfiguration: Sendable, Equatable {
    /// Which end of the handshake the proxy is.
    public enum Role: Sendable, Equatable {
        /// The proxy accepts TLS from clients (`--tls-listen`).
        case server
        /// The proxy connects to a TLS Redis (`rediss://`).
        case client
    }

    /// Whether clients must present a certificate (Redis's `tls-auth-clients`).
    public enum ClientAuthentication: String, Sendable, Equatable, CaseIterable {
        /// A certificate the CA signed is required.
        case yes
        /// No certificate is asked for.
        case no
        /// A certificate is asked for and verified when sent, but not required.
        case optional
    }

    /// A protocol version, by the names Redis's `tls-protocols` uses.
    public enum ProtocolVersion: String, Sendable, Equatable, CaseIterable, Comparable {
        case tls12 = "TLSv1.2"
        case tls13 = "TLSv1.3"

        /// Orders versions oldest first.
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Which end of the handshake the proxy is.
    public var role: Role
    /// The option prefix errors name (`tls` or `upstream-tls`), so they point at the flag to fix.
    public var optionPrefix: String
    /// The proxy's certificate chain (PEM): required as a server, for mutual TLS as a client.
    public var certificateFile: String?
    /// The private key of ``certificateFile`` (PEM).
    public var privateKeyFile: String?
    /// Trusted CA certificates (PEM file).
    public var caCertificateFile: String?
    /// Trusted CA certificates (a hashed directory, as `openssl rehash` makes).
    public var caCertificateDirectory: String?
    /// As a server: whether clients must present a certificate.
    public var clientAuthentication: ClientAuthentication
    /// As a client: the name sent as SNI and verified in Redis's certificate.
    public var serverName: String?
    /// As a client: whether Redis's certificate is verified (off only with
    /// `--upstream-tls-insecure-skip-verify`).
    public var verifyPeer: Bool
    /// The versions allowed; empty means TLS 1.2 and 1.3.
    public var protocols: [ProtocolVersion]
    /// TLS 1.3 cipher suites (OpenSSL's `SSL_CTX_set_ciphersuites` syntax); nil keeps OpenSSL's.
    public var cipherSuites: String?
    /// TLS 1.2 ciphers (OpenSSL's cipher list syntax); nil keeps OpenSSL's.
    public var ciphers: String?

    /// A configuration with no certificates, verifying peers, TLS 1.2 and 1.3.
    public init(role: Role, optionPrefix: String) {
        self.role = role
        self.optionPrefix = optionPrefix
        self.clientAuthentication = .yes
        self.verifyPeer = true
        self.protocols = []
    }

    /// Parses Redis's `tls-protocols` text (`"TLSv1.2 TLSv1.3"`); nil for an unknown name.
    public static func parseProtocols(_ text: String) -> [ProtocolVersion]? {
        var versions: [ProtocolVersion] = []
        for word in text.split(whereSeparator: { $0 == " " || $0 == "," }) {
            guard let version = ProtocolVersion(rawValue: String(word)) else { return nil }
            if !versions.contains(version) { versions.append(version) }
        }
        return versions.isEmpty ? nil : versions.sorted()
    }
}
