import NIOCore
import NIOHTTP1

/// Routes each HTTP request to the first matching ``AdminServer/Route``.
final class AdminHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let routes: [AdminServer.Route]
    private var head: HTTPRequestHead?

    init(routes: [AdminServer.Route]) {
        self.routes = routes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let routes = self.routes
        context.eventLoop.makeFutureWithTask {
            guard head.method == .GET || head.method == .HEAD else {
                return AdminResponse(status: .methodNotAllowed, body: "only GET\n")
            }
            for route in routes {
                if let response = await route(head) { return response }
            }
            return AdminResponse(status: .notFound, body: "not found\n")
        }.assumeIsolated().whenSuccess { response in
            self.write(response, for: head, context: context)
        }
    }

    private func write(_ response: AdminResponse, for head: HTTPRequestHead, context: ChannelHandlerContext) {
        var response = response
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        // A HEAD response has no body but the length a GET's would have (RFC 9110, 8.6).
        headers.add(name: "Content-Length", value: String(response.body.readableBytes))
        if head.method == .HEAD { response.body.clear() }
        // A 405 names the methods served (RFC 9110, 15.5.6).
        if response.status == .methodNotAllowed { headers.add(name: "Allow", value: "GET, HEAD") }
        if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
        let responseHead = HTTPResponseHead(version: head.version, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
        let keepAlive = head.isKeepAlive
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }
}
