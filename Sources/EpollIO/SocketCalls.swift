import CEpoll
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// The socket system calls the data path makes, with errors as NIO `IOError`s.
package enum SocketCalls {
    /// A non-blocking TCP socket connecting to `address`; true when the connect is still
    /// under way (finish it on `EPOLLOUT` with ``pendingError(_:)``).
    package static func connect(to address: SocketAddress) throws(IOError) -> (fd: Int32, inProgress: Bool) {
        let fd = try stream(family: address.protocol.rawValue)
        do {
            try setNoDelay(fd)
        } catch {
            Glibc.close(fd)
            throw error
        }
        let result = address.withSockAddr { pointer, length in Glibc.connect(fd, pointer, socklen_t(length)) }
        if result == 0 { return (fd, false) }
        let code = errno
        if code == EINPROGRESS { return (fd, true) }
        Glibc.close(fd)
        throw IOError(errnoCode: code, reason: "connect")
    }

    /// Why a host name did not resolve, as `getaddrinfo` says it.
    package struct ResolveError: Error {
        /// `cannot resolve HOST (REASON)`.
        package let message: String
    }

    /// Every address of `host` (`getaddrinfo`, which blocks: not on a loop).
    package static func resolve(_ host: String, port: Int) throws(ResolveError) -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, String(port), &hints, &list)
        guard code == 0, let list else {
            throw ResolveError(message: "cannot resolve \(host) (\(String(cString: gai_strerror(code))))")
        }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var node: UnsafeMutablePointer<addrinfo>? = list
        while let entry = node?.pointee {
            switch entry.ai_family {
            case AF_INET:
                entry.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    addresses.append(SocketAddress($0.pointee, host: host))
                }
            case AF_INET6:
                entry.ai_addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    addresses.append(SocketAddress($0.pointee, host: host))
                }
            default:
                break
            }
            node = entry.ai_next
        }
        return addresses
    }

    /// A non-blocking socket listening on `address` (with `SO_REUSEADDR`).
    package static func listen(on address: SocketAddress, backlog: Int32) throws(IOError) -> Int32 {
        let fd = try stream(family: address.protocol.rawValue)
        var one: Int32 = 1
        guard setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw IOError(errnoCode: code, reason: "setsockopt(SO_REUSEADDR)")
        }
        let bound = address.withSockAddr { pointer, length in Glibc.bind(fd, pointer, socklen_t(length)) }
        guard bound == 0, Glibc.listen(fd, backlog) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw IOError(errnoCode: code, reason: "bind")
        }
        return fd
    }

    package enum Accepted {
        case client(Int32, SocketAddress?)
        case none
        case failed(Int32)
    }

    /// The next pending connection on a listening socket, non-blocking, with `TCP_NODELAY`.
    package static func accept(_ listener: Int32) -> Accepted {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        while true {
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { cepoll_accept(listener, $0, &length) }
            }
            if fd >= 0 {
                do {
                    try setNoDelay(fd)
                } catch {
                    // Not a usable TCP connection (it was reset already): drop it, accept on.
                    Glibc.close(fd)
                    continue
                }
                return .client(fd, address(storage))
            }
            switch errno {
            // A pending connection that failed before it was accepted: Linux reports its
            // network error here (accept(2)); the next one may be fine.
            case EINTR, ECONNABORTED, EPROTO, ENOPROTOOPT, ENETDOWN, ENONET, EHOSTDOWN, EHOSTUNREACH, EOPNOTSUPP,
                ENETUNREACH:
                continue
            case EAGAIN, EWOULDBLOCK: return .none
            default: return .failed(errno)
            }
        }
    }

    /// The error a non-blocking connect ended with (0 when it succeeded).
    package static func pendingError(_ fd: Int32) -> Int32 {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) == 0 else { return errno }
        return code
    }

    /// The address a socket is bound to.
    package static func localAddress(_ fd: Int32) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return result == 0 ? address(storage) : nil
    }

    /// `ip:port`, or `[ip]:port` for IPv6.
    package static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    private static func stream(family: Int32) throws(IOError) -> Int32 {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let fd = socket(family, type, 0)
        guard fd >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        return fd
    }

    /// `TCP_NODELAY`: replies and requests go out as soon as they are written.
    private static func setNoDelay(_ fd: Int32) throws(IOError) {
        var one: Int32 = 1
        guard setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw IOError(errnoCode: errno, reason: "setsockopt(TCP_NODELAY)")
        }
    }

    private static func address(_ storage: sockaddr_storage) -> SocketAddress? {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { SocketAddress($0.pointee) }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { SocketAddress($0.pointee) }
            }
        default:
            return nil
        }
    }
}
