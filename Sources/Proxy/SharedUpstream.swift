import EpollIO
import NIOConcurrencyHelpers
import NIOCore
import RESP
import Relay

/// One shared upstream connection (`--pool-mode shared`): the clients of its loop assigned
/// to it write their complete request frames into its output, the loop's deferred flush
/// sends each batch in one system call, and its ``ReplyRouter`` hands each reply frame's
/// bytes (partial frames streamed as they arrive) to the session that sent the request.
///
/// A reply for a slow client is still read and queued to that client, so the others are
/// never stalled; that client stops being read instead (``ProxySession``), which bounds
/// what it can hold to the replies of the requests it sent while below the high water.
/// Confined to its loop.
final class SharedUpstream {
    let loop: EpollLoop
    let connection: UpstreamConnection
    private let lease: LeasedConnection
    private let statistics: SharedStatistics
    /// Its loop's batch counts.
    private let batches: SharedStatistics.BatchCounter
    private var router = ReplyRouter()
    /// The sessions assigned to it, by slot (nil: free).
    private var sessions: [ProxySession?] = []
    private var freeSlots: [Int] = []
    /// Sessions that stopped reading their client because the output is full.
    private var paused: [ProxySession] = []
    /// Where each session's last batch ends in the connection's output, to stamp its
    /// requests' `sentNanos` once the kernel took them.
    private var marks: [(end: UInt64, slot: Int, sessionOffset: UInt64)] = []
    private var marksHead = 0
    /// Requests written since the last write that took bytes (`redislens_upstream_batch_commands`).
    private var batchCommands = 0
    private var sentSeen: UInt64 = 0
    /// Told once when the connection ended.
    var onEnd: (() -> Void)?
    private(set) var isOpen = true
    /// Its replies stopped making sense; it ends on the next turn of the loop.
    private var broken = false

    init(lease: LeasedConnection, statistics: SharedStatistics, batches: SharedStatistics.BatchCounter) {
        self.batches = batches
        self.lease = lease
        self.connection = lease.value
        self.loop = lease.value.loop
        self.statistics = statistics
        sentSeen = connection.socket.bytesSent
        marks.reserveCapacity(16)
    }

    /// Whether the sessions' clients should stop being read.
    var isFull: Bool { connection.isFull }

    /// Assigns `session`; returns its slot.
    func add(_ session: ProxySession) -> Int {
        if let slot = freeSlots.popLast() {
            sessions[slot] = session
            return slot
        }
        sessions.append(session)
        return sessions.count - 1
    }

    /// The session in `slot` closed: the replies still owed to it are read and dropped.
    func remove(slot: Int) {
        guard slot < sessions.count, sessions[slot] != nil else { return }
        sessions[slot] = nil
        router.markGone(slot: slot)
        for index in marksHead..<marks.count where marks[index].slot == slot { marks[index].slot = -1 }
        freeSlots.append(slot)
        paused.removeAll { $0.sharedSlot == slot }
    }

    /// Appends complete request frames of the session in `slot`: `held` (the start of the
    /// first one, kept from an earlier read) then `bytes`; `frames` of them get a reply;
    /// `sessionOffset` is where they end in the bytes the session sent to shared.
    func write(
        slot: Int, held: UnsafeRawBufferPointer?, _ bytes: UnsafeRawBufferPointer, frames: Int, sessionOffset: UInt64
    ) {
        if let held, !held.isEmpty { connection.write(held) }
        connection.write(bytes)
        guard frames > 0 else { return }
        router.append(slot: slot, frames: frames)
        batchCommands += frames
        let socket = connection.socket
        if marksHead > 0 && marksHead == marks.count {
            marks.removeAll(keepingCapacity: true)
            marksHead = 0
        } else if marksHead >= 64 && marksHead * 2 >= marks.count {
            marks.removeFirst(marksHead)  // the kernel lags: keep the queue compact
            marksHead = 0
        }
        marks.append((socket.bytesSent &+ UInt64(socket.pendingBytes), slot, sessionOffset))
        if socket.bytesSent != sentSeen { stampSent() }  // a large write went out at once
    }

    /// Parks a session whose client stopped being read because the output is full.
    func pause(_ session: ProxySession) {
        paused.append(session)
    }

    // MARK: - Called by UpstreamConnection

    /// Reply bytes: each piece goes to its session (or is dropped for a gone one).
    func upstreamRead(_ bytes: UnsafeRawBufferPointer) {
        guard isOpen, !broken else { return }
        // Redis is answering what it read: the requests held meanwhile go out as one batch
        // after this turn of the loop (``StreamSocket/outputHeld``).
        connection.socket.releaseOutput()
        var offset = 0
        do throws(RESPProtocolError) {
            while let piece = try router.next(bytes, offset: &offset) {
                if piece.unowed { return fail("a reply no client asked for on a shared connection") }
                guard let slot = piece.slot, let session = sessions[slot] else { continue }
                session.sharedReply(UnsafeRawBufferPointer(rebasing: bytes[piece.range]))
            }
        } catch {
            fail("unparsable reply on a shared connection: \(error.message)")
        }
    }

    /// The replies stopped making sense: the connection ends (on the next turn, not inside
    /// its read), and its sessions' clients close.
    private func fail(_ reason: String) {
        broken = true
        loop.assumeIsolated().execute {
            self.connection.close()
            self.upstreamClosed(reason: reason)
        }
    }

    /// The connection took bytes (the loop's flush, or `EPOLLOUT`): stamp the requests
    /// sent, count the batch, and read the paused clients again if there is room.
    func upstreamWritable() {
        if connection.socket.bytesSent != sentSeen { stampSent() }
        if !paused.isEmpty && connection.socket.hasRoom {
            let resumed = paused
            paused.removeAll(keepingCapacity: true)
            for session in resumed { session.sharedHasRoom() }
        }
    }

    private func stampSent() {
        let socket = connection.socket
        let sent = socket.bytesSent
        sentSeen = sent
        if batchCommands > 0 {
            batches.record(commands: batchCommands)
            batchCommands = 0
            // The batch is out: the next one waits until Redis starts answering it.
            if socket.pendingBytes == 0 && !router.isEmpty { socket.holdOutput() }
        }
        guard marksHead < marks.count, marks[marksHead].end <= sent else { return }
        let now = socket.sendStarted
        while marksHead < marks.count, marks[marksHead].end <= sent {
            let mark = marks[marksHead]
            marksHead += 1
            if mark.slot >= 0, let session = sessions[mark.slot] {
                session.sharedSent(through: mark.sessionOffset, at: now)
            }
        }
    }

    /// The connection ended: every session on it closes after its queued output (pinned
    /// ones keep their dedicated connection).
    func upstreamClosed(reason: String) {
        guard isOpen else { return }
        isOpen = false
        statistics.sharedConnectionClosed()
        let affected = sessions.compactMap { $0 }
        sessions.removeAll()
        freeSlots.removeAll()
        paused.removeAll()
        for session in affected { session.sharedUpstreamClosed(reason: reason) }
        onEnd?()
        onEnd = nil
    }

    /// The loop stopped (no task or event runs any more): forget the sessions, so nothing
    /// keeps them, their pool or this connection alive.
    func loopStopped() {
        isOpen = false
        sessions.removeAll()
        freeSlots.removeAll()
        paused.removeAll()
        onEnd = nil
    }

    /// Closes the connection (the loop's set is shutting down).
    func close() {
        connection.close()
        upstreamClosed(reason: "connection closed")
    }
}
