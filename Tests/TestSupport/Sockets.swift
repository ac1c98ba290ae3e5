#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a test needed from its environment or its helpers and did not get: a socket, a
/// server that answers, a condition that held in time.
public struct TestFailure: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String

    /// A failure described by `description`.
    public init(_ description: String) { self.description = description }
}

/// A loopback port nothing listened on a moment ago.
public func freePort() throws -> Int {
    let descriptor = socket(AF_INET, streamSocket, 0)
    guard descriptor >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
    defer { close(descriptor) }
    var address = loopbackAddress(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(descriptor, pointer, length) == 0 ? getsockname(descriptor, pointer, &length) : -1
        }
    }
    guard named == 0 else { throw TestFailure("bind/getsockname: \(String(cString: strerror(errno)))") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// `127.0.0.1:port`.
public func loopbackAddress(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
    return address
}

#if canImport(Glibc)
    let streamSocket = Int32(SOCK_STREAM.rawValue)
    /// No `SIGPIPE` from a send to a peer that went away.
    let sendFlags = Int32(MSG_NOSIGNAL)
#else
    let streamSocket = SOCK_STREAM
    let sendFlags: Int32 = 0
#endif
