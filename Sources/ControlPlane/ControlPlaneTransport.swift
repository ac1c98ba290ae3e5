/// The byte stream under a ``ControlPlaneConnection``: it carries bytes and knows nothing
/// of RESP. The connection encodes requests and has hiredis parse what ``read(into:)``
/// returns, so hiredis never touches the socket.
///
/// **A TLS transport plugs in here.** Debian's hiredis 0.14 has no TLS of its own; a
/// transport that wraps ``TCPTransport``'s descriptor in a TLS session (handshake in its
/// initialiser, `write`/`read` through the session, `close` sending `close_notify`) gives
/// `rediss://` upstreams the same control plane without changing the connection, the
/// `INFO` poller or the `COMMAND` load.
///
/// Blocking: every call may wait up to the transport's own timeout, then throws
/// ``ControlPlaneError/Kind/timeout``. Used from one thread at a time (the control
/// plane's; see ``ControlPlaneThread``).
public protocol ControlPlaneTransport: AnyObject {
    /// Sends all of `bytes`, or throws (the transport is unusable afterwards).
    func write(_ bytes: UnsafeRawBufferPointer) throws(ControlPlaneError)

    /// Waits for bytes and copies at most `buffer.count` of them into `buffer`; returns
    /// how many, `0` when the peer closed the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ControlPlaneError) -> Int

    /// Closes the stream; later calls fail. Calling it again does nothing.
    func close()
}
