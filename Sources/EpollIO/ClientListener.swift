import CEpoll
import Logging
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// The listening socket, on one ``EpollLoop``: accepts every pending client and hands
/// each to `onClient` (which picks the client's loop and owns the descriptor from then on).
///
/// When `accept` fails for want of descriptors or memory (`EMFILE`, `ENFILE`, `ENOBUFS`,
/// `ENOMEM`), the connection stays in the kernel's queue: the failure is logged and
/// counted (``acceptFailures``) and accepting is tried again after ``retryDelay``, since
/// an edge-triggered socket raises no new event for a connection already queued.
package final class ClientListener: EpollHandler {
    /// How long to wait before accepting again after a failure.
    package static let retryDelay = TimeAmount.milliseconds(100)

    private let fd: Int32
    private let loop: EpollLoop
    private let logger: Logger
    private let onClient: (Int32, SocketAddress?) -> Void
    private let accept: (Int32) -> SocketCalls.Accepted
    private let onAcceptFailure: () -> Void
    private var retry: Scheduled<Void>?
    private var isClosed = false
    /// `accept` calls that failed (descriptors or memory exhausted); each is also reported
    /// to `onAcceptFailure` (counted for `/metrics`).
    package private(set) var acceptFailures: UInt64 = 0

    /// A listener on `fd`; `accept` is ``SocketCalls/accept(_:)`` but for tests.
    package init(
        fd: Int32, loop: EpollLoop, logger: Logger,
        accept: @escaping (Int32) -> SocketCalls.Accepted = SocketCalls.accept,
        onAcceptFailure: @escaping () -> Void = {},
        onClient: @escaping (Int32, SocketAddress?) -> Void
    ) {
        self.onAcceptFailure = onAcceptFailure
        self.fd = fd
        self.loop = loop
        self.logger = logger
        self.accept = accept
        self.onClient = onClient
    }

    override package func handleEvents(_ events: UInt32) {
        acceptAll()
    }

    /// The loop stopped: close the listening socket.
    override package func loopStopped() {
        close()
    }

    /// Stops accepting and closes the socket.
    package func close() {
        guard !isClosed else { return }
        isClosed = true
        retry?.cancel()
        loop.deregister(fd)
        Glibc.close(fd)
    }

    private func acceptAll() {
        while true {
            switch accept(fd) {
            case .client(let client, let address):
                onClient(client, address)
            case .none:
                return
            case .failed(let code):
                // Out of descriptors or memory: the connection stays queued; try again soon
                // (edge-triggered, so no new event would come for it).
                acceptFailures += 1
                onAcceptFailure()
                if acceptFailures == 1 || acceptFailures % 100 == 0 {
                    logger.warning(
                        "cannot accept a client; retrying",
                        metadata: ["error": "\(String(cString: strerror(code)))", "failures": "\(acceptFailures)"])
                }
                retry = loop.assumeIsolated().scheduleTask(in: Self.retryDelay) {
                    if !self.isClosed { self.acceptAll() }
                }
                return
            }
        }
    }
}
