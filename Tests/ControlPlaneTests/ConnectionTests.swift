import ControlPlane
import RESP
import RedisCommands
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The control-plane connection against a real `redis-server`: what the INFO poll and the
/// COMMAND load rely on, and how each failure surfaces (bounded, without the password).
@Suite(.serialized, .timeLimit(.minutes(1))) struct Connection {
    @Test func infoIsText() throws {
        let server = try RedisServer.start()
        let connection = try server.connect()
        let reply = try connection.command(["INFO"])
        let text = try #require(reply.text)
        #expect(text.contains("redis_version:"))
        #expect(text.contains("# Memory"))
        #expect(connection.isOpen)
    }

    /// Redis 7's `COMMAND` reply nests arrays eight deep, hiredis 0.14's limit; it reads
    /// and parses into the specs the command table is built from.
    @Test func commandParsesIntoCommandSpecs() throws {
        let server = try RedisServer.start()
        let connection = try server.connect()
        let specs = CommandSpec.parse(commandReply: try connection.command(["COMMAND"]))
        #expect(specs.count > 200)
        let get = try #require(specs.first { $0.name == "get" })
        #expect(get.firstKey == 1 && get.arity == 2 && get.flags.contains("readonly"))
        #expect(specs.contains { $0.name == "config|get" })
        // The connection is ready for the next command.
        #expect(try connection.command(["PING"]) == .string(Array("PONG".utf8)))
    }

    @Test func argumentsAndRepliesAreBinarySafe() throws {
        let server = try RedisServer.start()
        let connection = try server.connect()
        let key: [UInt8] = Array("key\r\n".utf8) + [0]
        let value = (0...255).map(UInt8.init)
        #expect(try connection.command([Array("SET".utf8), key, value]) == .string(Array("OK".utf8)))
        #expect(try connection.command([Array("GET".utf8), key]) == .string(value))
        #expect(try connection.command(["GET", "missing"]) == .null)
        #expect(try connection.command(["INCRBY", "n", "-3"]) == .integer(-3))
        #expect(try connection.command(["NOSUCH"]).errorText?.hasPrefix("ERR unknown command") == true)
        #expect(connection.isOpen, "an error reply leaves the connection usable")
        #expect(try connection.command(["MGET", "n", "missing"]) == .array([.string(Array("-3".utf8)), .null]))
    }

    @Test func rightPasswordLogsIn() throws {
        let server = try RedisServer.start(["--requirepass", Self.password])
        let connection = try server.connect(ControlPlaneLogin(password: Self.password))
        #expect(try connection.command(["INFO", "server"]).text?.contains("redis_version:") == true)
    }

    @Test func wrongPasswordIsAnAuthErrorWithoutThePassword() throws {
        let server = try RedisServer.start(["--requirepass", Self.password])
        let wrong = "wrong-" + Self.password
        let error = #expect(throws: ControlPlaneError.self) {
            try server.connect(ControlPlaneLogin(password: wrong))
        }
        #expect(error?.kind == .auth)
        #expect(error?.message.hasPrefix("AUTH failed: WRONGPASS") == true, "\(String(describing: error))")
        #expect(error.map { "\($0)" }?.contains(Self.password) == false)
        #expect(error?.message.contains(Self.password) == false)
    }

    /// With `AUTH` renamed away, Redis's error quotes the command's arguments: the
    /// password is masked in the error, and a login's description never shows it.
    @Test func aPasswordQuotedInRedisErrorIsMasked() throws {
        let server = try RedisServer.start(["--rename-command", "AUTH", ""])
        let login = ControlPlaneLogin(password: Self.password)
        let error = #expect(throws: ControlPlaneError.self) { try server.connect(login) }
        #expect(error?.kind == .auth)
        #expect(error?.message.contains("***") == true, "\(String(describing: error))")
        #expect(error?.message.contains(Self.password) == false)
        #expect(!"\(login)".contains(Self.password))
    }

    @Test func withoutLoginRedisAsksForOne() throws {
        let server = try RedisServer.start(["--requirepass", Self.password])
        let connection = try server.connect()
        #expect(try connection.command(["INFO"]).errorText?.hasPrefix("NOAUTH") == true)
    }

    @Test func aclUserWithoutCommandGetsAnErrorReply() throws {
        let server = try RedisServer.start()
        let admin = try server.connect()
        let created = try admin.command(["ACL", "SETUSER", "lens", "on", ">lens-pw", "~*", "+@all", "-command"])
        #expect(created == .string(Array("OK".utf8)))
        let connection = try server.connect(ControlPlaneLogin(username: "lens", password: "lens-pw", database: 3))
        #expect(try connection.command(["COMMAND"]).errorText?.hasPrefix("NOPERM") == true)
        #expect(try connection.command(["CLIENT", "INFO"]).text?.contains(" db=3 ") == true)
        #expect(try connection.command(["ACL", "WHOAMI"]) == .string(Array("lens".utf8)))
    }

    @Test func refusedSelectIsAnAuthError() throws {
        let server = try RedisServer.start()
        let error = #expect(throws: ControlPlaneError.self) { try server.connect(ControlPlaneLogin(database: 99)) }
        #expect(error?.kind == .auth)
        #expect(error?.message.hasPrefix("SELECT 99 failed: ERR DB index is out of range") == true)
    }

    @Test func nothingListeningIsAConnectErrorAtOnce() throws {
        let port = try freePort()
        let started = ContinuousClock.now
        let error = #expect(throws: ControlPlaneError.self) {
            try ControlPlaneConnection.connect(
                host: "127.0.0.1", port: port, login: ControlPlaneLogin(), timeout: .seconds(5))
        }
        #expect(error == ControlPlaneError(.connect, "connect refused 127.0.0.1:\(port)"))
        #expect(started.duration(to: .now) < .seconds(1))
    }

    /// A listener whose accept queue is full drops new SYNs (Linux): the connect gets no
    /// answer and gives up at the timeout.
    @Test func unansweredConnectEndsAtTheTimeout() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = loopbackAddress(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 0) == 0
                    && getsockname(listener, pointer, &length) == 0
            }
        }
        try #require(listening)
        let port = Int(UInt16(bigEndian: address.sin_port))
        // One connection fills a backlog of 0; it is never accepted.
        let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(filler) }
        var target = loopbackAddress(port: port)
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, length) }
        }
        try #require(connected == 0)

        let started = ContinuousClock.now
        let error = #expect(throws: ControlPlaneError.self) {
            try ControlPlaneConnection.connect(
                host: "127.0.0.1", port: port, login: ControlPlaneLogin(), timeout: .milliseconds(300))
        }
        let elapsed = started.duration(to: .now)
        #expect(error == ControlPlaneError(.timeout, "connect timeout after 300 ms to 127.0.0.1:\(port)"))
        #expect(elapsed >= .milliseconds(290) && elapsed < .seconds(2), "\(elapsed)")
    }

    /// `CLIENT PAUSE` holds every other client's command: no reply comes, and the read
    /// gives up at the timeout and closes the connection.
    @Test func unansweredCommandEndsAtTheTimeout() throws {
        let server = try RedisServer.start()
        let connection = try server.connect(timeout: .milliseconds(300))
        let admin = try server.connect()
        #expect(try admin.command(["CLIENT", "PAUSE", "20000", "ALL"]) == .string(Array("OK".utf8)))
        let started = ContinuousClock.now
        let error = #expect(throws: ControlPlaneError.self) { try connection.command(["INFO"]) }
        let elapsed = started.duration(to: .now)
        #expect(error == ControlPlaneError(.timeout, "no reply from 127.0.0.1:\(server.port) within 300 ms"))
        #expect(elapsed >= .milliseconds(290) && elapsed < .seconds(2), "\(elapsed)")
        #expect(!connection.isOpen)
        #expect(throws: try #require(error)) { try connection.command(["PING"]) }
    }

    /// Redis is killed while its reply is on the way: what the kernel had buffered arrives,
    /// then the connection ends with the reply incomplete.
    @Test func serverKilledInTheMiddleOfAReply() throws {
        let server = try RedisServer.start()
        let size = 32 << 20
        let admin = try server.connect()
        let value = [UInt8](repeating: UInt8(ascii: "v"), count: size)
        #expect(try admin.command([Array("SET".utf8), Array("big".utf8), value]) == .string(Array("OK".utf8)))
        let transport = ObservedTransport(
            try TCPTransport(host: "127.0.0.1", port: server.port, timeout: .seconds(5)), afterFirstRead: server.kill)
        let connection = ControlPlaneConnection(transport: transport)
        let error = #expect(throws: ControlPlaneError.self) { try connection.command(["GET", "big"]) }
        #expect(error?.kind == .connectionLost, "\(String(describing: error))")
        #expect(transport.bytesRead > 0 && transport.bytesRead < size, "\(transport.bytesRead) bytes arrived")
        #expect(!connection.isOpen)
    }

    @Test func theServerClosingTheConnectionIsConnectionLost() throws {
        let server = try RedisServer.start()
        let connection = try server.connect()
        let admin = try server.connect()
        let id = try #require(try connection.command(["CLIENT", "ID"]).integer)
        #expect(try admin.command(["CLIENT", "KILL", "ID", "\(id)"]) == .integer(1))
        #expect(throws: ControlPlaneError(.connectionLost, "server closed the connection")) {
            try connection.command(["PING"])
        }
    }

    static let password = "pw-Δ-s3cret"
}

/// A TCP transport that counts what it read and runs `afterFirstRead` once, after the
/// first bytes of a reply arrived.
final class ObservedTransport: ControlPlaneTransport {
    private let inner: TCPTransport
    private var afterFirstRead: (() -> Void)?
    private(set) var bytesRead = 0

    init(_ inner: TCPTransport, afterFirstRead: @escaping () -> Void) {
        self.inner = inner
        self.afterFirstRead = afterFirstRead
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(ControlPlaneError) { try inner.write(bytes) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ControlPlaneError) -> Int {
        let count = try inner.read(into: buffer)
        bytesRead += count
        if count > 0, let hook = afterFirstRead {
            afterFirstRead = nil
            hook()
        }
        return count
    }

    func close() { inner.close() }
}
