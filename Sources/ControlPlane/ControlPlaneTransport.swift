/// The byte stream under a ``ControlPlaneConnection``: it carries bytes and knows nothing
/// of RESP. The connection encodes requests and has hiredis parse what ``read(into:)``
/// returns, so hiredis never touches the socket.
///
/// Two transports: ``TCPTransport``, and ``TLSTransport`` for `rediss://` upstreams. Debian's
/// hiredis 0.14 has no TLS of its own, so hiredis only ever parses bytes: the TLS transport
/// runs an OpenSSL session (the data path's `TLS` module) on ``TCPTransport``'s descriptor,
/// and the connection, the `INFO` poller and the `COMMAND` load stay as they are.
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
