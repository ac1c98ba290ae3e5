import RESP
import TLS

/// The proxy's own login on control-plane connections (from the `--upstream` URL). Its
/// ``description`` never shows the password.
public struct ControlPlaneLogin: Sendable, CustomStringConvertible {
    /// ACL user for `AUTH`, if any.
    public var username: String?
    /// Password for `AUTH`, if any. Never logged, never in an error's text.
    public var password: String?
    /// Database to `SELECT` when not 0.
    public var database: Int

    /// Creates a login; without a password no `AUTH` is sent.
    public init(username: String? = nil, password: String? = nil, database: Int = 0) {
        self.username = username
        self.password = password
        self.database = database
    }

    /// `user=NAME password=*** db=N`, for logs.
    public var description: String {
        "user=\(username ?? "default") password=\(password == nil ? "none" : "***") db=\(database)"
    }

    /// `text` with every occurrence of the password replaced by `***`: Redis may quote a
    /// command's arguments in its error (`unknown command 'AUTH', with args beginning
    /// with: 'secret'` when `AUTH` is renamed away).
    public func redacting(_ text: String) -> String {
        guard let password, !password.isEmpty else { return text }
        return text.replacing(password, with: "***")
    }
}

/// One blocking connection to Redis for control-plane traffic (`INFO`, `COMMAND`): the
/// proxy encodes each request (``RESPRequest``), a ``ControlPlaneTransport`` carries the
/// bytes, and hiredis's reader parses the reply (``HiredisReplyReader``).
///
/// One request at a time, from one thread (the ``ControlPlaneThread``). An error reply is
/// returned as a value and the connection stays usable; any thrown error closes it.
public final class ControlPlaneConnection {
    private let transport: any ControlPlaneTransport
    private let reader = HiredisReplyReader()
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
    private var failure: ControlPlaneError?

    /// Talks over `transport` (already connected, not logged in).
    public init(transport: any ControlPlaneTransport) {
        self.transport = transport
    }

    deinit {
        transport.close()
        buffer.deallocate()
    }

    /// Connects over TCP (with a TLS handshake when `tls` is set) within `timeout` (which
    /// then bounds every read and write) and logs in; on failure nothing stays open.
    public static func connect(
        host: String, port: Int, login: ControlPlaneLogin, timeout: Duration, tls: TLSContext? = nil
    ) throws(ControlPlaneError) -> ControlPlaneConnection {
        let transport: any ControlPlaneTransport =
            if let tls {
                try TLSTransport(host: host, port: port, timeout: timeout, context: tls)
            } else {
                try TCPTransport(host: host, port: port, timeout: timeout)
            }
        let connection = ControlPlaneConnection(transport: transport)
        try connection.logIn(login)
        return connection
    }

    /// `AUTH` (when there is a password) and `SELECT` (when the database is not 0);
    /// a refusal throws ``ControlPlaneError/Kind/auth`` with Redis's error text and
    /// closes the connection.
    public func logIn(_ login: ControlPlaneLogin) throws(ControlPlaneError) {
        if let password = login.password {
            let arguments = ["AUTH"] + (login.username.map { [$0] } ?? []) + [password]
            if case .error(let message) = try command(arguments) {
                throw broken(ControlPlaneError(.auth, "AUTH failed: \(login.redacting(message))"))
            }
        }
        if login.database != 0, case .error(let message) = try command(["SELECT", String(login.database)]) {
            throw broken(ControlPlaneError(.auth, "SELECT \(login.database) failed: \(message)"))
        }
    }

    /// Sends one command and waits for its reply.
    public func command(_ arguments: [String]) throws(ControlPlaneError) -> RESPValue {
        try command(arguments.map { Array($0.utf8) })
    }

    /// Sends one command (binary-safe arguments) and waits for its reply.
    public func command(_ arguments: [[UInt8]]) throws(ControlPlaneError) -> RESPValue {
        if let failure { throw failure }
        do throws(ControlPlaneError) {
            let request = RESPRequest.encode(arguments)
            let sent: Result<Void, ControlPlaneError> = request.withUnsafeBytes { bytes in
                Result { () throws(ControlPlaneError) in try transport.write(bytes) }
            }
            try sent.get()
            return try readReply()
        } catch {
            throw broken(error)
        }
    }

    /// The next reply or pushed message (a subscribed connection's), waiting up to `limit`
    /// for it to start: nil when nothing came (the connection stays usable). TCP only: over
    /// TLS it waits for the message as ``command(_:)`` waits for a reply.
    public func nextMessage(waitingUpTo limit: Duration) throws(ControlPlaneError) -> RESPValue? {
        if let failure { throw failure }
        do throws(ControlPlaneError) {
            if let value = try reader.next() { return value }
            if let tcp = transport as? TCPTransport, try !tcp.waitReadable(upTo: limit) { return nil }
            return try readReply()
        } catch {
            throw broken(error)
        }
    }

    /// Whether the connection can still carry commands.
    public var isOpen: Bool { failure == nil }

    /// Closes the connection; later commands throw.
    public func close() {
        _ = broken(ControlPlaneError(.connectionLost, "connection closed by the proxy"))
    }

    private func readReply() throws(ControlPlaneError) -> RESPValue {
        var received = false
        while true {
            if let value = try reader.next() { return value }
            let count = try transport.read(into: buffer)
            guard count > 0 else {
                throw ControlPlaneError(
                    .connectionLost,
                    received ? "server closed the connection in the middle of a reply" : "server closed the connection")
            }
            received = true
            try reader.feed(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// Remembers the first failure and closes the transport.
    private func broken(_ error: ControlPlaneError) -> ControlPlaneError {
        if failure == nil { failure = error }
        transport.close()
        return error
    }
}
