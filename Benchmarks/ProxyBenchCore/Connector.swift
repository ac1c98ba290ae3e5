import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Opens connections to a target, spread over the event loops.
struct Connector: Sendable {
    let target: BenchTarget
    let connectTimeout: Double

    /// Connects one channel on `loop` whose pipeline gets the handler `make` builds (on the loop).
    func connect(
        on loop: any EventLoop,
        _ make: @escaping @Sendable () -> any ChannelHandler
    ) async throws -> any Channel {
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.nanoseconds(Int64(connectTimeout * 1e9)))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(make())
                }
            }
        do {
            return try await bootstrap.connect(host: target.host, port: target.port).get()
        } catch {
            throw BenchRunError("\(target.name) (\(target.address)): cannot connect: \(Self.reason(error))")
        }
    }

    /// The system's words for why a connection failed (`Connection refused`), else the error.
    static func reason(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError {
            if let io = error.connectionErrors.first?.error as? IOError {
                return String(cString: strerror(io.errnoCode))
            }
            if let dns = error.dnsAAAAError ?? error.dnsAError { return "\(dns)" }
        }
        if let error = error as? ChannelError, case .connectTimeout(let amount) = error {
            return "timed out after \(amount)"
        }
        return "\(error)"
    }
}
