import Foundation
import Synchronization

/// A throwaway `redis-server` on a free loopback port, without persistence.
final class RedisServerProcess: Sendable {
    let port: Int
    private let extraArguments: [String]
    private let process = Mutex<Process?>(nil)

    private init(port: Int, extraArguments: [String]) {
        self.port = port
        self.extraArguments = extraArguments
    }

    deinit { kill() }

    /// Starts a server on a free port (retrying with another port if it cannot bind).
    static func start(_ extraArguments: [String] = []) async throws -> RedisServerProcess {
        var lastError: any Error = HarnessError("redis-server never started")
        for _ in 0..<5 {
            let server = RedisServerProcess(port: try unusedPort(), extraArguments: extraArguments)
            do {
                try await server.launch()
                return server
            } catch {
                server.kill()
                lastError = error
            }
        }
        throw lastError
    }

    /// Runs `body` with a fresh server that is killed afterwards, whatever happens.
    static func with<T>(
        _ extraArguments: [String] = [], _ body: (RedisServerProcess) async throws -> T
    ) async throws -> T {
        let server = try await start(extraArguments)
        defer { server.kill() }
        return try await body(server)
    }

    /// Starts the server again on the same port (after ``kill()``).
    func launch() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments =
            [
                "--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", FileManager.default.temporaryDirectory.path,
            ] + extraArguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process.withLock { $0 = process }
        try await waitUntil("redis-server on port \(port) to answer PING", timeout: .seconds(10)) {
            guard process.isRunning else { throw HarnessError("redis-server exited (port \(port) taken?)") }
            return (try? await self.call(command("PING"))) == Array("+PONG\r\n".utf8)
        }
    }

    /// Kills the server at once (SIGKILL, like a crash) and waits for it to exit.
    func kill() {
        guard let process = self.process.withLock({ $0.take() }) else { return }
        if process.isRunning { POSIX.kill(process.processIdentifier) }
        process.waitUntilExit()
    }

    /// Sends one command on a fresh direct connection and returns its reply.
    func call(_ request: [UInt8], timeout: Duration = .seconds(10)) async throws -> [UInt8] {
        let connection = try await RawConnection.connect(port: port)
        defer { connection.close() }
        return try await connection.request(request, timeout: timeout)
    }

    /// A field of `INFO` (e.g. `blocked_clients`).
    func info(_ field: String) async throws -> String? {
        let text = bulkText(try await call(command("INFO", "everything")))
        for line in text.split(separator: "\r\n") where line.hasPrefix(field + ":") {
            return String(line.dropFirst(field.count + 1))
        }
        return nil
    }

    /// Waits until `count` clients are blocked (for example in BLPOP).
    func waitForBlockedClients(_ count: Int) async throws {
        try await waitUntil("\(count) blocked clients on redis-server") {
            try await self.info("blocked_clients") == "\(count)"
        }
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
