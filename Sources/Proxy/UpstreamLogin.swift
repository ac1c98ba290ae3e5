import NIOCore

/// The commands that prepare a fresh (or `RESET`) upstream connection for a client.
///
/// By default none: a client gets the connection as Redis gives a new one (default user,
/// database 0), so it authenticates itself exactly as it would directly. Only with
/// `--client-login-from-upstream` is it `AUTH` with the URL's credentials and `SELECT` of
/// its database, pipelined.
struct UpstreamLogin: Sendable {
    private let commands: [[String]]

    /// No login: connections stay as Redis opens them.
    static let none = UpstreamLogin(commands: [])

    private init(commands: [[String]]) { self.commands = commands }

    /// `AUTH` and `SELECT` from the endpoint (the `--client-login-from-upstream` behaviour).
    init(endpoint: UpstreamEndpoint) {
        var commands: [[String]] = []
        if let password = endpoint.password {
            commands.append(endpoint.username.map { ["AUTH", $0, password] } ?? ["AUTH", password])
        }
        if endpoint.database != 0 {
            commands.append(["SELECT", String(endpoint.database)])
        }
        self.commands = commands
    }

    /// How many replies the login produces.
    var commandCount: Int { commands.count }

    /// Appends the login commands in RESP.
    func write(into buffer: inout ByteBuffer) {
        for command in commands {
            buffer.writeString("*\(command.count)\r\n")
            for argument in command {
                buffer.writeString("$\(argument.utf8.count)\r\n")
                buffer.writeString(argument)
                buffer.writeStaticString("\r\n")
            }
        }
    }
}
