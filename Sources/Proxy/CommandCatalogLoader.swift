import NIOCore
import NIOPosix
import RESP
import RedisCommands

/// Reads the upstream's `COMMAND` reply once (at start-up and whenever the upstream comes
/// back), so commands are classified by what this server says about them.
enum CommandCatalogLoader {
    /// The server's command specs; fails when it cannot be reached or refuses `COMMAND`
    /// (e.g. an ACL user without `+command`), in which case the built-in table stays.
    static func load(
        endpoint: UpstreamEndpoint, group: any EventLoopGroup, timeout: TimeAmount
    ) async throws -> [CommandSpec] {
        let login = UpstreamLogin(endpoint: endpoint)
        let expected = login.commandCount + 1
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .connect(host: endpoint.host, port: endpoint.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var request = ByteBuffer()
            login.write(into: &request)
            request.writeStaticString("*1\r\n$7\r\nCOMMAND\r\n")
            try await outbound.write(request)
            var received: [UInt8] = []
            var scanner = RESPScanner(mode: .reply)
            var frames = 0
            var lastFrameStart = 0
            for try await chunk in inbound {
                let base = received.count
                received += chunk.readableBytesView
                try received.withUnsafeBytes { bytes in
                    var offset = base
                    var start = lastFrameStart
                    while let frame = try scanner.next(bytes, offset: &offset) {
                        frames += 1
                        if frame.type.isError {
                            throw UpstreamError(reason: "COMMAND refused: \(frame.first.text)")
                        }
                        if frames < expected { start = offset }
                    }
                    lastFrameStart = start
                }
                if frames >= expected { break }
            }
            guard frames >= expected else { throw UpstreamError(reason: "connection closed during COMMAND") }
            var offset = lastFrameStart
            return CommandSpec.parse(commandReply: try RESPValue.decode(received, offset: &offset))
        }
    }
}
