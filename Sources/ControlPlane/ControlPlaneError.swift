/// Why a control-plane exchange with Redis failed. The text names the address and what
/// went wrong, never a credential: it goes to logs, `/readyz` and metrics as it is.
///
/// An error *reply* (`-NOPERM ...`) is not one of these: it is a ``RESP/RESPValue/error(_:)``
/// value and the connection stays usable. After any of these the connection is closed.
public struct ControlPlaneError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure, for callers that count failures by kind.
    public enum Kind: String, Sendable, CaseIterable {
        /// The TCP connection could not be opened (refused, unresolvable, no route).
        case connect
        /// Connecting, sending or waiting for a reply took longer than the timeout.
        case timeout
        /// `AUTH` or `SELECT` was refused.
        case auth
        /// The connection closed or broke during an exchange.
        case connectionLost = "connection_lost"
        /// The bytes received are not a reply hiredis can read (RESP3, nesting too deep, garbage).
        case protocolError = "protocol_error"
    }

    /// The kind.
    public var kind: Kind
    /// What happened, for people.
    public var message: String

    /// Creates an error.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// Same as ``message``.
    public var description: String { message }
}
