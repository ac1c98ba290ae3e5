import Foundation
import TLS
import TestSupport
import Testing

/// Building contexts: what the proxy reports about its certificate, the configuration errors
/// (each naming the option to fix), the protocol list, and reloading on SIGHUP.
@Suite struct TLSContextTests {
    let certificates: TLSCertificates

    init() throws {
        certificates = try TLSCertificates.shared()
    }

    /// The error building a context from `configuration` throws, if any.
    func configurationError(_ configuration: TLSConfiguration) -> String? {
        do {
            _ = try TLSContext(configuration)
            return nil
        } catch {
            return error.message
        }
    }

    func serverConfiguration() -> TLSConfiguration {
        var configuration = TLSConfiguration(role: .server, optionPrefix: "tls")
        configuration.certificateFile = certificates.certificate(.server)
        configuration.privateKeyFile = certificates.key(.server)
        configuration.caCertificateFile = certificates.ca
        return configuration
    }

    // MARK: - The proxy's own certificate

    @Test func theContextDescribesItsCertificate() throws {
        let context = try certificates.serverContext()
        let info = try #require(context.certificate)
        #expect(info.subject == (try certificates.subject(.server)))
        #expect(info.subject == "CN=localhost,O=redis-lens test")
        let names = info.names.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(names.contains("localhost"))
        #expect(names.contains("127.0.0.1"))
        #expect(info.notAfter == Int64(try certificates.notAfter(.server).timeIntervalSince1970))
        let client = try certificates.clientContext()
        #expect(client.certificate == nil)
    }

    @Test func aCertificateWithoutAlternativeNamesIsNamedByItsCommonName() throws {
        var configuration = TLSConfiguration(role: .client, optionPrefix: "upstream-tls")
        configuration.certificateFile = certificates.certificate(.client)
        configuration.privateKeyFile = certificates.key(.client)
        configuration.caCertificateFile = certificates.ca
        let info = try #require(try TLSContext(configuration).certificate)
        #expect(info.names == "redis-lens test client")
    }

    // MARK: - Configuration errors

    @Test func aMissingCertificateFile() {
        var configuration = serverConfiguration()
        configuration.certificateFile = "/nonexistent"
        #expect(configurationError(configuration) == "--tls-cert-file /nonexistent: No such file or directory")
    }

    @Test func aMissingKeyFile() {
        var configuration = serverConfiguration()
        configuration.privateKeyFile = "/nonexistent.key"
        #expect(configurationError(configuration) == "--tls-key-file /nonexistent.key: No such file or directory")
    }

