import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// A connected, non-blocking pair of Unix stream sockets: `near` for the code under test,
/// `far` for the test to play the peer.
func socketPair() throws -> (near: Int32, far: Int32) {
    var fds: [Int32] = [0, 0]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0, &fds) == 0 else {
        throw IOError(errnoCode: errno, reason: "socketpair")
    }
    return (fds[0], fds[1])
}
