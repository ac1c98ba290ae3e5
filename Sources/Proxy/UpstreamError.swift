import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the proxy could not get or keep an upstream connection, for logs and `/readyz`
/// (clients never see it: they see their connection close, as with Redis).
public struct UpstreamError: Error, Sendable, CustomStringConvertible {
    /// Short reason, e.g. `connect refused 127.0.0.1:6379`. Never contains credentials.
    public var reason: String
    /// Every `--pool-max` connection was in use: the client gets Redis's `maxclients` error.
    var poolExhausted = false

    /// Creates an error.
    public init(reason: String) { self.reason = reason }

    /// All connections in use for `waited` seconds.
    static func poolExhausted(waited seconds: Double) -> UpstreamError {
        var error = UpstreamError(reason: "pool exhausted: no connection free within \(seconds.formatted)s")
        error.poolExhausted = true
        return error
    }

    /// Same as ``reason``.
    public var description: String { reason }

    /// Describes a NIO connect or I/O error briefly.
    static func describe(_ error: Error, target: String? = nil) -> String {
        switch error {
        case let error as UpstreamError:
            return error.reason
        case let error as NIOConnectionError:
            if let failure = error.connectionErrors.first {
                return describe(
                    failure.error, target: failure.target.ipAddress.map { "\($0):\(failure.target.port ?? 0)" })
            }
            return "cannot resolve \(error.host)"
        case ChannelError.connectTimeout(let amount):
            return "connect timeout after \(amount.nanoseconds / 1_000_000) ms" + (target.map { " to \($0)" } ?? "")
        case let error as IOError:
            let suffix = target.map { " \($0)" } ?? ""
            switch error.errnoCode {
            case ECONNREFUSED: return "connect refused" + suffix
            case ECONNRESET: return "connection reset" + suffix
            case ETIMEDOUT: return "connect timeout" + suffix
            case EHOSTUNREACH, ENETUNREACH: return "no route to host" + suffix
            default: return String(cString: strerror(error.errnoCode)) + suffix
            }
        case let error as SocketAddressError:
            return "cannot resolve host (\(error))"
        default:
            return "\(error)"
        }
    }
}