    @Test func aMissingCAFile() {
        var configuration = serverConfiguration()
        configuration.caCertificateFile = "/nonexistent-ca.crt"
        #expect(
            configurationError(configuration) == "--tls-ca-cert-file /nonexistent-ca.crt: No such file or directory")
    }

    @Test func aKeyThatIsNotTheCertificatesKey() {
        var configuration = serverConfiguration()
        configuration.privateKeyFile = certificates.key(.rotated)
        #expect(
            configurationError(configuration)
                == "--tls-key-file \(certificates.key(.rotated)) is not the key of --tls-cert-file "
                + certificates.certificate(.server))
    }

    @Test func aFileThatHoldsNoCertificate() {
        var configuration = serverConfiguration()
        configuration.certificateFile = certificates.key(.server)
        let message = configurationError(configuration)
        #expect(
            message?.hasPrefix("--tls-cert-file \(certificates.key(.server)): ") == true,
            "\(String(describing: message))")
    }

    @Test func clientAuthenticationWithoutACA() {
        for authentication in [TLSConfiguration.ClientAuthentication.yes, .optional] {
            var configuration = serverConfiguration()
            configuration.caCertificateFile = nil
            configuration.clientAuthentication = authentication
            #expect(
                configurationError(configuration)
                    == "--tls-auth-clients \(authentication.rawValue) needs --tls-ca-cert-file or --tls-ca-cert-dir "
                    + "to verify client certificates (or --tls-auth-clients no)")
        }
        var without = serverConfiguration()
        without.caCertificateFile = nil
        without.clientAuthentication = .no
        #expect(configurationError(without) == nil)
    }

    @Test func aServerWithoutACertificate() {
        var configuration = serverConfiguration()
        configuration.certificateFile = nil
        configuration.privateKeyFile = nil
        #expect(
            configurationError(configuration)
                == "TLS on the client side needs --tls-cert-file and --tls-key-file")
    }

    @Test func unknownCipherSuites() {
        var configuration = serverConfiguration()
        configuration.cipherSuites = "TLS_NO_SUCH_SUITE"
        let message = configurationError(configuration)
        #expect(message?.hasPrefix("--tls-ciphersuites TLS_NO_SUCH_SUITE: ") == true, "\(String(describing: message))")
    }

    @Test func unknownCiphers() {
        var configuration = serverConfiguration()
        configuration.ciphers = "NO-SUCH-CIPHER"
        let message = configurationError(configuration)
        #expect(message?.hasPrefix("--tls-ciphers NO-SUCH-CIPHER: ") == true, "\(String(describing: message))")
    }

    @Test func knownCipherSuitesAreAccepted() {
        var configuration = serverConfiguration()
        configuration.cipherSuites = "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"
        configuration.ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256"
        #expect(configurationError(configuration) == nil)
    }

    @Test func theNegotiatedCipherSuiteIsAConfiguredOne() throws {
        var configuration = serverConfiguration()
        configuration.clientAuthentication = .no
        configuration.cipherSuites = "TLS_CHACHA20_POLY1305_SHA256"
        let pair = try TLSPair(server: TLSContext(configuration), client: certificates.clientContext())
        let steps = try pair.handshake()
        #expect(steps.server == .done && steps.client == .done)
        #expect(pair.server.cipher == "TLS_CHACHA20_POLY1305_SHA256")
    }

    @Test func aClientCertificateWithoutItsKey() {
        var configuration = TLSConfiguration(role: .client, optionPrefix: "upstream-tls")
        configuration.caCertificateFile = certificates.ca
        configuration.certificateFile = certificates.certificate(.client)
        #expect(configurationError(configuration) == "--upstream-tls-cert-file needs --upstream-tls-key-file")
    }

    @Test func aClientKeyWithoutItsCertificate() {
        var configuration = TLSConfiguration(role: .client, optionPrefix: "upstream-tls")
        configuration.caCertificateFile = certificates.ca
        configuration.privateKeyFile = certificates.key(.client)
        #expect(configurationError(configuration) == "--upstream-tls-key-file needs --upstream-tls-cert-file")
    }

    // MARK: - Protocols

    @Test func protocolsAreParsedFromRedissText() {
        #expect(TLSConfiguration.parseProtocols("TLSv1.2 TLSv1.3") == [.tls12, .tls13])
        #expect(TLSConfiguration.parseProtocols("TLSv1.3 TLSv1.2") == [.tls12, .tls13])
        #expect(TLSConfiguration.parseProtocols("TLSv1.3") == [.tls13])
        #expect(TLSConfiguration.parseProtocols("TLSv1.2,TLSv1.2") == [.tls12])
        #expect(TLSConfiguration.parseProtocols("SSLv3") == nil)
        #expect(TLSConfiguration.parseProtocols("TLSv1.3 SSLv3") == nil)
        #expect(TLSConfiguration.parseProtocols("") == nil)
    }

    // MARK: - Reloading

    /// A copy of the server's certificate and key in a new directory, which the caller removes.
    func copiedServerFiles() throws -> (directory: String, certificate: String, key: String) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("redis-lens-tls-reload-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificate = "\(directory)/server.crt"
        let key = "\(directory)/server.key"
        try FileManager.default.copyItem(atPath: certificates.certificate(.server), toPath: certificate)
        try FileManager.default.copyItem(atPath: certificates.key(.server), toPath: key)
        return (directory, certificate, key)
    }

    /// Replaces the file at `path` with a copy of `source`.
    func overwrite(_ path: String, with source: String) throws {
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: source, toPath: path)
    }

    @Test func aReloadServesTheNewCertificateToNewConnectionsOnly() throws {
        let files = try copiedServerFiles()
        defer { try? FileManager.default.removeItem(atPath: files.directory) }
        var configuration = TLSConfiguration(role: .server, optionPrefix: "tls")
        configuration.certificateFile = files.certificate
        configuration.privateKeyFile = files.key
        configuration.clientAuthentication = .no
        let reloadable = ReloadableTLSContext(try TLSContext(configuration))
        let original = reloadable.context
        let serverSubject = try certificates.subject(.server)
        let rotatedSubject = try certificates.subject(.rotated)
        #expect(original.certificate?.subject == serverSubject)

        let before = try TLSPair(server: reloadable.context, client: certificates.clientContext())
        let beforeSteps = try before.handshake()
        try #require(beforeSteps.server == .done && beforeSteps.client == .done)

        try overwrite(files.certificate, with: certificates.certificate(.rotated))
        try overwrite(files.key, with: certificates.key(.rotated))
        let fresh = try reloadable.reload()
        #expect(fresh !== original)
        #expect(reloadable.context === fresh)
        #expect(fresh.certificate?.subject == rotatedSubject)

        let after = try TLSPair(server: reloadable.context, client: certificates.clientContext())
        let afterSteps = try after.handshake()
        #expect(afterSteps.server == .done && afterSteps.client == .done)
        #expect(after.client.peerCertificate?.subject == rotatedSubject)

        // The connection made before the reload keeps its context and its certificate.
        #expect(before.server.context === original)
        #expect(before.client.peerCertificate?.subject == serverSubject)
        var random = SplitMix64(seed: 7)
        let payload = random.bytes(100_000)
        #expect(try before.transfer(payload, from: .client).0 == payload)
        #expect(try before.transfer(payload, from: .server).0 == payload)
    }

    @Test func aFailedReloadKeepsTheContextInUse() throws {
        let files = try copiedServerFiles()
        defer { try? FileManager.default.removeItem(atPath: files.directory) }
        var configuration = TLSConfiguration(role: .server, optionPrefix: "tls")
        configuration.certificateFile = files.certificate
        configuration.privateKeyFile = files.key
        configuration.clientAuthentication = .no
        let reloadable = ReloadableTLSContext(try TLSContext(configuration))
        let original = reloadable.context

        try Data("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n".utf8)
            .write(to: URL(fileURLWithPath: files.key))
        #expect {
            try reloadable.reload()
        } throws: { error in
            guard let error = error as? TLSConfigurationError else { return false }
            return error.message.hasPrefix("--tls-key-file \(files.key): ")
        }
        #expect(reloadable.context === original)

        let pair = try TLSPair(server: reloadable.context, client: certificates.clientContext())
        let steps = try pair.handshake()
        #expect(steps.server == .done && steps.client == .done)
        #expect(pair.client.peerCertificate?.subject == (try certificates.subject(.server)))
    }
}
