import NIOCore
import NIOHTTP1
import Testing

@testable import AdminHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// The values routes and the command line see, without sockets.
@Suite struct AdminValues {
    @Test(arguments: [
        ("/metrics", "/metrics"),
        ("/metrics?format=openmetrics", "/metrics"),
        ("/a?b?c", "/a"),
        ("/?", "/"),
        ("?x=1", ""),
        ("", ""),
    ])
    func pathIsTheURIBeforeTheFirstQuestionMark(uri: String, path: String) {
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri)
        #expect(head.path == path)
    }

    @Test func listenErrorNamesTheAddressAndTheSystemReason() {
        let inUse = AdminServer.ListenError(
            address: ("0.0.0.0", 9121), underlying: IOError(errnoCode: EADDRINUSE, reason: "bind"))
        #expect(inUse.description == "cannot listen on 0.0.0.0:9121 (admin): Address already in use")
        let ipv6 = AdminServer.ListenError(address: ("::1", 80), underlying: IOError(errnoCode: EACCES, reason: "bind"))
        #expect(ipv6.description == "cannot listen on [::1]:80 (admin): Permission denied")
        #expect(ipv6.reason == "Permission denied")
    }

    @Test func listenErrorDescribesOtherErrorsAsThemselves() {
        struct Unresolvable: Error, CustomStringConvertible {
            var description: String { "no such host" }
        }
        let error = AdminServer.ListenError(address: ("nowhere.invalid", 1), underlying: Unresolvable())
        #expect(error.description == "cannot listen on nowhere.invalid:1 (admin): no such host")
    }

    @Test func textResponsesDefaultToUTF8PlainText() {
        let response = AdminResponse(status: .ok, body: "ok\n")
        #expect(response.contentType == "text/plain; charset=utf-8")
        #expect(response.body == ByteBuffer(string: "ok\n"))
    }
}
