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
    /// The loopback port it listens on.
    public let port: Int
    private let arguments: [String]
    private let process = Mutex<Process?>(nil)

    private init(port: Int, arguments: [String]) {
        self.port = port
        self.arguments = arguments
    }

    deinit { kill() }

    /// Starts a server with `arguments` added to its command line (retrying on another
    /// port if the first was taken meanwhile); returns once it answers.
    public static func start(_ arguments: [String] = []) throws -> RedisServer {
        var lastError: any Error = TestFailure("redis-server never started")
        for _ in 0..<5 {
            let server = RedisServer(port: try freePort(), arguments: arguments)
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
        process.arguments =
            [
                "--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", FileManager.default.temporaryDirectory.path,
            ] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process.withLock { $0 = process }
        // Nothing announces readiness but the answer itself: asked again until it comes.
        let deadline = ContinuousClock.now + .seconds(10)
        while !answersPing() {
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

    private static let executable: String = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/redis-server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/usr/bin/redis-server"
    }()
}

/// `kill(2)`, under a name that does not clash with ``RedisServer/kill()``.
private func sendSignal(_ process: pid_t, _ signal: Int32) -> Int32 {
    kill(process, signal)
}
