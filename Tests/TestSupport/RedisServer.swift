import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A throwaway `redis-server` on a free loopback port, without persistence, killed at the
/// latest when the last reference to it goes.
public final class RedisServer: Sendable {
    /// The loopback port it listens on (with TLS only, when started with ``tls``).
    public let port: Int
    /// How it speaks TLS, or nil for plaintext.
    public let tls: RedisTLSConfiguration?
    private let arguments: [String]
    private let process = Mutex<Process?>(nil)

    private init(port: Int, arguments: [String], tls: RedisTLSConfiguration?) {
        self.port = port
        self.arguments = arguments
        self.tls = tls
    }

    deinit { kill() }

    /// Where it is, as a client names it: `redis://127.0.0.1:PORT`, or `rediss://` with TLS.
    public var url: String { "\(tls == nil ? "redis" : "rediss")://127.0.0.1:\(port)" }

    /// Starts a server with `arguments` added to its command line (retrying on another
    /// port if the first was taken meanwhile); returns once it answers. With `tls` it listens
    /// with TLS only (`--tls-port`, and `--port 0`).
    public static func start(_ arguments: [String] = [], tls: RedisTLSConfiguration? = nil) throws -> RedisServer {
        var lastError: any Error = TestFailure("redis-server never started")
        for _ in 0..<5 {
            let server = RedisServer(port: try freePort(), arguments: arguments, tls: tls)
            do {
                try server.launch()
                return server
            } catch {
                server.kill()
                lastError = error
            }
        }
        throw lastError
    }

    /// Starts the server (again, after ``kill()``) on its port; returns once it answers
    /// `PING`, with `PONG` or, when it wants a password, `NOAUTH`.
    public func launch() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        let listening = tls?.serverArguments(port: port) ?? ["--port", "\(port)"]
        process.arguments =
            listening + [
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", FileManager.default.temporaryDirectory.path,
            ] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process.withLock { $0 = process }
        // Nothing announces readiness but the answer itself: asked again until it comes.
        let deadline = ContinuousClock.now + .seconds(10)
        while !answers() {
            guard process.isRunning else { throw TestFailure("redis-server exited (port \(port) taken?)") }
            guard ContinuousClock.now < deadline else {
                throw TestFailure("redis-server on port \(port) never answered PING")
            }
            usleep(5_000)
        }
    }

    /// Kills the server at once (SIGKILL, like a crash) and waits until it is gone.
    public func kill() {
        guard let process = self.process.withLock({ $0.take() }) else { return }
        if process.isRunning { _ = sendSignal(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Whether a `PING` on a fresh plain socket is answered `+PONG` or `-NOAUTH` within a
    /// second.
    private func answersPing() -> Bool {
        let descriptor = socket(AF_INET, streamSocket, 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var limit = timeval(tv_sec: 1, tv_usec: 0)
        for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
            _ = setsockopt(descriptor, SOL_SOCKET, option, &limit, socklen_t(MemoryLayout<timeval>.size))
        }
        var address = loopbackAddress(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return false }
        let request = Frames.command(["PING"])
        let sent = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, sendFlags) }
        guard sent == request.count else { return false }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64)
        while !reply.contains(0x0A) {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            reply += chunk[..<count]
        }
        return reply == Array("+PONG\r\n".utf8) || reply.starts(with: "-NOAUTH ".utf8)
    }

    /// Whether a `PING` is answered, in plaintext or over TLS as the server speaks.
    private func answers() -> Bool {
        if let tls { return answersPing(over: tls) }
        return answersPing()
    }

    /// Whether `PING` over TLS (by `redis-cli`, which does not verify the server's
    /// certificate here: some tests give it a bad one) is answered `PONG` or `NOAUTH` within
    /// two seconds.
    private func answersPing(over tls: RedisTLSConfiguration) -> Bool {
        var arguments = ["--tls", "--insecure"]
        if let certificate = tls.clientCertificate, let key = tls.clientKey {
            arguments += ["--cert", certificate, "--key", key]
        }
        arguments += ["-h", "127.0.0.1", "-p", "\(port)", "PING"]
        guard let result = try? runTool("redis-cli", arguments, timeout: .seconds(2)), result.status == 0 else {
            return false
        }
        return result.standardOutput == "PONG\n" || result.standardOutput.hasPrefix("NOAUTH ")
    }

    private static let executable = executablePath(named: "redis-server")
}

/// How a ``RedisServer`` speaks TLS: only TLS, on its ``RedisServer/port`` (`--tls-port`, with
/// `--port 0`), presenting ``certificate``.
public struct RedisTLSConfiguration: Sendable {
    /// Redis's `tls-auth-clients`: whether clients must present a certificate signed by
    /// ``RedisTLSConfiguration/caCertificate``.
    public enum ClientAuthentication: String, Sendable {
        /// Required (Redis's default).
        case yes
        /// Not asked for.
        case no
        /// Asked for; a client without one is let in, one with a bad one is not.
        case optional
    }

    /// The certificate the server presents (PEM path).
    public var certificate: String
    /// Its private key (PEM path).
    public var key: String
    /// The CA that client certificates must be signed by (Redis wants one in any case).
    public var caCertificate: String
    /// Whether clients must present a certificate.
    public var authClients: ClientAuthentication
    /// The certificate the readiness check presents (needed with ``ClientAuthentication/yes``).
    public var clientCertificate: String?
    /// The key of ``clientCertificate``.
    public var clientKey: String?

    /// A configuration from paths.
    public init(
        certificate: String, key: String, caCertificate: String, authClients: ClientAuthentication = .no,
        clientCertificate: String? = nil, clientKey: String? = nil
    ) {
        self.certificate = certificate
        self.key = key
        self.caCertificate = caCertificate
        self.authClients = authClients
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
    }

    /// The server presents `presenting` from `certificates` and trusts their CA; its own
    /// readiness check presents their `client` certificate.
    public init(
        certificates: TLSCertificates, presenting: TLSCertificates.Name = .server,
        authClients: ClientAuthentication = .no
    ) {
        self.init(
            certificate: certificates.certificate(presenting), key: certificates.key(presenting),
            caCertificate: certificates.ca, authClients: authClients,
            clientCertificate: certificates.certificate(.client), clientKey: certificates.key(.client)
        )
    }

    /// `redis-server` arguments for listening with TLS only on `port`.
    func serverArguments(port: Int) -> [String] {
        [
            "--port", "0", "--tls-port", "\(port)", "--tls-cert-file", certificate, "--tls-key-file", key,
            "--tls-ca-cert-file", caCertificate, "--tls-auth-clients", authClients.rawValue,
        ]
    }
}

/// `kill(2)`, under a name that does not clash with ``RedisServer/kill()``.
private func sendSignal(_ process: pid_t, _ signal: Int32) -> Int32 {
    kill(process, signal)
}
