import NIOCore
import NIOPosix

/// One HTTP/1 response as read off the wire.
struct RawResponse {
    /// `HTTP/1.1 200 OK`.
    var statusLine: String
    /// Header fields in wire order.
    var headers: [(name: String, value: String)]
    /// The body bytes (`Content-Length` of them).
    var body: [UInt8]

    /// The status code from the status line.
    var status: Int? { statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } }

    /// The body as UTF-8 text.
    var text: String { String(decoding: body, as: UTF8.self) }

    /// Every value of the header `name` (case-insensitive).
    func values(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// The single value of header `name`, nil when it is absent or repeated.
    func header(_ name: String) -> String? {
        let all = values(name)
        return all.count == 1 ? all[0] : nil
    }
}

/// A loopback TCP connection that writes raw request text and parses the responses
/// (framed by `Content-Length`, which is how ``AdminServer`` frames every response).
final class RawHTTPConnection {
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var buffer = ByteBuffer()
    private var closedByPeer = false

    private init(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) {
        self.inbound = inbound
        self.outbound = outbound
    }

    /// Connects to `127.0.0.1:port`, runs `body`, then closes the connection.
    static func with<T: Sendable>(port: Int, _ body: (RawHTTPConnection) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(RawHTTPConnection(inbound: inbound.makeAsyncIterator(), outbound: outbound))
        }
    }

    /// Writes `text` as it is (requests spell their own `\r\n`).
    func send(_ text: String) async throws {
        try await outbound.write(ByteBuffer(string: text))
    }

    /// Sends `GET path` (HTTP/1.1, keep-alive) and reads the response.
    func get(_ path: String) async throws -> RawResponse {
        try await send("GET \(path) HTTP/1.1\r\nHost: test\r\n\r\n")
        return try await readResponse()
    }

    /// Reads one response; `bodyless` for the answer to a HEAD request, which has no body
    /// whatever its `Content-Length` says.
    func readResponse(bodyless: Bool = false) async throws -> RawResponse {
        let headEnd = try await readUntil(Array("\r\n\r\n".utf8))
        let headText = buffer.readString(length: headEnd)!
        buffer.moveReaderIndex(forwardBy: 4)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst()
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw HarnessError("header line without ':': \(line)") }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            headers.append((String(line[..<colon]), String(value)))
        }
        var response = RawResponse(statusLine: statusLine, headers: headers, body: [])
        if bodyless { return response }
        guard let lengthText = response.header("Content-Length"), let length = Int(lengthText) else {
            throw HarnessError("response without one Content-Length: \(headText)")
        }
        while buffer.readableBytes < length {
            guard try await fill() else { throw HarnessError("EOF inside a \(length)-byte body") }
        }
        response.body = buffer.readBytes(length: length)!
        return response
    }

    /// Whether the server closes the connection next, with no further bytes.
    func closesWithoutMoreBytes() async throws -> Bool {
        while try await fill() {}
        return buffer.readableBytes == 0
    }

    /// Reads until `marker` is buffered; returns its offset from the reader index.
    private func readUntil(_ marker: [UInt8]) async throws -> Int {
        while true {
            let view = buffer.readableBytesView
            if let offset = Self.firstRange(of: marker, in: Array(view)) { return offset }
            guard try await fill() else {
                throw HarnessError("EOF before a response head; buffered: \(String(buffer: buffer))")
            }
        }
    }

    /// Appends the next chunk to `buffer`; false at EOF.
    private func fill() async throws -> Bool {
        if closedByPeer { return false }
        guard let chunk = try await inbound.next() else {
            closedByPeer = true
            return false
        }
        buffer.writeImmutableBuffer(chunk)
        return true
    }

    private static func firstRange(of marker: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= marker.count else { return nil }
        return (0...(bytes.count - marker.count)).first { bytes[$0..<($0 + marker.count)].elementsEqual(marker) }
    }
}
