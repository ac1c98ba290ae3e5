import ArgumentParser
import Proxy
import TLS

/// The TLS options, named after Redis's own `tls-*` settings: the client side
/// (`--tls-listen` and its certificate) and the upstream side (`rediss://`).
struct TLSOptions: ParsableArguments {
    @Option(
        help: "Address TLS clients connect to, HOST:PORT, beside --listen (--listen none: TLS only). (default: off)")
    var tlsListen: String?

    @Option(help: "The proxy's certificate chain for TLS clients (PEM).")
    var tlsCertFile: String?

    @Option(help: "The private key of --tls-cert-file (PEM).")
    var tlsKeyFile: String?

    @Option(help: "CA certificates that sign client certificates (PEM file).")
    var tlsCaCertFile: String?

    @Option(help: "CA certificates that sign client certificates (a hashed directory).")
    var tlsCaCertDir: String?

    @Option(help: "Whether TLS clients must present a certificate: yes, no or optional, as Redis. (default: yes)")
    var tlsAuthClients: String?

    @Option(help: "TLS versions accepted, as Redis: \"TLSv1.2 TLSv1.3\". (default: TLSv1.2 TLSv1.3)")
    var tlsProtocols: String?

    @Option(help: "TLS 1.3 cipher suites (OpenSSL syntax). (default: OpenSSL's)")
    var tlsCiphersuites: String?

    @Option(help: "TLS 1.2 ciphers (OpenSSL syntax). (default: OpenSSL's)")
    var tlsCiphers: String?

    @Option(help: "CA certificates that sign Redis's certificate (PEM file). (default: the system trust store)")
    var upstreamTlsCaCertFile: String?

    @Option(help: "CA certificates that sign Redis's certificate (a hashed directory).")
    var upstreamTlsCaCertDir: String?

    @Option(help: "The proxy's client certificate for Redis (mutual TLS, PEM).")
    var upstreamTlsCertFile: String?

    @Option(help: "The private key of --upstream-tls-cert-file (PEM).")
    var upstreamTlsKeyFile: String?

    @Option(help: "The name sent as SNI and verified in Redis's certificate. (default: the --upstream host)")
    var upstreamTlsServerName: String?

    @Flag(help: "Do not verify Redis's certificate (insecure: anyone on the path can read the traffic).")
    var upstreamTlsInsecureSkipVerify = false

    /// The client side's configuration, nil without `--tls-listen`.
    func clientSide(_ values: OptionValues) throws(ConfigurationError) -> (HostPort, TLSConfiguration)? {
        guard let listenText = values.optional(tlsListen, "tls-listen") else {
            let flags: [(String?, String)] = [
                (tlsCertFile, "tls-cert-file"), (tlsKeyFile, "tls-key-file"), (tlsCaCertFile, "tls-ca-cert-file"),
                (tlsCaCertDir, "tls-ca-cert-dir"), (tlsAuthClients, "tls-auth-clients"),
                (tlsProtocols, "tls-protocols"), (tlsCiphersuites, "tls-ciphersuites"), (tlsCiphers, "tls-ciphers"),
            ]
            for (value, flag) in flags where values.optional(value, flag) != nil {
                throw ConfigurationError("--\(flag) needs --tls-listen")
            }
            return nil
        }
        let listen = try values.parse(listenText, "tls-listen", "") { text throws(ConfigurationError) in
            try HostPort(parsing: text)
        }
        var configuration = TLSConfiguration(role: .server, optionPrefix: "tls")
        configuration.certificateFile = values.optional(tlsCertFile, "tls-cert-file")
        configuration.privateKeyFile = values.optional(tlsKeyFile, "tls-key-file")
        configuration.caCertificateFile = values.optional(tlsCaCertFile, "tls-ca-cert-file")
        configuration.caCertificateDirectory = values.optional(tlsCaCertDir, "tls-ca-cert-dir")
        configuration.clientAuthentication = try values.parse(tlsAuthClients, "tls-auth-clients", "yes") {
            text throws(ConfigurationError) in
            guard let mode = TLSConfiguration.ClientAuthentication(rawValue: text.lowercased()) else {
                throw ConfigurationError("'\(text)' is not yes, no or optional")
            }
            return mode
        }
        configuration.protocols = try values.parse(tlsProtocols, "tls-protocols", "TLSv1.2 TLSv1.3") {
            text throws(ConfigurationError) in
            guard let versions = TLSConfiguration.parseProtocols(text) else {
                throw ConfigurationError("'\(text)' is not a list of TLSv1.2 and TLSv1.3")
            }
            return versions
        }
        configuration.cipherSuites = values.optional(tlsCiphersuites, "tls-ciphersuites")
        configuration.ciphers = values.optional(tlsCiphers, "tls-ciphers")
        return (listen, configuration)
    }

    /// The upstream side's configuration, nil unless `upstream` is `rediss://`.
    func upstreamSide(_ values: OptionValues, upstream: UpstreamEndpoint) throws(ConfigurationError)
        -> TLSConfiguration?
    {
        let flags: [(String?, String)] = [
            (upstreamTlsCaCertFile, "upstream-tls-ca-cert-file"), (upstreamTlsCaCertDir, "upstream-tls-ca-cert-dir"),
            (upstreamTlsCertFile, "upstream-tls-cert-file"), (upstreamTlsKeyFile, "upstream-tls-key-file"),
            (upstreamTlsServerName, "upstream-tls-server-name"),
        ]
        let skipVerify = upstreamTlsInsecureSkipVerify || values.isTrue("upstream-tls-insecure-skip-verify")
        guard upstream.tls else {
            for (value, flag) in flags where values.optional(value, flag) != nil {
                throw ConfigurationError("--\(flag) needs a rediss:// --upstream")
            }
            if skipVerify {
                throw ConfigurationError("--upstream-tls-insecure-skip-verify needs a rediss:// --upstream")
            }
            return nil
        }
        var configuration = TLSConfiguration(role: .client, optionPrefix: "upstream-tls")
        configuration.caCertificateFile = values.optional(upstreamTlsCaCertFile, "upstream-tls-ca-cert-file")
        configuration.caCertificateDirectory = values.optional(upstreamTlsCaCertDir, "upstream-tls-ca-cert-dir")
        configuration.certificateFile = values.optional(upstreamTlsCertFile, "upstream-tls-cert-file")
        configuration.privateKeyFile = values.optional(upstreamTlsKeyFile, "upstream-tls-key-file")
        configuration.serverName = values.optional(upstreamTlsServerName, "upstream-tls-server-name") ?? upstream.host
        configuration.verifyPeer = !skipVerify
        return configuration
    }

    /// Builds a context now, so a bad file is a one-line error at start-up (exit 2).
    static func context(_ configuration: TLSConfiguration?) throws(ConfigurationError) -> TLSContext? {
        guard let configuration else { return nil }
        do {
            return try TLSContext(configuration)
        } catch {
            throw ConfigurationError(error.message)
        }
    }
}
