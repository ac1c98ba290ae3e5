import ControlPlane
import Foundation
import RESP

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway `redis-server` on a free loopback port, without persistence, killed when
/// the test is done.
final class RedisServer {
    let port: Int
    private let process = Process()

    private init(port: Int) { self.port = port }

    deinit { kill() }

    /// Starts a server (retrying on another port if the first was taken meanwhile).
    static func start(_ arguments: [String] = []) throws -> RedisServer {
        var lastError: any Error = TestFailure("redis-server never started")
        for _ in 0..<5 {
            let server = RedisServer(port: try freePort())
            do {
                try server.launch(arguments)
                return server
            } catch {
                server.kill()
                lastError = error
            }
        }
        throw lastError
    }

    private func launch(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            [
                "redis-server", "--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", FileManager.default.temporaryDirectory.path,
            ] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready once it answers (PONG, or NOAUTH with requirepass); polled with a deadline.
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            guard process.isRunning else { throw TestFailure("redis-server exited (port \(port) taken?)") }
            if let reply = try? connect().command(["PING"]) {
                if reply == .string(Array("PONG".utf8)) || reply.errorText?.hasPrefix("NOAUTH") == true { return }
            }
            guard ContinuousClock.now < deadline else { throw TestFailure("redis-server on \(port) never answered") }
            usleep(5_000)
        }
    }

    /// A control-plane connection to this server.
    func connect(_ login: ControlPlaneLogin = ControlPlaneLogin(), timeout: Duration = .seconds(5))
        throws(ControlPlaneError) -> ControlPlaneConnection
    {
        try ControlPlaneConnection.connect(host: "127.0.0.1", port: port, login: login, timeout: timeout)
    }

    /// SIGKILL (a crash) and wait until it is gone.
    func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// A loopback port nothing listened on a moment ago.
func freePort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw TestFailure("socket: \(errno)") }
    defer { close(descriptor) }
    var address = loopback(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(descriptor, pointer, length) == 0 ? getsockname(descriptor, pointer, &length) : -1
        }
    }
    guard named == 0 else { throw TestFailure("bind/getsockname: \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// `127.0.0.1:port`.
func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    return address
}

/// What a test needed from its environment and did not get.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension RESPValue {
    /// The error's text, if an error.
    var errorText: String? {
        if case .error(let text) = self { return text }
        return nil
    }
}
