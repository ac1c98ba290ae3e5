import ControlPlane

/// Why one INFO poll failed: a bounded reason (a metric label) and a text for logs and
/// `/readyz` that never holds a credential.
public struct InfoPollError: Error, Sendable, Equatable {
    /// The reason as a label.
    public enum Reason: String, Sendable, CaseIterable {
        /// Could not open the TCP connection (refused, unresolvable).
        case connect
        /// Connecting or a reply took longer than the timeout.
        case timeout
        /// AUTH or SELECT was refused.
        case auth
        /// The connection broke during a command.
        case connectionLost = "connection_lost"
        /// INFO answered with an error (`-NOPERM`, `-LOADING`, ...).
        case errorReply = "error_reply"
        /// INFO answered with something other than text, or with bytes that are not a
        /// RESP2 reply.
        case badReply = "bad_reply"
    }

    /// The label.
    public var reason: Reason
    /// What happened, for people.
    public var message: String

    /// Whether the server should count as not ready: everything but an INFO refused by
    /// the ACL (`-NOPERM`), where Redis is up and serving and only the poll lacks rights.
    public var meansNotReady: Bool {
        !(reason == .errorReply && message.hasPrefix("NOPERM"))
    }

    /// Creates an error.
    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }
}

extension InfoPollError {
    /// The poll's view of a control-plane failure: same text, the reason of the same
    /// name (a reply hiredis cannot read is a bad reply).
    init(_ error: ControlPlaneError) {
        let reason: Reason =
            switch error.kind {
            case .connect: .connect
            case .timeout: .timeout
            case .auth: .auth
            case .connectionLost: .connectionLost
            case .protocolError: .badReply
            }
        self.init(reason, error.message)
    }

    /// Runs `body`, converting its failure.
    static func converting<T>(_ body: () throws(ControlPlaneError) -> T) throws(InfoPollError) -> T {
        do {
            return try body()
        } catch {
            throw InfoPollError(error)
        }
    }
}
