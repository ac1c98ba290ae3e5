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
        let sent = connection.socket.bytesSent
        sentSeen = sent
        if batchCommands > 0 {
            batches.record(commands: batchCommands)
            batchCommands = 0
        }
        guard marksHead < marks.count, marks[marksHead].end <= sent else { return }
        let now = loop.timestamp()
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

    /// Closes the connection (the loop's set is shutting down).
    func close() {
        connection.close()
        upstreamClosed(reason: "connection closed")
    }
}

/// The shared upstream connections of one loop: `count` of them, opened lazily through the
/// pool's connect path (the same resolve, connect, TLS and login as a pooled connection,
/// recorded as live for failovers, not counted in the pool's leases), assigned round robin.
/// Confined to its loop (the pool holds one per loop).
final class SharedLoop: @unchecked Sendable {
    let loop: EpollLoop
    /// The loop's index in its group (its batch counter).
    private let index: Int
    private let count: Int
    private var connections: [SharedUpstream?]
    private var waiters: [[(SharedUpstream?, (any Error)?) -> Void]]
    private var next = 0

    init(loop: EpollLoop, index: Int, count: Int) {
        self.loop = loop
        self.index = index
        self.count = count
        connections = Array(repeating: nil, count: count)
        waiters = Array(repeating: [], count: count)
    }

    /// A shared connection for a new session: the next one round robin, opened first if
    /// needed; nil (and why) when none could be opened.
    func assign(pool: UpstreamPool, _ done: @escaping (SharedUpstream?, (any Error)?) -> Void) {
        let index = next % count
        next &+= 1
        if let connection = connections[index], connection.isOpen { return done(connection, nil) }
        waiters[index].append(done)
        guard waiters[index].count == 1 else { return }
        pool.openShared(on: loop).assumeIsolated().whenComplete { result in
            let connection: SharedUpstream?
            var failure: (any Error)?
            switch result {
            case .success(let lease):
                let shared = SharedUpstream(
                    lease: lease, statistics: pool.shared, batches: pool.shared.batches[self.index])
                if lease.value.attach(shared: shared) {
                    pool.shared.sharedConnectionOpened()
                    shared.onEnd = { [weak self, weak shared] in
                        if let self, let shared, self.connections[index] === shared { self.connections[index] = nil }
                    }
                    self.connections[index] = shared
                    connection = shared
                } else {
                    lease.value.close()
                    connection = nil
                    failure = UpstreamError(reason: lease.value.closeReason ?? "connection closed before use")
                }
            case .failure(let error):
                connection = nil
                failure = error
            }
            let waiting = self.waiters[index]
            self.waiters[index] = []
            // On the next turn: this may run inside the connection's read of its login
            // replies, which are in the loop's buffer that the sessions read their clients into.
            self.loop.assumeIsolated().execute {
                let usable = connection?.isOpen == true ? connection : nil
                let reason = failure ?? UpstreamError(reason: "the shared connection closed before use")
                for waiter in waiting { waiter(usable, usable == nil ? reason : nil) }
            }
        }
    }

    /// An open shared connection, if any (for a pinned session whose own one ended).
    func anyOpen() -> SharedUpstream? {
        connections.first { $0?.isOpen == true } ?? nil
    }
}

/// Shared mode's counts for `/metrics` and `/stats`: open shared connections, pinned
/// clients by reason (now and in total) and commands per write of a shared connection.
/// Pins take a lock once per pin; batches are counted per loop (``BatchCounter``, its own
/// lock, uncontended but for scrapes), never per command.
public final class SharedStatistics: Sendable {
    /// Buckets of `redislens_upstream_batch_commands`: 1, 2, 4, ... 1024.
    public static let batchBounds: [Int] = (0...10).map { 1 << $0 }

    /// Counts at one moment.
    public struct Snapshot: Sendable {
        /// Open shared connections.
        public var connections = 0
        /// Clients pinned now, by ``PinReason/index``.
        public var pinned = [Int](repeating: 0, count: PinReason.allCases.count)
        /// Pins since start, by ``PinReason/index``.
        public var pins = [UInt64](repeating: 0, count: PinReason.allCases.count)
        /// Writes by commands (``batchBounds``, then above the last; not cumulative).
        public var batchBuckets = [UInt64](repeating: 0, count: SharedStatistics.batchBounds.count + 1)
        /// Commands in every write counted.
        public var batchSum: UInt64 = 0
    }

    /// One loop's batch counts.
    final class BatchCounter: Sendable {
        fileprivate let counts = NIOLockedValueBox(
            (buckets: [UInt64](repeating: 0, count: SharedStatistics.batchBounds.count + 1), sum: UInt64(0)))

        /// One write of a shared connection carried `commands` requests.
        func record(commands: Int) {
            let bucket =
                SharedStatistics.batchBounds.firstIndex { commands <= $0 } ?? SharedStatistics.batchBounds.count
            counts.withLockedValue {
                $0.buckets[bucket] += 1
                $0.sum += UInt64(commands)
            }
        }
    }

    private let state = NIOLockedValueBox(Snapshot())
    /// Batch counts by loop index.
    let batches: [BatchCounter]

    init(loops: Int) {
        batches = (0..<max(loops, 1)).map { _ in BatchCounter() }
    }

    /// Counts at this moment.
    public var snapshot: Snapshot {
        var snapshot = state.withLockedValue { $0 }
        for counter in batches {
            let (buckets, sum) = counter.counts.withLockedValue { ($0.buckets, $0.sum) }
            for index in buckets.indices { snapshot.batchBuckets[index] += buckets[index] }
            snapshot.batchSum += sum
        }
        return snapshot
    }

    func sharedConnectionOpened() { state.withLockedValue { $0.connections += 1 } }
    func sharedConnectionClosed() { state.withLockedValue { $0.connections -= 1 } }

    /// A client was pinned for `reason`.
    func pinned(_ reason: PinReason) {
        state.withLockedValue {
            $0.pinned[reason.index] += 1
            $0.pins[reason.index] += 1
        }
    }

    /// A client pinned for `reason` went back to shared, or closed.
    func unpinned(_ reason: PinReason) {
        state.withLockedValue { $0.pinned[reason.index] -= 1 }
    }
}
