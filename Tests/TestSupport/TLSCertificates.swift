import Foundation
import NIOConcurrencyHelpers

/// A throwaway test PKI, made at run time with the `openssl` command-line tool (nothing secret
/// is ever committed): the same set as `Tests/compat/tls_support.py` makes for the Python tests.
///
/// Every key is EC P-256; each certificate is `NAME.crt` beside its key `NAME.key` (PEM, the
/// key unencrypted PKCS#8) in ``directory``:
///
/// | name            | issuer   | subject / subjectAltName                             | validity               |
/// | --------------- | -------- | ---------------------------------------------------- | ---------------------- |
/// | `ca`            | itself   | CN=redis-lens test CA                                | now + 10 years         |
/// | `other-ca`      | itself   | CN=redis-lens other CA (trusted by nobody)           | now + 10 years         |
/// | `server`        | ca       | CN=localhost,O=redis-lens test; localhost, 127.0.0.1 | now + 825 days         |
/// | `rotated`       | ca       | CN=localhost-rotated,O=...; localhost, 127.0.0.1     | now + 800 days         |
/// | `client`        | ca       | CN=redis-lens test client (clientAuth)               | now + 825 days         |
/// | `expired`       | ca       | CN=localhost,O=...; localhost, 127.0.0.1             | 2020-01-01..2020-01-02 |
/// | `not-yet-valid` | ca       | CN=localhost,O=...; localhost, 127.0.0.1             | 2099-01-01..2100-01-01 |
/// | `wrong-host`    | ca       | CN=wrong.example,O=...; DNS:wrong.example only       | now + 825 days         |
/// | `other-server`  | other-ca | CN=localhost,O=...; localhost, 127.0.0.1             | now + 825 days         |
/// | `other-client`  | other-ca | CN=redis-lens other client (clientAuth)              | now + 825 days         |
///
/// OpenSSL 3.0's `req` and `x509` cannot back-date a certificate, so the two outside their
/// validity come from `openssl ca` with `-startdate`/`-enddate` and a throwaway CA database.
public struct TLSCertificates: Sendable {
    /// A certificate (and its key) of the set.
    public enum Name: String, CaseIterable, Sendable {
        /// The test CA, which signed every valid certificate but `otherServer` and `otherClient`.
        case ca
        /// A CA nothing trusts.
        case otherCA = "other-ca"
        /// A server certificate for `localhost` and `127.0.0.1`.
        case server
        /// Another valid server certificate for the same names (CN=localhost-rotated), for reloads.
        case rotated
        /// A client certificate (mutual TLS).
        case client
        /// A server certificate for the right names that expired in 2020.
        case expired
        /// A server certificate for the right names valid only from 2099.
        case notYetValid = "not-yet-valid"
        /// A valid server certificate for `wrong.example` only.
        case wrongHost = "wrong-host"
        /// A server certificate for the right names, signed by the other CA.
        case otherServer = "other-server"
        /// A client certificate signed by the other CA.
        case otherClient = "other-client"
    }

    /// The directory that holds every file (see ``remove()``).
    public let directory: String

    /// The set already in `directory` (see ``generate(into:)``).
    public init(directory: String) {
        self.directory = directory
    }

    /// The path of certificate `name` (PEM).
    public func certificate(_ name: Name) -> String { "\(directory)/\(name.rawValue).crt" }

    /// The path of the private key of `name` (PEM, unencrypted).
    public func key(_ name: Name) -> String { "\(directory)/\(name.rawValue).key" }

    /// The path of the test CA's certificate: what a client verifying these servers trusts.
    public var ca: String { certificate(.ca) }

    /// Deletes ``directory`` and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The subject of certificate `name` as RFC 2253 text, e.g. `CN=localhost,O=redis-lens test`.
    public func subject(_ name: Name) throws -> String {
        let text = try runToolChecked(
            "openssl", ["x509", "-in", certificate(name), "-noout", "-subject", "-nameopt", "RFC2253"]
        )
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard line.hasPrefix("subject=") else { throw TestFailure("openssl printed no subject: \(text)") }
        return String(line.dropFirst("subject=".count))
    }

    /// The notAfter of certificate `name`.
    public func notAfter(_ name: Name) throws -> Date {
        let text = try runToolChecked(
            "openssl", ["x509", "-in", certificate(name), "-noout", "-enddate", "-dateopt", "iso_8601"]
        )
        // notAfter=2029-03-09 20:46:10Z
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard line.hasPrefix("notAfter="),
            let date = ISO8601DateFormatter().date(
                from: String(line.dropFirst("notAfter=".count)).replacingOccurrences(of: " ", with: "T")
            )
        else { throw TestFailure("openssl printed no notAfter: \(text)") }
        return date
    }

