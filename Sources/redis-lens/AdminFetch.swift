import Proxy

#if canImport(Glibc)
    import Glibc
#endif

/// One blocking HTTP/1.1 GET per connection to the admin endpoint, for `redis-lens top`:
/// a plain socket with send and receive timeouts, `Connection: close`, the body read to the
/// end of the stream. Enough for the proxy's own admin server; no redirects, no chunking.
struct AdminFetch {
    /// Where the admin endpoint listens.
    var address: HostPort
    /// Seconds to connect, send and wait for each read.
    var timeoutSeconds = 2
    /// Bytes of one response at most.
    static let maxResponseBytes = 16 << 20

    /// Why a GET failed, in a few words (`Connection refused`).
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The status code and body of `GET path`.
    func get(_ path: String) throws(Failure) -> (status: Int, body: [UInt8]) {
        let socket = try connect()
        defer { close(socket) }
        let request =
            "GET \(path) HTTP/1.1\r\nHost: \(address)\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
        var bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes.withUnsafeMutableBytes {
                send(socket, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL))
            }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw Self.failure("send") }
            sent += written
        }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { throw Self.failure("receive") }
            if count == 0 { break }
            // The admin documents are small; anything this large is not one of them.
            guard response.count + count <= Self.maxResponseBytes else {
                throw Failure(description: "receive: response larger than \(Self.maxResponseBytes >> 20) MiB")
            }
            response += chunk[0..<count]
        }
        return try Self.parse(response)
    }

    /// Splits a whole response into status and body (by `Content-Length` when present).
    static func parse(_ response: [UInt8]) throws(Failure) -> (status: Int, body: [UInt8]) {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = response.firstRange(of: separator) else {
            throw Failure(description: response.isEmpty ? "empty response" : "incomplete HTTP response")
        }
        let head = String(decoding: response[..<end.lowerBound], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw Failure(description: "not an HTTP response")
        }
        var body = Array(response[end.upperBound...])
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length",
                let length = Int(parts[1].trimmingPrefix(" ")), length <= body.count
            {
                body = Array(body.prefix(length))
            }
        }
        return (status, body)
    }

    private func connect() throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(address.host, String(address.port), &hints, &list)
        guard status == 0, let first = list else {
            throw Failure(description: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var reason = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let socket = Glibc.socket(
                info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard socket >= 0 else {
                reason = String(cString: strerror(errno))
                continue
            }
            var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            if Glibc.connect(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return socket }
            reason = errno == EINPROGRESS ? "connection timed out" : String(cString: strerror(errno))
            close(socket)
        }
        throw Failure(description: reason)
    }

    private static func failure(_ what: String) -> Failure {
        let reason = errno == EAGAIN || errno == EWOULDBLOCK ? "timed out" : String(cString: strerror(errno))
        return Failure(description: "\(what): \(reason)")
    }
}
