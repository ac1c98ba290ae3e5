import AdminHTTP
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

/// Which paths a route was asked about.
final class RouteLog: Sendable {
    private let paths = Mutex<[String]>([])

    func record(_ path: Substring) { paths.withLock { $0.append(String(path)) } }

    var all: [String] { paths.withLock { $0 } }
}

/// A route answering `path` with `body`, recording every request it is asked about in `log`.
func route(
    _ path: String, status: HTTPResponseStatus = .ok, contentType: String = "text/x-test", body: String,
    log: RouteLog? = nil
) -> AdminServer.Route {
    { head in
        log?.record(head.path)
        return head.path == path ? AdminResponse(status: status, contentType: contentType, body: body) : nil
    }
}

/// The server over real loopback sockets: routing, methods, connection handling.
@Suite(.timeLimit(.minutes(1))) struct AdminServerRouting {
    @Test func aRouteSetsStatusContentTypeAndBody() async throws {
        try await RunningAdminServer.with(routes: [route("/hello", body: "hello\n")]) { server in
            let response = try await RawHTTPConnection.with(port: server.port) { try await $0.get("/hello") }
            #expect(response.statusLine == "HTTP/1.1 200 OK")
            #expect(response.header("Content-Type") == "text/x-test")
            #expect(response.header("Content-Length") == "6")
            #expect(response.text == "hello\n")
        }
    }

    @Test func byteBodiesAndOtherStatusesPassThrough() async throws {
        let bytes: [UInt8] = [0, 13, 10, 255, 13, 10, 13, 10]
        let routes: [AdminServer.Route] = [
            { head in
                head.path == "/bytes"
                    ? AdminResponse(
                        status: .serviceUnavailable, contentType: "application/octet-stream",
                        body: ByteBuffer(bytes: bytes))
                    : nil
            }
        ]
        try await RunningAdminServer.with(routes: routes) { server in
            let response = try await RawHTTPConnection.with(port: server.port) { try await $0.get("/bytes") }
            #expect(response.statusLine == "HTTP/1.1 503 Service Unavailable")
            #expect(response.header("Content-Type") == "application/octet-stream")
            #expect(response.header("Content-Length") == "\(bytes.count)")
            #expect(response.body == bytes)
        }
    }

    @Test func theFirstMatchingRouteWins() async throws {
        let before = RouteLog()
        let after = RouteLog()
        let routes = [
            route("/other", body: "other\n", log: before),
            route("/dup", body: "first\n"),
            route("/dup", body: "second\n", log: after),
        ]
        try await RunningAdminServer.with(routes: routes) { server in
            let response = try await RawHTTPConnection.with(port: server.port) { try await $0.get("/dup") }
            #expect(response.text == "first\n")
        }
        #expect(before.all == ["/dup"], "a route that answers nil passes the request on")
        #expect(after.all.isEmpty, "routes after the matching one are not asked")
    }

    @Test func anUnknownPathIs404AfterEveryRouteDeclined() async throws {
        let log = RouteLog()
        let routes = [route("/a", body: "a\n", log: log), route("/b", body: "b\n", log: log)]
        try await RunningAdminServer.with(routes: routes) { server in
            let response = try await RawHTTPConnection.with(port: server.port) { try await $0.get("/nope") }
            #expect(response.statusLine == "HTTP/1.1 404 Not Found")
            #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(response.text == "not found\n")
        }
        #expect(log.all == ["/nope", "/nope"])
    }

    @Test func theQueryStringIsNotPartOfThePath() async throws {
        let routes: [AdminServer.Route] = [
            { head in
                head.path == "/echo" ? AdminResponse(status: .ok, body: "path=\(head.path) uri=\(head.uri)\n") : nil
            }
        ]
        try await RunningAdminServer.with(routes: routes) { server in
            let (echo, bare) = try await RawHTTPConnection.with(port: server.port) { connection in
                (try await connection.get("/echo?x=1&y=/2"), try await connection.get("/echo?"))
            }
            #expect(echo.status == 200)
            #expect(echo.text == "path=/echo uri=/echo?x=1&y=/2\n")
            #expect(bare.text == "path=/echo uri=/echo?\n")
        }
    }

    @Test func headAnswersLikeGetWithoutABody() async throws {
        try await RunningAdminServer.with(routes: [route("/hello", body: "hello\n")]) { server in
            let (head, get) = try await RawHTTPConnection.with(port: server.port) { connection in
                try await connection.send("HEAD /hello HTTP/1.1\r\nHost: test\r\n\r\n")
                let head = try await connection.readResponse(bodyless: true)
                // No body bytes follow the head: the next response on the connection parses.
                return (head, try await connection.get("/hello"))
            }
            #expect(head.statusLine == "HTTP/1.1 200 OK")
            #expect(head.header("Content-Type") == "text/x-test")
            #expect(head.header("Content-Length") == "6", "the length a GET's body has (RFC 9110 8.6)")
            #expect(get.text == "hello\n")
        }
    }

    @Test func otherMethodsGet405WithoutAskingTheRoutes() async throws {
        let log = RouteLog()
        try await RunningAdminServer.with(routes: [route("/hello", body: "hello\n", log: log)]) { server in
            let (post, get) = try await RawHTTPConnection.with(port: server.port) { connection in
                try await connection.send("POST /hello HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nabcde")
                let post = try await connection.readResponse()
                // The request body was consumed: the connection serves the next request.
                return (post, try await connection.get("/hello"))
            }
            #expect(post.statusLine == "HTTP/1.1 405 Method Not Allowed")
            #expect(post.header("Allow") == "GET, HEAD")
            #expect(post.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(post.text == "only GET\n")
            #expect(get.text == "hello\n")
        }
        #expect(log.all == ["/hello"], "only the GET reached the routes")
    }

    @Test func keepAliveServesRequestsUntilTheClientAsksToClose() async throws {
        try await RunningAdminServer.with(routes: [route("/hello", body: "hello\n")]) { server in
            try await RawHTTPConnection.with(port: server.port) { connection in
                for _ in 1...2 {
                    let response = try await connection.get("/hello")
                    #expect(response.text == "hello\n")
                    #expect(response.values("Connection").isEmpty)
                }
                try await connection.send("GET /hello HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
                let last = try await connection.readResponse()
                #expect(last.text == "hello\n")
                #expect(last.header("Connection") == "close")
                #expect(try await connection.closesWithoutMoreBytes())
            }
        }
    }

    @Test func http10WithoutKeepAliveGetsOneResponseThenClose() async throws {
        try await RunningAdminServer.with(routes: [route("/hello", body: "hello\n")]) { server in
            try await RawHTTPConnection.with(port: server.port) { connection in
                try await connection.send("GET /hello HTTP/1.0\r\n\r\n")
                let response = try await connection.readResponse()
                #expect(response.statusLine == "HTTP/1.0 200 OK")
                #expect(response.header("Connection") == "close")
                #expect(response.text == "hello\n")
                #expect(try await connection.closesWithoutMoreBytes())
            }
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let routes = [route("/a", body: "a\n"), route("/b", body: "b\n")]
        try await RunningAdminServer.with(routes: routes) { server in
            let bodies = try await RawHTTPConnection.with(port: server.port) { connection in
                try await connection.send(
                    "GET /b HTTP/1.1\r\nHost: test\r\n\r\nGET /nope HTTP/1.1\r\nHost: test\r\n\r\n"
                        + "GET /a HTTP/1.1\r\nHost: test\r\n\r\n")
                var bodies: [String] = []
                for _ in 1...3 { bodies.append(try await connection.readResponse().text) }
                return bodies
            }
            #expect(bodies == ["b\n", "not found\n", "a\n"])
        }
    }

    /// Routes are async: one waiting (for a poll, say) holds up its own connection only.
    @Test func aWaitingRouteDoesNotHoldUpOtherConnections() async throws {
        let (entered, enteredContinuation) = AsyncStream.makeStream(of: Void.self)
        let (gate, gateContinuation) = AsyncStream.makeStream(of: Void.self)
        let routes: [AdminServer.Route] = [
            { head in
                guard head.path == "/wait" else { return nil }
                enteredContinuation.yield()
                _ = await gate.first { _ in true }
                return AdminResponse(status: .ok, body: "waited\n")
            },
            route("/hello", body: "hello\n"),
        ]
        try await RunningAdminServer.with(routes: routes) { server in
            let waited = try await RawHTTPConnection.with(port: server.port) { slow in
                try await slow.send("GET /wait HTTP/1.1\r\nHost: test\r\n\r\n")
                _ = await entered.first { _ in true }
                let other = try await RawHTTPConnection.with(port: server.port) { try await $0.get("/hello") }
                #expect(other.text == "hello\n")
                gateContinuation.yield()
                return try await slow.readResponse()
            }
            #expect(waited.text == "waited\n")
        }
    }
}

/// Binding, the address in use, and stopping.
@Suite(.timeLimit(.minutes(1))) struct AdminServerLifecycle {
    @Test func onBoundReportsTheLoopbackAddressAndTheChosenPort() async throws {
        try await RunningAdminServer.with(routes: [route("/hello", body: "hello\n")]) { server in
            #expect(server.address.ipAddress == "127.0.0.1")
            #expect(server.port > 0)
            let response = try await RawHTTPConnection.with(port: server.port) { try await $0.get("/hello") }
            #expect(response.text == "hello\n")
        }
    }

    @Test func aPortInUseIsAListenError() async throws {
        try await RunningAdminServer.with(routes: [route("/hello", body: "hello\n")]) { first in
            let secondBound = Mutex(false)
            let second = AdminServer(
                host: "127.0.0.1", port: first.port, group: MultiThreadedEventLoopGroup.singleton,
                logger: silentLogger, routes: [], onBound: { _ in secondBound.withLock { $0 = true } })
            let error = await #expect(throws: AdminServer.ListenError.self) { try await second.run() }
            #expect(error?.description == "cannot listen on 127.0.0.1:\(first.port) (admin): Address already in use")
            #expect(error?.host == "127.0.0.1" && error?.port == first.port)
            #expect(!secondBound.withLock { $0 })
            // The server holding the port is unaffected.
            let response = try await RawHTTPConnection.with(port: first.port) { try await $0.get("/hello") }
            #expect(response.text == "hello\n")
        }
    }

    @Test func gracefulShutdownStopsListening() async throws {
        let server = try await RunningAdminServer.start(routes: [route("/hello", body: "hello\n")])
        let response = try await RawHTTPConnection.with(port: server.port) { try await $0.get("/hello") }
        #expect(response.text == "hello\n")
        try await server.shutdown()
        await #expect(throws: (any Error).self) {
            try await RawHTTPConnection.with(port: server.port) { _ in }
        }
    }

    @Test func cancellingRunStopsListening() async throws {
        let (bound, boundContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = AdminServer(
            host: "127.0.0.1", port: 0, group: MultiThreadedEventLoopGroup.singleton, logger: silentLogger,
            routes: [route("/hello", body: "hello\n")], onBound: { boundContinuation.yield($0.port ?? 0) })
        let run = Task { try await server.run() }
        let port = try #require(await bound.first { _ in true })
        let response = try await RawHTTPConnection.with(port: port) { try await $0.get("/hello") }
        #expect(response.text == "hello\n")
        run.cancel()
        try await run.value
        await #expect(throws: (any Error).self) {
            try await RawHTTPConnection.with(port: port) { _ in }
        }
    }
}