    /// Makes the whole set in a new temporary directory (about 0.1 s); the caller removes it
    /// with ``remove()``.
    public static func generate() throws -> TLSCertificates {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("redis-lens-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            return try generate(into: directory)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// One set for the whole test process, made on first use and shared (tests must not change
    /// its files: one that does copies them first). Left in the temporary directory at exit.
    public static func shared() throws -> TLSCertificates {
        try sharedSet.withLockedValue { set in
            if let set { return set }
            let made = try generate()
            set = made
            return made
        }
    }

    private static let sharedSet = NIOLockedValueBox<TLSCertificates?>(nil)

    /// Makes the whole set in `directory`, which must exist.
    public static func generate(into directory: String) throws -> TLSCertificates {
        let set = TLSCertificates(directory: directory)
        let config = "\(directory)/openssl.cnf"
        let database = "\(directory)/ca-db"
        try FileManager.default.createDirectory(atPath: database, withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: "\(database)/index.txt"))
        try Data("1000\n".utf8).write(to: URL(fileURLWithPath: "\(database)/serial"))
        try Data(configuration(directory: directory).utf8).write(to: URL(fileURLWithPath: config))

        let authorities: [(Name, String)] = [(.ca, "redis-lens test CA"), (.otherCA, "redis-lens other CA")]
        for (name, commonName) in authorities {
            _ = try runToolChecked(
                "openssl",
                ["req", "-config", config, "-x509"] + keyArguments + [
                    "-keyout", set.key(name), "-out", set.certificate(name), "-subj", "/CN=\(commonName)",
                    "-days", "3650", "-extensions", "ca_ext",
                ]
            )
        }
        for leaf in leaves {
            switch leaf.validity {
            case .days(let days):
                _ = try runToolChecked(
                    "openssl",
                    ["req", "-config", config, "-x509"] + keyArguments + [
                        "-keyout", set.key(leaf.name), "-out", set.certificate(leaf.name), "-subj", leaf.subject,
                        "-days", "\(days)", "-extensions", leaf.extensions, "-CA", set.certificate(leaf.issuer),
                        "-CAkey", set.key(leaf.issuer),
                    ]
                )
            case .dates(let notBefore, let notAfter):
                precondition(leaf.issuer == .ca, "openssl ca is configured for the test CA only")
                let request = "\(directory)/\(leaf.name.rawValue).csr"
                _ = try runToolChecked(
                    "openssl",
                    ["req", "-config", config, "-new"] + keyArguments + [
                        "-keyout", set.key(leaf.name), "-out", request, "-subj", leaf.subject,
                    ]
                )
                _ = try runToolChecked(
                    "openssl",
                    [
                        "ca", "-config", config, "-batch", "-notext", "-preserveDN", "-extensions", leaf.extensions,
                        "-startdate", notBefore, "-enddate", notAfter, "-in", request, "-out",
                        set.certificate(leaf.name),
                    ]
                )
            }
        }
        return set
    }

    // MARK: - What the set is made of

    private enum Validity: Sendable {
        case days(Int)
        case dates(notBefore: String, notAfter: String)
    }

    private struct Leaf: Sendable {
        var name: Name
        var issuer: Name
        var subject: String
        var extensions: String
        var validity: Validity
    }

    private static let keyArguments = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-noenc"]

    /// Written most significant first; RFC 2253 text lists it the other way round
    /// (`CN=localhost,O=redis-lens test`).
    private static func subject(_ commonName: String) -> String { "/O=redis-lens test/CN=\(commonName)" }

    private static let leaves: [Leaf] = [
        Leaf(name: .server, issuer: .ca, subject: subject("localhost"), extensions: "server_ext", validity: .days(825)),
        Leaf(
            name: .rotated, issuer: .ca, subject: subject("localhost-rotated"), extensions: "server_ext",
            validity: .days(800)
        ),
        Leaf(
            name: .client, issuer: .ca, subject: subject("redis-lens test client"), extensions: "client_ext",
            validity: .days(825)
        ),
        Leaf(
            name: .expired, issuer: .ca, subject: subject("localhost"), extensions: "server_ext",
            validity: .dates(notBefore: "20200101000000Z", notAfter: "20200102000000Z")
        ),
        Leaf(
            name: .notYetValid, issuer: .ca, subject: subject("localhost"), extensions: "server_ext",
            validity: .dates(notBefore: "20990101000000Z", notAfter: "21000101000000Z")
        ),
        Leaf(
            name: .wrongHost, issuer: .ca, subject: subject("wrong.example"), extensions: "wrong_host_ext",
            validity: .days(825)
        ),
        Leaf(
            name: .otherServer, issuer: .otherCA, subject: subject("localhost"), extensions: "server_ext",
            validity: .days(825)
        ),
        Leaf(
            name: .otherClient, issuer: .otherCA, subject: subject("redis-lens other client"),
            extensions: "client_ext", validity: .days(825)
        ),
    ]

    private static func configuration(directory: String) -> String {
        """
        # Written by TestSupport's TLSCertificates; used only while the test certificates are made.
        [req]
        distinguished_name = dn
        prompt = no
        [dn]
        CN = unused

        [ca_ext]
        basicConstraints = critical, CA:true
        keyUsage = critical, keyCertSign, cRLSign
        subjectKeyIdentifier = hash

        [server_ext]
        basicConstraints = critical, CA:false
        keyUsage = critical, digitalSignature
        extendedKeyUsage = serverAuth, clientAuth
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid
        subjectAltName = DNS:localhost, IP:127.0.0.1

        [wrong_host_ext]
        basicConstraints = critical, CA:false
        keyUsage = critical, digitalSignature
        extendedKeyUsage = serverAuth
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid
        subjectAltName = DNS:wrong.example

        [client_ext]
        basicConstraints = critical, CA:false
        keyUsage = critical, digitalSignature
        extendedKeyUsage = clientAuth
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid

        # `openssl ca`, for certificates with chosen validity dates.
        [ca]
        default_ca = test_ca
        [test_ca]
        database = \(directory)/ca-db/index.txt
        new_certs_dir = \(directory)/ca-db
        serial = \(directory)/ca-db/serial
        certificate = \(directory)/ca.crt
        private_key = \(directory)/ca.key
        default_md = sha256
        policy = any_name
        unique_subject = no
        copy_extensions = none
        email_in_dn = no
        [any_name]
        commonName = supplied
        organizationName = optional

        """
    }
}
