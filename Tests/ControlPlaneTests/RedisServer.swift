import ControlPlane
import RESP
import TestSupport

extension RedisServer {
    /// A control-plane connection to this server.
    func connect(_ login: ControlPlaneLogin = ControlPlaneLogin(), timeout: Duration = .seconds(5))
        throws(ControlPlaneError) -> ControlPlaneConnection
    {
        try ControlPlaneConnection.connect(host: "127.0.0.1", port: port, login: login, timeout: timeout)
    }
}

extension RESPValue {
    /// The error's text, if an error.
    var errorText: String? {
        if case .error(let text) = self { return text }
        return nil
    }
}
