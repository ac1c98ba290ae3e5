import Logging
import NIOConcurrencyHelpers
import TLS
import Telemetry

/// One side of the proxy's TLS: `client` (clients to `--tls-listen`) or `upstream` (the
/// proxy to a `rediss://` Redis). It holds the side's reloadable context and reports
/// handshakes: counted in ``TLSStatistics``, failures logged with their reason, once per
/// kind and peer a minute (a failing certificate fails every connection), the rest counted.
public final class TLSSide: Sendable {
    /// `client` or `upstream`: the `side` label.
    public let name: String
    /// The context new connections use (replaced by ``reload()``).
    public let context: ReloadableTLSContext
    let statistics: TLSStatistics
    private let logger: Logger
    private let lastLogged = NIOLockedValueBox<[String: UInt64]>([:])
    /// The subject of the peer certificate last seen (Redis's, upstream side): a rotated
    /// certificate replaces its series, so an old one's expiry does not linger.
    private let lastPeerSubject = NIOLockedValueBox<String?>(nil)
    private static let logInterval: UInt64 = 60_000_000_000

    /// Every value of `redislens_tls_handshakes_total`'s `result` label.
    static let resultLabels = ["ok"] + TLSFailure.Kind.allCases.map(\.rawValue) + ["tls_on_plain_port"]

    /// The side `name` with `context`, counting into `statistics`.
    public init(name: String, context: TLSContext, statistics: TLSStatistics, logger: Logger) {
        self.name = name
        self.context = ReloadableTLSContext(context)
        self.statistics = statistics
        self.logger = logger
        recordOwnCertificate(context.certificate, previous: nil)
    }

    /// A session for the connected socket `fd`, from the current context.
    func makeSession(fd: Int32) -> TLSSession? {
        context.context.makeSession(fd: fd)
    }

    /// A handshake finished after `nanos`.
    func succeeded(_ session: TLSSession, nanos: UInt64) {
        statistics.succeeded(
            side: name, nanos: nanos, protocolVersion: session.protocolVersion, cipher: session.cipher)
        if name == "upstream", let peer = session.peerCertificate {
            // Redis's certificate: the one whose expiry breaks every upstream connection.
            let previous = lastPeerSubject.withLockedValue { last in
                defer { last = peer.subject }
                return last
            }
            let own = context.context.certificate?.subject
            statistics.certificate(
                side: name, subject: peer.subject, notAfter: peer.notAfter,
                replacing: previous == own ? nil : previous)
        }
    }

    /// A handshake with `peer` failed: counted, and logged unless the same kind of failure
    /// with the same peer host was logged within the last minute.
    func failed(_ failure: TLSFailure, peer: String, now: UInt64) {
        report(
            result: failure.kind.rawValue, "TLS handshake failed", reason: failure.reason, peer: peer, now: now,
            level: failure.kind == .closed ? .debug : .warning)
    }

    /// A TLS client hello arrived on the plaintext port: counted and logged like a failed
    /// handshake; the bytes still go to Redis, which answers them as it would directly.
    func tlsOnPlainPort(peer: String, now: UInt64) {
        report(
            result: "tls_on_plain_port", "TLS handshake on the plaintext port",
            reason: "a TLS client connected to --listen; TLS clients connect to --tls-listen", peer: peer, now: now,
            level: .warning)
    }

    private func report(
        result: String, _ message: Logger.Message, reason: String, peer: String, now: UInt64, level: Logger.Level
    ) {
        statistics.failed(side: name, result: result)
        let host = peer.split(separator: ":").dropLast().joined(separator: ":")
        let key = "\(result) \(host)"
        let shouldLog = lastLogged.withLockedValue { logged in
            if let last = logged[key], now &- last < Self.logInterval { return false }
            if logged.count > 1024 { logged.removeAll() }
            logged[key] = now
            return true
        }
        guard shouldLog else { return }
        logger.log(
            level: level, message, metadata: ["side": "\(name)", "peer": "\(peer)", "reason": "\(reason)"])
    }

    /// Reads the certificate files again for new handshakes (SIGHUP); connections made
    /// keep theirs. On failure the old context stays and the error is thrown.
    public func reload() throws(TLSConfigurationError) {
        let previous = context.context.certificate
        let fresh = try context.reload()
        recordOwnCertificate(fresh.certificate, previous: previous)
        logger.info(
            "TLS certificates reloaded",
            metadata: ["side": "\(name)", "subject": "\(fresh.certificate?.subject ?? "none")"])
    }

    private func recordOwnCertificate(_ certificate: CertificateInfo?, previous: CertificateInfo?) {
        guard let certificate else { return }
        statistics.certificate(
            side: name, subject: certificate.subject, notAfter: certificate.notAfter, replacing: previous?.subject)
    }
}
