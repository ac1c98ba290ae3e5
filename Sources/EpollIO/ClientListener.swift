import CEpoll
import Logging
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// The listening socket, on one ``EpollLoop``: accepts every pending client and hands
/// each to `onClient` (which picks the client's loop).
package final class ClientListener: EpollHandler {
    private let fd: Int32
    private let loop: EpollLoop
    private let logger: Logger
    private let onClient: (Int32, SocketAddress?) -> Void
    private var retry: Scheduled<Void>?

    package init(fd: Int32, loop: EpollLoop, logger: Logger, onClient: @escaping (Int32, SocketAddress?) -> Void) {
        self.fd = fd
        self.loop = loop
        self.logger = logger
        self.onClient = onClient
    }

    override package func handleEvents(_ events: UInt32) {
        acceptAll()
    }

    /// Stops accepting and closes the socket.
    package func close() {
        retry?.cancel()
        loop.deregister(fd)
        Glibc.close(fd)
    }

    private func acceptAll() {
        while true {
            switch SocketCalls.accept(fd) {
            case .client(let client, let address):
                onClient(client, address)
            case .none:
                return
            case .failed(let code):
                // Out of descriptors or memory: the connection stays queued; try again soon
                // (edge-triggered, so no new event would come for it).
                logger.warning(
                    "cannot accept a client", metadata: ["error": "\(String(cString: strerror(code)))"])
                retry = loop.assumeIsolated().scheduleTask(in: .milliseconds(100)) { self.acceptAll() }
                return
            }
        }
    }
}
